/**
 * The report as an Excel workbook, three sheets: "Tổng hợp" (every figure, its value and its change since the previous
 * report), "Đơn vị trễ hạn" (the per-unit overdue list in report order, with a total row) and "Phiếu trễ hạn" (the
 * overdue tickets). Dates are real Excel dates holding the Viet Nam wall time (Excel has no time zones), shown
 * dd/mm/yyyy hh:mm. Pure: no database, no clock.
 *
 * Written as a stream: the SpreadsheetML parts are written here as text, strings inline (no shared strings table, so
 * that nothing grows with the rows), into a zip (archiver) that goes to the output as it is compressed. The overdue
 * tickets, hundreds of thousands at a million tickets, go out batch by batch as they are read, a row at a time as
 * text: the writer hands the zip a chunk of rows, then waits for the zip to take it and for the output to drain, so
 * that neither the rows nor the file are held whole.
 */
import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import type { ZipArchive } from 'archiver';
import { vietnamWallClock } from '../common/vn-time.js';
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

/**
 * The Viet Nam wall time of an instant as a Date whose UTC fields are that wall time: the cell holds those fields, so
 * Excel shows 16:00 for 2022-01-12T09:00:00Z. Reading the file back (exceljs) gives this shifted Date.
 */
export function toExcelLocalDate(instant: Date): Date {
  return vietnamWallClock(instant);
}

/** An instant as the Excel serial date of its Viet Nam wall time (days since 30/12/1899; 1970-01-01 is 25569). */
const excelDate = (instant: Date) => 25569 + toExcelLocalDate(instant).getTime() / 86_400_000;

/** Sheets in this order: "Tổng hợp", "Đơn vị trễ hạn", "Phiếu trễ hạn". The whole file in memory (e-mail attachments). */
export async function renderReportXlsx(doc: ReportDocument): Promise<Buffer> {
  return collect((out) => writeReportXlsx(doc, out));
}

/**
 * Writes the workbook to `out` and ends it; resolves once all of it is written. The tickets are read from
 * `doc.overdueTickets` one batch at a time; the column widths of their sheet fit the first batch. Rejects, leaving
 * `out` as it is, when `out` is closed before the end (a client that went away): the reading of the tickets stops.
 */
export async function writeReportXlsx(doc: ReportDocument, out: Writable): Promise<void> {
  const f = doc.figures;
  // archiver is loaded on the first spreadsheet, not when the application starts
  const zip = new WorkbookZip((await import('archiver')).ZipArchive, out, f.cutoff);
  try {
    zip.add('[Content_Types].xml', CONTENT_TYPES);
    zip.add('_rels/.rels', PACKAGE_RELS);
    zip.add('docProps/core.xml', coreProperties(doc.title, f.cutoff));
    zip.add('docProps/app.xml', APP_PROPERTIES);
    zip.add('xl/workbook.xml', WORKBOOK);
    zip.add('xl/_rels/workbook.xml.rels', WORKBOOK_RELS);
    zip.add('xl/styles.xml', STYLES);
    zip.add(SHEET_PARTS[0], summarySheet(doc));
    zip.add(SHEET_PARTS[1], unitsSheet(f.overdueUnits));
    await zip.drained();
    await writeTicketsSheet(doc, zip.part(SHEET_PARTS[2]));
    await zip.finish();
  } catch (error) {
    zip.stop();
    throw error;
  }
}

// --- SpreadsheetML --------------------------------------------------------------------------------------------

const SPREADSHEET_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const SHEET_PARTS = ['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml', 'xl/worksheets/sheet3.xml'] as const;
const SHEET_NAMES = [XLSX_SHEET_NAMES.summary, XLSX_SHEET_NAMES.units, XLSX_SHEET_NAMES.tickets] as const;

/** Text XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF) and what has to be escaped. */
const NEEDS_ESCAPING = /[&<>"\r]|[^\t\n\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ESCAPED = new RegExp(NEEDS_ESCAPING.source, 'gu');
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' };

/** Text for an element or an attribute value: escaped, characters XML 1.0 forbids dropped. */
const escapeXml = (s: string) => (NEEDS_ESCAPING.test(s) ? s.replace(ESCAPED, (c) => ENTITIES[c] ?? '') : s);

/** Whitespace that XML readers would drop or fold unless told to keep it. */
const SIGNIFICANT_SPACE = /^\s|\s$|[\t\n\r]|\s\s/;

const textCell = (ref: string, s: string, style = 0) =>
  `<c r="${ref}"${style ? ` s="${style}"` : ''} t="inlineStr"><is>${SIGNIFICANT_SPACE.test(s) ? '<t xml:space="preserve">' : '<t>'}${escapeXml(s)}</t></is></c>`;

/** A number (a date as its serial number); nothing for a value that is no number. */
const numberCell = (ref: string, n: number, style: number) => (Number.isFinite(n) ? `<c r="${ref}" s="${style}"><v>${n}</v></c>` : '');

const columnLetter = (index: number) => String.fromCharCode(65 + index);

/** Each column's width: a fixed one, or its longest text (`texts[i]`) plus 2, clamped to [min, max] characters. */
function widths(columns: readonly Column[], texts: readonly (readonly (string | null)[])[]): number[] {
  return columns.map(({ width }, i) => {
    if (typeof width === 'number') return width;
    const longest = (texts[i] ?? []).reduce((max, s) => (typeof s === 'string' ? Math.max(max, s.length) : max), 0);
    return Math.min(width[1], Math.max(width[0], longest + 2));
  });
}

/** A worksheet up to its header row, included: first row frozen, column widths and styles. */
function sheetStart(columns: readonly Column[], texts: readonly (readonly (string | null)[])[], selected = false): string {
  const cols = widths(columns, texts)
    .map((width, i) => `<col min="${i + 1}" max="${i + 1}" width="${width}"${columns[i].style ? ` style="${columns[i].style}"` : ''} customWidth="1"/>`)
    .join('');
  const header = columns.map((column, i) => textCell(`${columnLetter(i)}1`, column.header, column.headerStyle ?? STYLE.header)).join('');
  return (
    `${XML_DECLARATION}<worksheet xmlns="${SPREADSHEET_NS}" xmlns:r="${RELATIONSHIPS_NS}">` +
    `<sheetViews><sheetView${selected ? ' tabSelected="1"' : ''} workbookViewId="0">` +
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>' +
    `</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols>` +
    `<sheetData><row r="1" s="${STYLE.headerRow}" customFormat="1">${header}</row>`
  );
}

/** The end of a worksheet, with an autoFilter over `filterRange` ("A1:F103"). */
const sheetEnd = (filterRange: string | null = null) =>
  `</sheetData>${filterRange ? `<autoFilter ref="${filterRange}"/>` : ''}` +
  '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';

/**
 * The cell formats of styles.xml, by index (`s` of a cell, a row, a column). Fonts: 0 Calibri 11, 1 the same bold;
 * fills: 2 the headers' grey; borders: 1 thin at the bottom; number formats: 3 is Excel's own '#,##0'.
 */
const CELL_FORMATS = {
  normal: '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
  header:
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>',
  centredHeader:
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>',
  headerRow: '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>',
  date: '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
  integer: '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
  change: '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
  centred: '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="center"/></xf>',
  bold: '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
  boldInteger: '<xf numFmtId="3" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>',
} as const;

const STYLE = Object.fromEntries(Object.keys(CELL_FORMATS).map((name, i) => [name, i])) as Readonly<Record<keyof typeof CELL_FORMATS, number>>;

const STYLES =
  `${XML_DECLARATION}<styleSheet xmlns="${SPREADSHEET_NS}">` +
  '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy hh:mm"/><numFmt numFmtId="165" formatCode="+#,##0;-#,##0;0"/></numFmts>' +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>' +
  '<fill><patternFill patternType="solid"><fgColor rgb="FFE4E7EB"/><bgColor indexed="64"/></patternFill></fill></fills>' +
  '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left/><right/><top/><bottom style="thin"/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  `<cellXfs count="${Object.keys(CELL_FORMATS).length}">${Object.values(CELL_FORMATS).join('')}</cellXfs>` +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0"/></styleSheet>';

const WORKBOOK =
  `${XML_DECLARATION}<workbook xmlns="${SPREADSHEET_NS}" xmlns:r="${RELATIONSHIPS_NS}"><bookViews><workbookView activeTab="0"/></bookViews><sheets>` +
  SHEET_NAMES.map((name, i) => `<sheet name="${escapeXml(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
  '</sheets></workbook>';

const WORKBOOK_RELS =
  `${XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
  SHEET_PARTS.map((part, i) => `<Relationship Id="rId${i + 1}" Type="${RELATIONSHIPS_NS}/worksheet" Target="${part.slice('xl/'.length)}"/>`).join('') +
  `<Relationship Id="rId${SHEET_PARTS.length + 1}" Type="${RELATIONSHIPS_NS}/styles" Target="styles.xml"/></Relationships>`;

const PACKAGE_RELS =
  `${XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
  `<Relationship Id="rId1" Type="${RELATIONSHIPS_NS}/officeDocument" Target="xl/workbook.xml"/>` +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
  `<Relationship Id="rId3" Type="${RELATIONSHIPS_NS}/extended-properties" Target="docProps/app.xml"/></Relationships>`;

const CONTENT_TYPES =
  `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
  SHEET_PARTS.map((part) => `<Override PartName="/${part}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
  '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
  '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
  '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>';

const APP_PROPERTIES =
  `${XML_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
  '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>' +
  `<vt:variant><vt:i4>${SHEET_NAMES.length}</vt:i4></vt:variant></vt:vector></HeadingPairs>` +
  `<TitlesOfParts><vt:vector size="${SHEET_NAMES.length}" baseType="lpstr">${SHEET_NAMES.map((name) => `<vt:lpstr>${escapeXml(name)}</vt:lpstr>`).join('')}</vt:vector></TitlesOfParts>` +
  '</Properties>';

/**
 * The document properties: created and modified at the cut-off rather than "now", so that the same report gives the
 * same workbook content (they carry real instants, in UTC, unlike cells).
 */
function coreProperties(title: string, cutoff: Date): string {
  const instant = cutoff.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    `${XML_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${escapeXml(title)}</dc:title><dc:creator>Tổng đài 1022</dc:creator>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${instant}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${instant}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

// --- the sheets -----------------------------------------------------------------------------------------------

/** A column: its header, its width (or the bounds its width is fitted within) and the style of its cells. */
interface Column {
  header: string;
  width: number | readonly [min: number, max: number];
  style?: number;
  headerStyle?: number;
}

type SummaryValue = string | number | Date | null;

/** 1. Summary: label, value, change since the previous report (empty for a first report or a figure without one). */
function summarySheet(doc: ReportDocument): string {
  const f = doc.figures;
  const rows: string[] = [];
  const addFigure = (label: string, value: SummaryValue, change: Change | null = null) => {
    const delta = change && change.previous !== null ? change.current - change.previous : null;
    const r = rows.length + 2;
    rows.push(
      `<row r="${r}">${textCell(`A${r}`, label)}${summaryValueCell(`B${r}`, value)}${delta === null ? '' : numberCell(`C${r}`, delta, STYLE.change)}</row>`,
    );
  };
  const inDay = REPORT_CHANNELS.reduce((sum, channel) => sum + f.receivedInDay[channel], 0);
  addFigure('Báo cáo', doc.title);
  addFigure('Loại báo cáo', KIND_LABELS[f.kind]);
  addFigure('Thời điểm chốt số liệu', f.cutoff);
  addFigure('Thời điểm chốt kỳ trước', f.previousCutoff);
  addFigure('Bắt đầu vận hành', f.operationStart);
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
  const columns: Column[] = [
    { header: 'Chỉ tiêu', width: 56 },
    { header: 'Giá trị', width: 18 },
    { header: 'Thay đổi so với kỳ trước', width: 24 },
  ];
  return sheetStart(columns, [], true) + rows.join('') + sheetEnd();
}

function summaryValueCell(ref: string, value: SummaryValue): string {
  if (value instanceof Date) return numberCell(ref, excelDate(value), STYLE.date);
  if (typeof value === 'number') return numberCell(ref, value, STYLE.integer);
  return value === null ? '' : textCell(ref, value);
}

/** 2. Units with overdue tickets, in report order, and the total. */
function unitsSheet(overdueUnits: readonly OverdueUnitLine[]): string {
  const units = sortOverdueUnits(overdueUnits);
  const lines = units.map((unit) => ({ name: displayUnitName(unit, units), level: UNIT_LEVEL_LABELS[unit.level], count: unit.count }));
  const total = units.reduce((sum, unit) => sum + unit.count, 0);
  const rows = lines.map(({ name, level, count }, i) => {
    const r = i + 2;
    return `<row r="${r}">${numberCell(`A${r}`, i + 1, STYLE.centred)}${textCell(`B${r}`, name)}${textCell(`C${r}`, level)}${numberCell(`D${r}`, count, STYLE.integer)}</row>`;
  });
  const t = lines.length + 2;
  rows.push(`<row r="${t}" s="${STYLE.bold}" customFormat="1">${textCell(`B${t}`, 'Tổng cộng', STYLE.bold)}${numberCell(`D${t}`, total, STYLE.boldInteger)}</row>`);
  const columns: Column[] = [
    { header: 'STT', width: [6, 6], style: STYLE.centred, headerStyle: STYLE.centredHeader },
    { header: 'Đơn vị', width: [24, 60] },
    { header: 'Cấp', width: [8, 8] },
    { header: 'Số phiếu trễ hạn', width: [18, 18], style: STYLE.integer },
  ];
  const texts = [[], [...lines.map((line) => line.name), 'Tổng cộng'], lines.map((line) => line.level), []];
  return sheetStart(columns, texts) + rows.join('') + sheetEnd();
}

const TICKET_COLUMNS: readonly Column[] = [
  { header: 'Mã phản ánh', width: [14, 24] },
  { header: 'Đơn vị', width: [24, 50] },
  { header: 'Lĩnh vực', width: [16, 40] },
  { header: 'Tiếp nhận', width: [17, 17], style: STYLE.date },
  { header: 'Hạn xử lý', width: [17, 17], style: STYLE.date },
  { header: 'Số ngày trễ', width: [12, 12], style: STYLE.integer },
];

/**
 * 3. The overdue tickets: the latest first (most days late), then by deadline and code, as they are read. The sheet's
 * start (with the column widths) is written once the first batch is read; every row is written as its batch comes.
 */
async function writeTicketsSheet(doc: ReportDocument, part: StreamedPart): Promise<void> {
  let r = 1;
  for await (const batch of overdueTicketBatches(doc.overdueTickets)) {
    if (r === 1) {
      const texts = [batch.map((t) => t.code), batch.map((t) => t.unitName), batch.map((t) => t.categoryName)];
      part.add(sheetStart(TICKET_COLUMNS, texts));
    }
    for (const ticket of batch) {
      part.add(ticketRow(ticket, ++r));
      if (part.full) await part.flush();
    }
  }
  if (r === 1) part.add(sheetStart(TICKET_COLUMNS, []));
  part.add(sheetEnd(r > 1 ? `A1:F${r}` : null));
  await part.end();
}

/** Row `r` of the tickets sheet; no category, no cell. */
function ticketRow(t: OverdueTicketLine, r: number): string {
  const category = t.categoryName ?? null;
  return (
    `<row r="${r}">${textCell(`A${r}`, t.code)}${textCell(`B${r}`, t.unitName)}${category === null ? '' : textCell(`C${r}`, category)}` +
    `${numberCell(`D${r}`, excelDate(t.receivedAt), STYLE.date)}${numberCell(`E${r}`, excelDate(t.dueAt), STYLE.date)}${numberCell(`F${r}`, t.daysLate, STYLE.integer)}</row>`
  );
}

// --- the zip --------------------------------------------------------------------------------------------------

/** Characters of a part's text handed to the zip at once: about 200 ticket rows. */
const CHUNK_CHARS = 64 * 1024;

/** Bytes the zip holds, compressed, before it waits for `out`. */
const ZIP_BUFFER_BYTES = 64 * 1024;

/** A part of the workbook written piece by piece: `add` text, `flush` it to the zip once `full`, `end` it. */
interface StreamedPart {
  add(xml: string): void;
  readonly full: boolean;
  flush(): Promise<void>;
  end(): Promise<void>;
}

/**
 * The xlsx file as a zip (archiver) piped into `out`, every entry dated `date`. Parts are either added whole (the
 * small ones) or streamed (`part`), each waiting for the zip to take what it wrote and for `out` to drain.
 */
class WorkbookZip {
  private readonly archive: ZipArchive;
  /** Rejects when the zip fails (never resolves). */
  private readonly failed: Promise<never>;
  private entry: PassThrough | null = null;

  constructor(
    Zip: typeof ZipArchive,
    private readonly out: Writable,
    private readonly date: Date,
  ) {
    this.archive = new Zip({ highWaterMark: ZIP_BUFFER_BYTES });
    this.failed = new Promise<never>((_, reject) => this.archive.on('error', reject));
    this.failed.catch(() => undefined);
    this.archive.pipe(out);
  }

  add(name: string, xml: string): void {
    this.archive.append(xml, { name, date: this.date });
  }

  /** Resolves once `out` can take more: see `drained`. */
  drained(): Promise<void> {
    return this.until(drained(this.out));
  }

  part(name: string): StreamedPart {
    const entry = new PassThrough({ highWaterMark: CHUNK_CHARS });
    this.entry = entry;
    this.archive.append(entry, { name, date: this.date });
    let text = '';
    const flush = async () => {
      const chunk = text;
      text = '';
      if (chunk && !entry.write(chunk)) await this.until(once(entry, 'drain'));
      await this.drained();
    };
    return {
      add: (xml) => {
        text += xml;
      },
      get full() {
        return text.length >= CHUNK_CHARS;
      },
      flush,
      end: async () => {
        await flush();
        entry.end();
      },
    };
  }

  /** Closes the zip and resolves once `out` has taken all of it. */
  async finish(): Promise<void> {
    const finished = new Promise<void>((resolve) => this.out.once('finish', resolve));
    this.archive.finalize().catch(() => undefined); // its failure is `failed`
    await this.until(finished);
  }

  /** Stops the zip after a failure (or `out` closing): nothing more goes to `out`, which is left as it is. */
  stop(): void {
    this.archive.unpipe(this.out);
    this.entry?.destroy();
    this.archive.abort();
    this.archive.destroy();
  }

  /** `work`, or the failure of the zip, or OutputClosedError once `out` closes: whichever comes first. */
  private until<T>(work: Promise<T>): Promise<T> {
    return Promise.race([unlessClosed(this.out, work), this.failed]);
  }
}
