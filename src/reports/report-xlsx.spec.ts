import { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { SaxesParser } from 'saxes';
import { januaryFigures } from '../../test/fixtures/january-2022.js';
import { dataRows, loadWorkbook } from '../../test/support/office.js';
import { unzip } from '../../test/support/zip.js';
import type { OverdueTicketLine, OverdueUnitLine, ReportDocument } from './report-figures.js';
import { collect, OutputClosedError } from './report-stream.js';
import { renderReportXlsx, toExcelLocalDate, writeReportXlsx, XLSX_SHEET_NAMES } from './report-xlsx.js';

/**
 * The workbook as the writer writes it, part by part: well-formed XML whatever the names hold, every ticket row in
 * order however many, the formatting of each sheet, and a pace set by the reader of the file (what it has not taken
 * yet stays small, and it stops the writer by going away).
 */

const REPORT_TITLE = 'Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày 12/01/2022';
const FIRST_RECEIVED = Date.parse('2021-10-01T17:15:00Z'); // 00:15 on 02/10/2021 in Viet Nam
const REPORT_CUTOFF = Date.parse('2022-01-12T09:00:00Z');

/** Ticket k of a long list in report order: received k minutes after the first one, due 2 days after it is received. */
function lateTicket(k: number, unitName = k % 3 ? 'UBND xã Hòa Lợi' : 'Sở Y tế'): OverdueTicketLine {
  const receivedAt = new Date(FIRST_RECEIVED + k * 60_000);
  const dueAt = new Date(receivedAt.getTime() + 2 * 86_400_000);
  return {
    code: `PA-${String(k + 1).padStart(6, '0')}`,
    unitName,
    categoryName: k % 4 ? 'Giao thông' : null,
    receivedAt,
    dueAt,
    daysLate: Math.floor((REPORT_CUTOFF - dueAt.getTime()) / 86_400_000),
  };
}

/** `tickets` as batches of `size` read one at a time (a turn of the event loop each), counting what was read. */
function readInBatches(tickets: readonly OverdueTicketLine[], size: number) {
  const read = { batches: 0, ended: false };
  const list: AsyncIterable<OverdueTicketLine[]> = {
    async *[Symbol.asyncIterator]() {
      try {
        for (let from = 0; from < tickets.length; from += size) {
          await new Promise((resolve) => setImmediate(resolve));
          read.batches++;
          yield tickets.slice(from, from + size);
        }
      } finally {
        read.ended = true;
      }
    },
  };
  return { read, list };
}

const reportOf = (overdueTickets: ReportDocument['overdueTickets'], overdueUnits?: OverdueUnitLine[]): ReportDocument => {
  const figures = januaryFigures();
  if (overdueUnits) figures.overdueUnits = overdueUnits;
  return { figures, overdueTickets, title: REPORT_TITLE };
};

/** The first error a strict XML 1.0 parser finds in `xml`, or null. */
function xmlError(xml: string): string | null {
  const parser = new SaxesParser();
  let error: string | null = null;
  parser.on('error', (e) => {
    error ??= e.message;
  });
  parser.write(xml).close();
  return error;
}

/**
 * A reader that takes a chunk every millisecond at most, noting how much it was left waiting (its writableLength) and
 * how many batches had been read by the time each chunk came; it destroys itself once it has `stopAfter` bytes.
 */
function slowReader(read: { batches: number }, stopAfter = Infinity) {
  const seen = { bytes: 0, maxWaiting: 0, chunks: [] as { batches: number; bytesBefore: number }[] };
  const out = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      seen.maxWaiting = Math.max(seen.maxWaiting, out.writableLength);
      seen.chunks.push({ batches: read.batches, bytesBefore: seen.bytes });
      seen.bytes += chunk.length;
      if (seen.bytes >= stopAfter) out.destroy();
      else setTimeout(callback, 1);
    },
  });
  return { out, seen };
}

const iso = (value: ExcelJS.CellValue) => (value as Date).toISOString();

describe('the xlsx writer', () => {
  it('writes well-formed XML whatever the names hold: escaped, and without the characters XML 1.0 forbids', async () => {
    const names = [
      'UBND xã A & B <Hòa Lợi> "Trà Vinh" \'x\' 🏥',
      'Sở\u0001 Y\u0008 tế\u000B\u001F\uFFFE\uD800',
      '  UBND  Phường 3 ',
      'Văn phòng\r\nHĐND\tvà UBND',
    ];
    const kept = ['UBND xã A & B <Hòa Lợi> "Trà Vinh" \'x\' 🏥', 'Sở Y tế', '  UBND  Phường 3 ', 'Văn phòng\r\nHĐND\tvà UBND'];
    const units = names.map((unitName, i): OverdueUnitLine => ({ unitCode: `U${i}`, unitName, level: 'commune', districtName: null, count: 1 }));
    const tickets = names.map((unitName, k) => ({ ...lateTicket(k, unitName), categoryName: `${unitName} <&>` }));
    const doc = reportOf(tickets, units);
    doc.title = 'Báo cáo <ngày> 12/01/2022 & "tuần"\u0007';
    const buffer = await renderReportXlsx(doc);

    const parts = unzip(buffer);
    expect([...parts.keys()]).toEqual(
      expect.arrayContaining(['[Content_Types].xml', 'xl/workbook.xml', 'xl/styles.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet3.xml']),
    );
    for (const [name, content] of parts) expect([name, xmlError(content.toString('utf8'))]).toEqual([name, null]);
    const ticketsXml = parts.get('xl/worksheets/sheet3.xml')!.toString('utf8');
    expect(ticketsXml).toContain('UBND xã A &amp; B &lt;Hòa Lợi&gt;');
    expect(ticketsXml).toContain('<t xml:space="preserve">  UBND  Phường 3 </t>');
    expect(ticketsXml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE]/);

    const workbook = await loadWorkbook(buffer);
    const rows = dataRows(workbook.getWorksheet(XLSX_SHEET_NAMES.tickets)!);
    expect(rows.map(([, unit, category]) => [unit, category])).toEqual(kept.map((name) => [name, `${name} <&>`]));
    const unitRows = dataRows(workbook.getWorksheet(XLSX_SHEET_NAMES.units)!);
    expect(unitRows.slice(0, -1).map(([, name]) => name).sort()).toEqual([...kept].sort());
    const summary = dataRows(workbook.getWorksheet(XLSX_SHEET_NAMES.summary)!);
    expect(summary[0]).toEqual(['Báo cáo', 'Báo cáo <ngày> 12/01/2022 & "tuần"']);
    expect(workbook.title).toBe('Báo cáo <ngày> 12/01/2022 & "tuần"');
  });

  it('writes 50,000 tickets read in batches, in order, with their Viet Nam dates, the widths fitted to the first batch', async () => {
    const tickets = Array.from({ length: 50_000 }, (_, k) => lateTicket(k, k === 10_000 ? 'Văn phòng HĐND và UBND huyện Duyên Hải, tỉnh Trà Vinh' : undefined));
    const { read, list } = readInBatches(tickets, 4_999);
    const workbook = await loadWorkbook(await collect((out) => writeReportXlsx(reportOf(list), out)));
    expect(read).toEqual({ batches: 11, ended: true });

    const sheet = workbook.getWorksheet(XLSX_SHEET_NAMES.tickets)!;
    const rows = dataRows(sheet);
    expect(rows).toHaveLength(50_000);
    const expected = (t: OverdueTicketLine) => [
      t.code,
      t.unitName,
      t.categoryName ?? undefined,
      toExcelLocalDate(t.receivedAt).toISOString(),
      toExcelLocalDate(t.dueAt).toISOString(),
      t.daysLate,
    ];
    const actual = (row: ExcelJS.CellValue[]) => [row[0], row[1], row[2], iso(row[3]), iso(row[4]), row[5]];
    const firstWrong = rows.findIndex((row, i) => JSON.stringify(actual(row)) !== JSON.stringify(expected(tickets[i])));
    expect(firstWrong).toBe(-1);
    expect(actual(rows[0])).toEqual(['PA-000001', 'Sở Y tế', undefined, '2021-10-02T00:15:00.000Z', '2021-10-04T00:15:00.000Z', 100]);
    expect(actual(rows[49_999])).toEqual(['PA-050000', 'UBND xã Hòa Lợi', 'Giao thông', '2021-11-05T17:34:00.000Z', '2021-11-07T17:34:00.000Z', 65]);

    expect(sheet.autoFilter).toBe('A1:F50001');
    // the longest of the first batch plus 2, within the bounds ("Văn phòng HĐND…", in the third batch, does not count)
    expect([1, 2, 3, 4, 5, 6].map((c) => sheet.getColumn(c).width)).toEqual([14, 24, 16, 17, 17, 12]);
  });

  it('formats every sheet as before: headers, number formats, STT, total row, filter, properties', async () => {
    const tickets = Array.from({ length: 30 }, (_, k) => ({ ...lateTicket(k), categoryName: k === 3 ? 'Môi trường - Tài nguyên và nước' : 'Y tế' }));
    const workbook = await loadWorkbook(await renderReportXlsx(reportOf(tickets)));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Đơn vị trễ hạn', 'Phiếu trễ hạn']);
    expect([workbook.creator, workbook.title]).toEqual(['Tổng đài 1022', REPORT_TITLE]);
    expect([workbook.created.toISOString(), workbook.modified.toISOString()]).toEqual(['2022-01-12T09:00:00.000Z', '2022-01-12T09:00:00.000Z']);

    for (const sheet of workbook.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
      sheet.getRow(1).eachCell((cell) => {
        expect(cell.font?.bold).toBe(true);
        expect(cell.fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE4E7EB' } });
        expect(cell.border?.bottom).toEqual({ style: 'thin' });
        expect(cell.alignment).toMatchObject({ vertical: 'middle', wrapText: true });
      });
    }

    const summary = workbook.getWorksheet(XLSX_SHEET_NAMES.summary)!;
    expect([1, 2, 3].map((c) => summary.getColumn(c).width)).toEqual([56, 18, 24]);
    const figureRow = (label: string) => summary.getRow(dataRows(summary).findIndex(([l]) => l === label) + 2);
    expect(figureRow('Thời điểm chốt số liệu').getCell(2).numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(figureRow('Đã xử lý').getCell(2)).toMatchObject({ value: 42, numFmt: '#,##0' });
    expect(figureRow('Đã xử lý').getCell(3)).toMatchObject({ value: 35, numFmt: '+#,##0;-#,##0;0' });

    const units = workbook.getWorksheet(XLSX_SHEET_NAMES.units)!;
    // the longest name, "Văn phòng HĐND và UBND huyện Duyên Hải", is 38 characters
    expect([1, 2, 3, 4].map((c) => units.getColumn(c).width)).toEqual([6, 40, 8, 18]);
    expect(units.getRow(2).getCell(1)).toMatchObject({ value: 1, alignment: { horizontal: 'center' } });
    expect(units.getRow(1).getCell(1).alignment).toMatchObject({ horizontal: 'center' });
    expect(units.getRow(2).getCell(4).numFmt).toBe('#,##0');
    const total = units.getRow(30);
    expect(total.font?.bold).toBe(true);
    expect(total.getCell(2)).toMatchObject({ value: 'Tổng cộng', font: { bold: true } });
    expect(total.getCell(4)).toMatchObject({ value: 102, numFmt: '#,##0', font: { bold: true } });

    const ticketsSheet = workbook.getWorksheet(XLSX_SHEET_NAMES.tickets)!;
    expect([1, 2, 3, 4, 5, 6].map((c) => ticketsSheet.getColumn(c).width)).toEqual([14, 24, 33, 17, 17, 12]);
    expect(ticketsSheet.autoFilter).toBe('A1:F31');
    expect(ticketsSheet.getRow(2).getCell(5).numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(ticketsSheet.getRow(2).getCell(6).numFmt).toBe('#,##0');
  });

  it('writes at the pace of a slow reader: what the reader has not taken yet stays small', async () => {
    const tickets = Array.from({ length: 50_000 }, (_, k) => lateTicket(k));
    const { read, list } = readInBatches(tickets, 2_500);
    const { out, seen } = slowReader(read);
    await writeReportXlsx(reportOf(list), out);
    expect(read).toEqual({ batches: 20, ended: true });
    expect(seen.bytes).toBeGreaterThan(1_000_000);
    // the reader is never left more than its own buffer and a chunk of the zip
    expect(seen.maxWaiting).toBeLessThanOrEqual(16 * 1024 + 64 * 1024);
    // the batches read when each chunk came, against the batches that chunk's bytes hold: a few ahead at most
    const bytesPerBatch = seen.bytes / read.batches;
    const ahead = Math.max(...seen.chunks.map(({ batches, bytesBefore }) => batches - bytesBefore / bytesPerBatch));
    expect(ahead).toBeLessThanOrEqual(3);
  });

  it('stops reading the tickets, and fails with OutputClosedError, when the reader goes away midway', async () => {
    const tickets = Array.from({ length: 50_000 }, (_, k) => lateTicket(k));
    const { read, list } = readInBatches(tickets, 2_500);
    const { out, seen } = slowReader(read, 300_000);
    await expect(writeReportXlsx(reportOf(list), out)).rejects.toBeInstanceOf(OutputClosedError);
    expect(read.ended).toBe(true);
    const batches = read.batches;
    expect(batches).toBeLessThan(12);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(read.batches).toBe(batches);
    expect(seen.bytes).toBeLessThan(400_000);
  });
});
