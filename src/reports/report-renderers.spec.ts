import type ExcelJS from 'exceljs';
import { at16h, JANUARY_UNITS, januaryFigures } from '../../test/fixtures/january-2022.js';
import { dataRows, docxParagraphs, loadWorkbook } from '../../test/support/office.js';
import { unzip } from '../../test/support/zip.js';
import type { OverdueTicketLine, ReportDocument, ReportFigures } from './report-figures.js';
import { renderReportDocx } from './report-docx.js';
import { renderReportHtml } from './report-html.js';
import { displayUnitName, renderReportText, sortOverdueUnits } from './report-text.js';
import { renderReportXlsx } from './report-xlsx.js';

const TITLE = 'Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày 12/01/2022';

/**
 * One overdue ticket per overdue count: ticket k of the report received k hours after 2021-12-14T18:30:00Z
 * (01:30 on 15/12/2021 in Viet Nam: a different calendar day than in UTC) and due 3 days later.
 */
function januaryTickets(): OverdueTicketLine[] {
  const tickets: OverdueTicketLine[] = [];
  const cutoff = at16h('2022-01-12').getTime();
  for (const [unitName, count] of JANUARY_UNITS) {
    for (let j = 0; j < count; j++) {
      const k = tickets.length;
      const receivedAt = new Date(Date.parse('2021-12-14T18:30:00Z') + k * 3_600_000);
      const dueAt = new Date(receivedAt.getTime() + 3 * 86_400_000);
      tickets.push({
        code: `PA-2022-${String(k + 1).padStart(4, '0')}`,
        unitName,
        categoryName: k % 5 === 0 ? null : 'Y tế',
        receivedAt,
        dueAt,
        daysLate: Math.floor((cutoff - dueAt.getTime()) / 86_400_000),
      });
    }
  }
  return tickets;
}

const januaryDocument = (): ReportDocument => ({ figures: januaryFigures(), overdueTickets: januaryTickets(), title: TITLE });

const textLines = (f: ReportFigures) => renderReportText(f).replace(/\n$/, '').split('\n');
const isChannelLine = (line: string) => /^\+ (Qua tổng đài 1022|Trực tiếp|Qua app|Qua web|Qua mail|Zalo|Facebook): /.test(line);
const isUnitLine = (line: string, f: ReportFigures) =>
  sortOverdueUnits(f.overdueUnits).some((u) => line.startsWith(`+ ${displayUnitName(u, f.overdueUnits)}: `));

// --- HTML helpers ---------------------------------------------------------------------------------------------

const unescapeEntities = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The text of an HTML fragment: tags dropped, entities decoded, blanks collapsed. */
const htmlText = (html: string) => unescapeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();

/** Every table of the document as rows of cell texts. */
function htmlTables(html: string): string[][][] {
  return [...html.matchAll(/<table\b[\s\S]*?<\/table>/g)].map(([table]) =>
    [...table.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map(([, tr]) =>
      [...tr.matchAll(/<t[dh]\b[^>]*>([\s\S]*?)<\/t[dh]>/g)].map(([, cell]) => htmlText(cell)),
    ),
  );
}

describe('renderReportHtml', () => {
  const doc = januaryDocument();
  const html = renderReportHtml(doc);
  const text = htmlText(html);

  it('is a complete, self-contained UTF-8 document in Vietnamese', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain(`<title>${TITLE}</title>`);
    // Inline CSS only, nothing fetched.
    expect(html).not.toMatch(/<style|<link|<script|<img|\bclass=|\bsrc=|https?:/i);
  });

  it('carries every line of the text rendering, with the same figures and wording', () => {
    const lines = textLines(doc.figures);
    for (const line of lines) {
      if (isChannelLine(line) || isUnitLine(line, doc.figures)) continue;
      expect(text).toContain(line.replace(/^[-+] /, ''));
    }
    expect(text).toContain('App android: 256 lượt cài đặt (tăng 52 lượt);');
    expect(text).toContain('Tổng số phản ánh đã tiếp nhận trong ngày: 1.');
    expect(text).toContain('Từ 16 giờ ngày 13/12/2021 đến 16 giờ ngày 12/01/2022 tiếp nhận: 145 (tăng 98 lượt tiếp nhận).');
    expect(text).toContain('Đã xử lý: 42 phản ánh (tăng 35 lượt xử lý);');
    expect(text).toContain('Đang xử lý: 103 (trong đó: 102 phiếu trễ hạn (tăng 75 phiếu trễ hạn)).');
    expect(text).toContain('Các đơn vị đang xử lý trễ hạn:');
    // Order of the sections as printed.
    const at = (s: string) => text.indexOf(s);
    expect(at('App công dân 1022 Trà Vinh:')).toBeLessThan(at('Tổng số phản ánh đã tiếp nhận trong ngày'));
    expect(at('Tổng số phản ánh đã tiếp nhận trong ngày')).toBeLessThan(at('Từ 16 giờ ngày'));
    expect(at('Từ 16 giờ ngày')).toBeLessThan(at('Kết quả giải quyết:'));
    expect(at('Kết quả giải quyết:')).toBeLessThan(at('Các đơn vị đang xử lý trễ hạn:'));
  });

  it('shows the channels of the day as a table', () => {
    const [channels] = htmlTables(html);
    expect(channels).toEqual([
      ['Kênh tiếp nhận', 'Số phản ánh'],
      ['Qua tổng đài 1022', '0'],
      ['Trực tiếp', '1'],
      ['Qua app', '0'],
      ['Qua web', '0'],
      ['Qua mail', '0'],
      ['Zalo', '0'],
      ['Facebook', '0'],
      ['Tổng cộng', '1'],
    ]);
  });

  it('lists the 28 units in report order, with a total row equal to the 102 overdue tickets', () => {
    const tables = htmlTables(html);
    expect(tables).toHaveLength(2);
    const [header, ...rows] = tables[1];
    expect(header).toEqual(['STT', 'Đơn vị', 'Số phiếu trễ hạn']);
    const totalRow = rows.pop()!;
    const sorted = sortOverdueUnits(doc.figures.overdueUnits);
    expect(rows).toEqual(sorted.map((u, i) => [String(i + 1), u.unitName, String(u.count)]));
    expect(rows).toHaveLength(28);
    for (const [name] of JANUARY_UNITS) expect(rows.map((r) => r[1])).toContain(name);
    expect(rows.reduce((sum, r) => sum + Number(r[2]), 0)).toBe(102);
    expect(totalRow).toEqual(['', 'Tổng cộng', '102']);
    expect(Number(totalRow[2])).toBe(doc.figures.overdue.current);
    expect(rows[0]).toEqual(['1', 'Sở Y tế', '61']);
  });

  it('escapes every interpolated string', () => {
    const evil = 'UBND xã <script>alert("x")</script> & \'Co\'';
    const f = januaryFigures();
    f.provinceName = 'Trà <b>Vinh</b>';
    f.overdueUnits = [...f.overdueUnits.slice(1), { ...f.overdueUnits[0], unitName: evil }];
    const out = renderReportHtml({ figures: f, overdueTickets: [], title: 'Báo cáo <i>ngày</i> & "x"' });
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<b>');
    expect(out).not.toContain('<i>');
    expect(out).toContain('UBND xã &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;');
    expect(out).toContain('<title>Báo cáo &lt;i&gt;ngày&lt;/i&gt; &amp; &quot;x&quot;</title>');
    expect(htmlText(out)).toContain('App công dân 1022 Trà <b>Vinh</b>:');
    expect(htmlTables(out)[1].map((r) => r[1])).toContain(evil);
  });

  it('reads "không có" without a table when no unit is overdue, and explains rejected and merged tickets', () => {
    const f = { ...januaryFigures(), open: 3, overdue: { current: 0, previous: 102 }, overdueUnits: [], rejected: 2, merged: 1 };
    const out = renderReportHtml({ figures: f, overdueTickets: [], title: TITLE });
    expect(htmlText(out)).toContain('Các đơn vị đang xử lý trễ hạn: không có.');
    expect(htmlTables(out)).toHaveLength(1); // the channels only
    expect(htmlText(out)).toContain('có 2 phản ánh bị từ chối và 1 phản ánh trùng đã được gộp');
    expect(html).not.toContain('Ghi chú'); // nothing to explain in January
  });
});

// --- xlsx -----------------------------------------------------------------------------------------------------

describe('renderReportXlsx', () => {
  let workbook: ExcelJS.Workbook;
  const doc = januaryDocument();

  beforeAll(async () => {
    const buffer = await renderReportXlsx(doc);
    expect(Buffer.isBuffer(buffer)).toBe(true);
    expect(buffer.subarray(0, 2).toString()).toBe('PK');
    workbook = await loadWorkbook(buffer);
  });

  it('has the three sheets, with bold, frozen header rows', () => {
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Đơn vị trễ hạn', 'Phiếu trễ hạn']);
    for (const sheet of workbook.worksheets) {
      expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getColumn(2).width).toBeGreaterThanOrEqual(18);
    }
  });

  it('"Tổng hợp": every figure with its value and change', () => {
    const sheet = workbook.getWorksheet('Tổng hợp')!;
    expect((sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1)).toEqual(['Chỉ tiêu', 'Giá trị', 'Thay đổi so với kỳ trước']);
    const byLabel = new Map(dataRows(sheet).map(([label, value, change]) => [label as string, { value, change }]));
    expect(byLabel.get('Báo cáo')).toEqual({ value: TITLE, change: undefined });
    expect(byLabel.get('Loại báo cáo')?.value).toBe('Hàng tháng');
    // Viet Nam wall time: 16:00 on 12/01/2022.
    expect((byLabel.get('Thời điểm chốt số liệu')?.value as Date).toISOString()).toBe('2022-01-12T16:00:00.000Z');
    expect((byLabel.get('Bắt đầu vận hành')?.value as Date).toISOString()).toBe('2021-12-13T16:00:00.000Z');
    const figures: [string, number, number | undefined][] = [
      ['App công dân 1022 Trà Vinh - App android: lượt cài đặt', 256, 52],
      ['App công dân 1022 Trà Vinh - App IOS: lượt cài đặt', 167, 16],
      ['Tổng số phản ánh đã tiếp nhận trong ngày', 1, undefined],
      ['Tiếp nhận trong ngày - Qua tổng đài 1022', 0, undefined],
      ['Tiếp nhận trong ngày - Trực tiếp', 1, undefined],
      ['Tiếp nhận trong ngày - Facebook', 0, undefined],
      ['Tổng số phản ánh đã tiếp nhận từ khi vận hành', 145, 98],
      ['Đã xử lý', 42, 35],
      ['Đang xử lý', 103, undefined],
      ['Đang xử lý - trong đó trễ hạn', 102, 75],
      ['Bị từ chối (không tính vào đã xử lý, đang xử lý)', 0, undefined],
      ['Trùng, đã gộp (không tính vào đã xử lý, đang xử lý)', 0, undefined],
      ['Số đơn vị đang xử lý trễ hạn', 28, undefined],
    ];
    for (const [label, value, change] of figures) expect([label, byLabel.get(label)]).toEqual([label, { value, change }]);
    const cutoffRow = dataRows(sheet).findIndex(([label]) => label === 'Thời điểm chốt số liệu') + 2;
    expect(sheet.getRow(cutoffRow).getCell(2).numFmt).toBe('dd/mm/yyyy hh:mm');
  });

  it('"Đơn vị trễ hạn": the 28 units in report order, with their level, summing to 102', () => {
    const sheet = workbook.getWorksheet('Đơn vị trễ hạn')!;
    expect((sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1)).toEqual(['STT', 'Đơn vị', 'Cấp', 'Số phiếu trễ hạn']);
    const rows = dataRows(sheet);
    const total = rows.pop()!;
    expect(rows).toHaveLength(28);
    const levelLabel = { province: 'Tỉnh', district: 'Huyện', commune: 'Xã' };
    expect(rows).toEqual(sortOverdueUnits(doc.figures.overdueUnits).map((u, i) => [i + 1, u.unitName, levelLabel[u.level], u.count]));
    expect(rows.reduce((sum, r) => sum + (r[3] as number), 0)).toBe(102);
    expect(total).toEqual([undefined, 'Tổng cộng', undefined, 102]);
    expect(sheet.getRow(30).font?.bold).toBe(true);
  });

  it('"Phiếu trễ hạn": the tickets, dates as Excel dates in Viet Nam time', () => {
    const sheet = workbook.getWorksheet('Phiếu trễ hạn')!;
    expect((sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1)).toEqual([
      'Mã phản ánh',
      'Đơn vị',
      'Lĩnh vực',
      'Tiếp nhận',
      'Hạn xử lý',
      'Số ngày trễ',
    ]);
    const rows = dataRows(sheet);
    expect(rows).toHaveLength(102);
    // Most days late first: the first ticket, received 01:30 on 15/12/2021 (18:30 UTC the day before), due 18/12.
    const [code, unit, category, receivedAt, dueAt, daysLate] = rows[0];
    expect([code, unit, category]).toEqual(['PA-2022-0001', 'Văn phòng UBND tỉnh', undefined]);
    expect(receivedAt).toBeInstanceOf(Date);
    expect((receivedAt as Date).toISOString()).toBe('2021-12-15T01:30:00.000Z');
    expect((dueAt as Date).toISOString()).toBe('2021-12-18T01:30:00.000Z');
    expect(daysLate).toBe(25); // due 17/12 18:30 UTC, cut-off 12/01 09:00 UTC
    const last = rows.find((r) => r[0] === 'PA-2022-0102')!;
    expect(last.slice(1, 3)).toEqual(['UBND xã Đông Hải', 'Y tế']);
    expect((last[3] as Date).toISOString()).toBe('2021-12-19T06:30:00.000Z'); // 14/12 18:30Z + 101 h = 18/12 23:30Z, +7 h
    expect(sheet.getRow(2).getCell(4).numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(sheet.getRow(2).getCell(5).numFmt).toBe('dd/mm/yyyy hh:mm');
    // Every ticket once, of the units of the report.
    expect(new Set(rows.map((r) => r[0])).size).toBe(102);
    const perUnit = new Map<string, number>();
    for (const r of rows) perUnit.set(r[1] as string, (perUnit.get(r[1] as string) ?? 0) + 1);
    expect(Object.fromEntries(perUnit)).toEqual(Object.fromEntries(JANUARY_UNITS.map(([name, count]) => [name, count])));
  });

  it('writes an empty per-unit list and no tickets as a zero total', async () => {
    const f = { ...januaryFigures(), overdue: { current: 0, previous: null }, overdueUnits: [] };
    const empty = await loadWorkbook(await renderReportXlsx({ figures: f, overdueTickets: [], title: TITLE }));
    expect(dataRows(empty.getWorksheet('Đơn vị trễ hạn')!)).toEqual([[undefined, 'Tổng cộng', undefined, 0]]);
    expect(dataRows(empty.getWorksheet('Phiếu trễ hạn')!)).toEqual([]);
  });
});

// --- docx -----------------------------------------------------------------------------------------------------

describe('renderReportDocx', () => {
  const doc = januaryDocument();
  let xml: string;

  beforeAll(async () => {
    const buffer = await renderReportDocx(doc);
    expect(Buffer.isBuffer(buffer)).toBe(true);
    const files = unzip(buffer);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml', 'word/styles.xml']));
    xml = files.get('word/document.xml')!.toString('utf8');
  });

  it('holds the title, then one paragraph per line of the text rendering', () => {
    const paragraphs = docxParagraphs(xml);
    expect(paragraphs[0]).toBe(TITLE);
    const lines = textLines(doc.figures);
    expect(paragraphs.slice(1, 1 + lines.length)).toEqual(lines);
    expect(paragraphs).toContain('- Tổng số phản ánh đã tiếp nhận trong ngày: 1.');
    expect(paragraphs).toContain('+ Sở Y tế: 61;');
    expect(paragraphs).toContain('+ Đang xử lý: 103 (trong đó: 102 phiếu trễ hạn (tăng 75 phiếu trễ hạn)).');
  });

  it('is set in Times New Roman 13pt', () => {
    expect(xml).toContain('w:ascii="Times New Roman"');
    expect(xml).toContain('w:hAnsi="Times New Roman"');
    expect(xml).toContain('<w:sz w:val="26"/>');
  });

  it('ends with the per-unit overdue table: 28 units and a total of 102', () => {
    const tables = [...xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map(([t]) => t);
    expect(tables).toHaveLength(1);
    const rows = [...tables[0].matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map(([tr]) => docxParagraphs(tr));
    expect(rows[0]).toEqual(['STT', 'Đơn vị', 'Số phiếu trễ hạn']);
    expect(rows).toHaveLength(1 + 28 + 1);
    expect(rows.slice(1, -1)).toEqual(sortOverdueUnits(doc.figures.overdueUnits).map((u, i) => [String(i + 1), u.unitName, String(u.count)]));
    expect(rows.at(-1)).toEqual(['', 'Tổng cộng', '102']);
  });

  it('has no table when no unit is overdue', async () => {
    const f = { ...januaryFigures(), overdue: { current: 0, previous: null }, overdueUnits: [] };
    const emptyXml = unzip(await renderReportDocx({ figures: f, overdueTickets: [], title: TITLE })).get('word/document.xml')!.toString('utf8');
    expect(emptyXml).not.toContain('<w:tbl>');
    expect(docxParagraphs(emptyXml)).toContain('- Các đơn vị đang xử lý trễ hạn: không có.');
  });
});
