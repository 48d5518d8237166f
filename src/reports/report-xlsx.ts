/**
 * The report as an Excel workbook (exceljs), three sheets: "Tổng hợp" (every figure, its value and its change since
 * the previous report), "Đơn vị trễ hạn" (the per-unit overdue list in report order, with a total row) and
 * "Phiếu trễ hạn" (the overdue tickets). Dates are real Excel dates holding the Viet Nam wall time (Excel has no
 * time zones), shown dd/mm/yyyy hh:mm. Pure: no database, no clock.
 *
 * Written as a stream (exceljs's WorkbookWriter, strings inline): the overdue tickets, hundreds of thousands at a
 * million tickets, go out batch by batch as they are read, and the writer waits for the output to drain between
 * batches, so that neither the rows nor the file are held whole.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { VIETNAM_OFFSET_MS } from '../common/vn-time.js';
import { overdueTicketBatches, REPORT_CHANNELS, type Change, type OverdueTicketLine, type OverdueUnitLine, type ReportDocument } from './report-figures.js';
import { REPORT_CHANNEL_LABELS, displayUnitName, sortOverdueUnits } from './report-text.js';
import { collect, drained, unlessClosed } from './report-stream.js';

export const XLSX_SHEET_NAMES = { summary: 'Tổng hợp', units: 'Đơn vị trễ hạn', tickets: 'Phiếu trễ hạn' } as const;

/** "Tỉnh", "Huyện", "Xã": the level of a unit as the "Cấp" column shows it. */
export const UNIT_LEVEL_LABELS: Readonly<Record<OverdueUnitLine['level'], string>> = { province: 'Tỉnh', district: 'Huyện', commune: 'Xã' };

const KIND_LABELS: Readonly<Record<ReportDocument['figures']['kind'], string>> = {
  daily: 'Hàng ngày',
  weekly: 'Hàng tuần',
  monthly: 'Hàng tháng',
};

const DATE_TIME_FORMAT = 'dd/mm/yyyy hh:mm';
const INTEGER_FORMAT = '#,##0';
const CHANGE_FORMAT = '+#,##0;-#,##0;0';

/**
 * The Viet Nam wall time of an instant as a Date whose UTC fields are that wall time: exceljs writes a Date's UTC
 * fields, so Excel shows 16:00 for 2022-01-12T09:00:00Z. Reading the file back gives this shifted Date.
 */
export function toExcelLocalDate(instant: Date): Date {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new RangeError('invalid date');
  return new Date(time + VIETNAM_OFFSET_MS);
}

type SummaryValue = string | number | Date | null;

/** Sheets in this order: "Tổng hợp", "Đơn vị trễ hạn", "Phiếu trễ hạn". The whole file in memory (e-mail attachments). */
export async function renderReportXlsx(doc: ReportDocument): Promise<Buffer> {
  return collect((out) => writeReportXlsx(doc, out));
}

type Sheet = ExcelJS.Worksheet;

/**
 * Writes the workbook to `out` and ends it; resolves once all of it is written. The tickets are read from
 * `doc.overdueTickets` one batch at a time; the column widths of their sheet fit the first batch. Rejects, leaving
 * `out` as it is, when `out` is closed before the end (a client that went away).
 */
export async function writeReportXlsx(doc: ReportDocument, out: Writable): Promise<void> {
  const f = doc.figures;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'Tổng đài 1022';
  workbook.title = doc.title;
  // The cut-off rather than "now", so that the same report gives the same workbook content (document properties
  // carry real instants, in UTC, unlike cells).
  workbook.created = f.cutoff;
  workbook.modified = f.cutoff;

  // 1. Summary: label, value, change since the previous report (empty for a first report or a figure without one).
  const summary: Sheet = workbook.addWorksheet(XLSX_SHEET_NAMES.summary, { views: [{ state: 'frozen', ySplit: 1 }] });
  summary.columns = [
    { header: 'Chỉ tiêu', key: 'label' },
    { header: 'Giá trị', key: 'value' },
    { header: 'Thay đổi so với kỳ trước', key: 'change' },
  ];
  const addFigure = (label: string, value: SummaryValue, change: Change | null = null) => {
    const delta = change && change.previous !== null ? change.current - change.previous : null;
    const row = summary.addRow({ label, value, change: delta });
    const valueCell = row.getCell('value');
    if (value instanceof Date) valueCell.numFmt = DATE_TIME_FORMAT;
    else if (typeof value === 'number') valueCell.numFmt = INTEGER_FORMAT;
    if (delta !== null) row.getCell('change').numFmt = CHANGE_FORMAT;
  };
  const inDay = REPORT_CHANNELS.reduce((sum, channel) => sum + f.receivedInDay[channel], 0);
  addFigure('Báo cáo', doc.title);
  addFigure('Loại báo cáo', KIND_LABELS[f.kind]);
  addFigure('Thời điểm chốt số liệu', toExcelLocalDate(f.cutoff));
  addFigure('Thời điểm chốt kỳ trước', f.previousCutoff ? toExcelLocalDate(f.previousCutoff) : null);
  addFigure('Bắt đầu vận hành', toExcelLocalDate(f.operationStart));
  addFigure(`App công dân 1022 ${f.provinceName} - App android: lượt cài đặt`, f.appInstalls.android.current, f.appInstalls.android);
  addFigure(`App công dân 1022 ${f.provinceName} - App IOS: lượt cài đặt`, f.appInstalls.ios.current, f.appInstalls.ios);
  addFigure('Tổng số phản ánh đã tiếp nhận trong ngày', inDay);
  for (const channel of REPORT_CHANNELS) {
    addFigure(`Tiếp nhận trong ngày - ${REPORT_CHANNEL_LABELS[channel]}`, f.receivedInDay[channel]);
  }
  addFigure('Tổng số phản ánh đã tiếp nhận từ khi vận hành', f.receivedTotal.current, f.receivedTotal);
  addFigure('Đã xử lý', f.handled.current, f.handled);
  addFigure('Đang xử lý', f.open);
  addFigure('Đang xử lý - trong đó trễ hạn', f.overdue.current, f.overdue);
  addFigure('Bị từ chối (không tính vào đã xử lý, đang xử lý)', f.rejected);
  addFigure('Trùng, đã gộp (không tính vào đã xử lý, đang xử lý)', f.merged);
  addFigure('Số đơn vị đang xử lý trễ hạn', f.overdueUnits.length);
  styleHeader(summary);
  summary.getColumn('label').width = 56;
  summary.getColumn('value').width = 18;
  summary.getColumn('change').width = 24;
  summary.commit();

  // 2. Units with overdue tickets, in report order, and the total.
  const unitsSheet: Sheet = workbook.addWorksheet(XLSX_SHEET_NAMES.units, { views: [{ state: 'frozen', ySplit: 1 }] });
  unitsSheet.columns = [
    { header: 'STT', key: 'index' },
    { header: 'Đơn vị', key: 'unit' },
    { header: 'Cấp', key: 'level' },
    { header: 'Số phiếu trễ hạn', key: 'count', style: { numFmt: INTEGER_FORMAT } },
  ];
  const units = sortOverdueUnits(f.overdueUnits);
  units.forEach((unit, i) =>
    unitsSheet.addRow({ index: i + 1, unit: displayUnitName(unit, units), level: UNIT_LEVEL_LABELS[unit.level], count: unit.count }),
  );
  const totalRow = unitsSheet.addRow({ unit: 'Tổng cộng', count: units.reduce((sum, unit) => sum + unit.count, 0) });
  totalRow.font = { bold: true };
  styleHeader(unitsSheet);
  unitsSheet.getColumn('index').alignment = { horizontal: 'center' };
  fitWidths(unitsSheet, { index: [6, 6], unit: [24, 60], level: [8, 8], count: [18, 18] });
  unitsSheet.commit();
  await drained(out);

  // 3. The overdue tickets: the latest first (most days late), then by deadline and code, as they are read. The rows
  // of the first batch stay in the sheet until the column widths are fitted to them; then every row goes out at once.
  const ticketsSheet: Sheet = workbook.addWorksheet(XLSX_SHEET_NAMES.tickets, { views: [{ state: 'frozen', ySplit: 1 }] });
  ticketsSheet.columns = [
    { header: 'Mã phản ánh', key: 'code' },
    { header: 'Đơn vị', key: 'unit' },
    { header: 'Lĩnh vực', key: 'category' },
    { header: 'Tiếp nhận', key: 'receivedAt', style: { numFmt: DATE_TIME_FORMAT } },
    { header: 'Hạn xử lý', key: 'dueAt', style: { numFmt: DATE_TIME_FORMAT } },
    { header: 'Số ngày trễ', key: 'daysLate', style: { numFmt: INTEGER_FORMAT } },
  ];
  styleHeader(ticketsSheet);
  let count = 0;
  let fitted = false;
  const fit = () => {
    fitWidths(ticketsSheet, { code: [14, 24], unit: [24, 50], category: [16, 40], receivedAt: [17, 17], dueAt: [17, 17], daysLate: [12, 12] });
    fitted = true;
    // committing the last row writes out every row before it
    ticketsSheet.lastRow?.commit();
  };
  for await (const batch of overdueTicketBatches(doc.overdueTickets)) {
    for (const ticket of batch) {
      const row = ticketsSheet.addRow(ticketRow(ticket));
      if (fitted) row.commit();
    }
    count += batch.length;
    if (!fitted) fit();
    await drained(out);
    await compressed(ticketsSheet, out);
  }
  if (!fitted) fit();
  if (count > 0) {
    ticketsSheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1 + count, column: 6 } };
  }
  ticketsSheet.commit();
  await unlessClosed(out, workbook.commit());
}

/** Bytes of a sheet's XML the zip may hold before the writer waits for it: about a batch of rows. */
const ZIP_ENTRY_SLACK = 2 * 1024 * 1024;

/**
 * Waits until the zip has compressed what the sheet wrote, give or take ZIP_ENTRY_SLACK. exceljs 4 pipes a sheet's
 * XML into the zip archiver's entry stream without backpressure (it writes whatever that stream already holds), so
 * rows that come faster than they are compressed would pile up there, up to the whole sheet. This reaches into
 * exceljs's internals (4.4: the sheet's `_stream` pipes into the archiver's PassThrough); if they change, it finds
 * nothing and the writer waits for its output alone. Rejects when `out` closes meanwhile (the zip then stops).
 */
async function compressed(sheet: Sheet, out: Writable): Promise<void> {
  const entry = (sheet as unknown as { _stream?: { pipes?: unknown[] } })._stream?.pipes?.[0] as
    | (NodeJS.EventEmitter & { _writableState?: { length: number } })
    | undefined;
  const state = entry?._writableState;
  if (!entry || !state || state.length <= ZIP_ENTRY_SLACK) return;
  await unlessClosed(out, new Promise<void>((resolve) => entry.once('drain', resolve)));
}

const ticketRow = (ticket: OverdueTicketLine) => ({
  code: ticket.code,
  unit: ticket.unitName,
  category: ticket.categoryName ?? null,
  receivedAt: toExcelLocalDate(ticket.receivedAt),
  dueAt: toExcelLocalDate(ticket.dueAt),
  daysLate: ticket.daysLate,
});

function styleHeader(sheet: ExcelJS.Worksheet): void {
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE4E7EB' } };
    cell.border = { bottom: { style: 'thin' } };
  });
}

/** Sets each keyed column's width to its longest text, clamped to [min, max] characters. */
function fitWidths(sheet: ExcelJS.Worksheet, bounds: Record<string, [min: number, max: number]>): void {
  for (const [key, [min, max]] of Object.entries(bounds)) {
    const column = sheet.getColumn(key);
    let longest = 0;
    column.eachCell({ includeEmpty: false }, (cell, rowNumber) => {
      if (rowNumber > 1 && typeof cell.value === 'string') longest = Math.max(longest, cell.value.length);
    });
    column.width = Math.min(max, Math.max(min, longest + 2));
  }
}
