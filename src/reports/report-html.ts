/**
 * The report as an email body: a complete, self-contained HTML document (inline CSS only, table layout, no
 * external resources) that mail clients render alike. Same figures and wording as the plain-text rendering
 * (report-text.ts), laid out for reading: the day's channels and the per-unit overdue list as tables.
 * Pure: no database, no clock. Every interpolated string is escaped.
 */
import { formatDateTimeVi } from '../common/vn-time.js';
import { REPORT_CHANNELS, type ReportDocument } from './report-figures.js';
import { changePhrase, formatDateVi, formatHourVi, formatNumberVi } from './report-format.js';
import { REPORT_CHANNEL_LABELS, displayUnitName, sortOverdueUnits } from './report-text.js';

/** Escapes text for HTML element content and (double- or single-quoted) attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const FONT = "font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933";
const P = 'margin:12px 0 4px 0';
const UL = 'margin:0 0 4px 0;padding-left:24px';
const TABLE = 'border-collapse:collapse;margin:6px 0 8px 0;font-size:14px';
const CELL = 'border:1px solid #cbd2d9;padding:5px 10px;vertical-align:top';
const TH = `${CELL};background-color:#e4e7eb;font-weight:bold;text-align:left`;
const NUM = 'text-align:right;white-space:nowrap';
const TOTAL = 'font-weight:bold;background-color:#f5f7fa';

const n = (value: number) => formatNumberVi(value);

/** A table cell; `text` is escaped. */
const cell = (tag: 'td' | 'th', text: string, style = '') =>
  `<${tag} style="${tag === 'th' ? TH : CELL}${style ? `;${style}` : ''}">${escapeHtml(text)}</${tag}>`;

const row = (cells: string[], style = '') => `<tr${style ? ` style="${style}"` : ''}>${cells.join('')}</tr>`;

/** `width`: "360" (pixels) or "100%", as the `width` attribute takes it (older Outlook reads only the attribute). */
const table = (head: string[], body: string[], width: string) =>
  `<table cellpadding="0" cellspacing="0" border="0" width="${width}" style="${TABLE};width:${width.endsWith('%') ? width : `${width}px`}">` +
  `<thead>${row(head)}</thead><tbody>${body.join('')}</tbody></table>`;

const para = (text: string, style = '') => `<p style="${P}${style ? `;${style}` : ''}">${escapeHtml(text)}</p>`;
const list = (items: string[]) => `<ul style="${UL}">${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;

/** The email body of the report: `<!DOCTYPE html>` … `</html>`, UTF-8, lang="vi". */
export function renderReportHtml(doc: ReportDocument): string {
  const f = doc.figures;
  const parts: string[] = [];

  parts.push(`<h1 style="margin:0 0 4px 0;font-size:20px;line-height:1.35;color:#102a43">${escapeHtml(doc.title)}</h1>`);
  const [cutoffTime] = formatDateTimeVi(f.cutoff).split(' '); // "16:00"
  parts.push(
    `<p style="margin:0 0 8px 0;font-size:13px;color:#52606d">` +
      `${escapeHtml(`Số liệu tính đến ${cutoffTime} ngày ${formatDateVi(f.cutoff)} (giờ Việt Nam).`)}</p>`,
  );

  // App installs.
  parts.push(para(`App công dân 1022 ${f.provinceName}:`, 'font-weight:bold'));
  parts.push(
    list([
      `App android: ${n(f.appInstalls.android.current)} lượt cài đặt${changePhrase(f.appInstalls.android, 'lượt')};`,
      `App IOS: ${n(f.appInstalls.ios.current)} lượt cài đặt${changePhrase(f.appInstalls.ios, 'lượt')}.`,
    ]),
  );

  // The day's intake, per channel.
  const inDay = REPORT_CHANNELS.reduce((sum, channel) => sum + f.receivedInDay[channel], 0);
  parts.push(para(`Tổng số phản ánh đã tiếp nhận trong ngày: ${n(inDay)}.`, 'font-weight:bold'));
  parts.push(
    table(
      [cell('th', 'Kênh tiếp nhận'), cell('th', 'Số phản ánh', NUM)],
      [
        ...REPORT_CHANNELS.map((channel) => row([cell('td', REPORT_CHANNEL_LABELS[channel]), cell('td', n(f.receivedInDay[channel]), NUM)])),
        row([cell('td', 'Tổng cộng'), cell('td', n(inDay), NUM)], TOTAL),
      ],
      '360',
    ),
  );

  // Since the start of operation.
  const hour = `${f.cutoffHour} giờ`;
  parts.push(
    para(
      `Từ ${formatHourVi(f.operationStart)} ngày ${formatDateVi(f.operationStart)} đến ${hour} ngày ${formatDateVi(f.cutoff)} tiếp nhận: ` +
        `${n(f.receivedTotal.current)}${changePhrase(f.receivedTotal, 'lượt tiếp nhận')}.`,
      'font-weight:bold',
    ),
  );

  // Results.
  parts.push(para('Kết quả giải quyết:', 'font-weight:bold'));
  parts.push(
    list([
      `Đã xử lý: ${n(f.handled.current)} phản ánh${changePhrase(f.handled, 'lượt xử lý')};`,
      `Đang xử lý: ${n(f.open)} (trong đó: ${n(f.overdue.current)} phiếu trễ hạn${changePhrase(f.overdue, 'phiếu trễ hạn')}).`,
    ]),
  );
  const note = excludedNote(doc);
  if (note) parts.push(`<p style="margin:4px 0;font-size:13px;color:#52606d">${escapeHtml(note)}</p>`);

  // Units with overdue tickets.
  const units = sortOverdueUnits(f.overdueUnits);
  if (units.length === 0) {
    parts.push(para('Các đơn vị đang xử lý trễ hạn: không có.', 'font-weight:bold'));
  } else {
    const total = units.reduce((sum, unit) => sum + unit.count, 0);
    parts.push(para('Các đơn vị đang xử lý trễ hạn:', 'font-weight:bold'));
    parts.push(
      table(
        [cell('th', 'STT', 'text-align:center;width:48px'), cell('th', 'Đơn vị'), cell('th', 'Số phiếu trễ hạn', NUM)],
        [
          ...units.map((unit, i) =>
            row([cell('td', String(i + 1), 'text-align:center'), cell('td', displayUnitName(unit, units)), cell('td', n(unit.count), NUM)]),
          ),
          row([cell('td', ''), cell('td', 'Tổng cộng'), cell('td', n(total), NUM)], TOTAL),
        ],
        '100%',
      ),
    );
  }

  return (
    '<!DOCTYPE html>\n' +
    '<html lang="vi">\n<head>\n' +
    '<meta charset="utf-8">\n' +
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${escapeHtml(doc.title)}</title>\n` +
    '</head>\n' +
    `<body style="margin:0;padding:0;background-color:#ffffff;${FONT}">\n` +
    `<div style="max-width:760px;margin:0 auto;padding:16px;${FONT}">\n` +
    parts.join('\n') +
    '\n</div>\n</body>\n</html>\n'
  );
}

/** Explains received ≠ handled + open: rejected and merged tickets (not printed in the official text). */
function excludedNote(doc: ReportDocument): string | null {
  const { rejected, merged, receivedTotal } = doc.figures;
  const pieces: string[] = [];
  if (rejected > 0) pieces.push(`${n(rejected)} phản ánh bị từ chối`);
  if (merged > 0) pieces.push(`${n(merged)} phản ánh trùng đã được gộp`);
  if (pieces.length === 0) return null;
  return (
    `Ghi chú: trong ${n(receivedTotal.current)} phản ánh đã tiếp nhận có ${pieces.join(' và ')}, ` +
    'không tính vào số đã xử lý và đang xử lý.'
  );
}
