/**
 * The report as an email body: a complete, self-contained HTML document (inline CSS only, table layout, no
 * external resources) that mail clients render alike. Same figures and wording as the plain-text rendering
 * (report-text.ts), laid out for reading: the day's channels and the per-unit overdue list as tables. The HTML is the
 * view layer's template (src/views/templates/reports/), escaping on; this file builds its view model.
 * Pure: no database, no clock.
 */
import type nunjucks from 'nunjucks';
import { formatDateTimeVi } from '../common/vn-time.js';
import { createEnvironment } from '../views/views.js';
import { REPORT_CHANNELS, type ReportDocument } from './report-figures.js';
import { changePhrase, formatDateVi, formatHourVi, formatNumberVi } from './report-format.js';
import { REPORT_CHANNEL_LABELS, displayUnitName, sortOverdueUnits } from './report-text.js';

const FONT = 'font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933';

const n = (value: number) => formatNumberVi(value);

/** The hotline section's view model (templates/reports/hotline-section.njk): every sentence as the text prints it. */
export interface ReportView {
  title: string;
  cutoffLine: string;
  appHeading: string;
  appItems: string[];
  inDayLine: string;
  inDay: string;
  channels: Array<{ label: string; count: string }>;
  sinceLine: string;
  resultItems: string[];
  note: string | null;
  overdueUnits: Array<{ code: string | null; name: string; count: string; href?: string }>;
  overdueTotal: string;
}

/** `unitHref`: a link for each overdue unit (the dashboard links to the unit's overdue tickets; the mail does not). */
export function reportView(doc: ReportDocument, unitHref?: (unitCode: string | null) => string): ReportView {
  const f = doc.figures;
  const [cutoffTime] = formatDateTimeVi(f.cutoff).split(' '); // "16:00"
  const inDay = REPORT_CHANNELS.reduce((sum, channel) => sum + f.receivedInDay[channel], 0);
  const hour = `${f.cutoffHour} giờ`;
  const units = sortOverdueUnits(f.overdueUnits);
  return {
    title: doc.title,
    cutoffLine: `Số liệu tính đến ${cutoffTime} ngày ${formatDateVi(f.cutoff)} (giờ Việt Nam).`,
    appHeading: `App công dân 1022 ${f.provinceName}:`,
    appItems: [
      `App android: ${n(f.appInstalls.android.current)} lượt cài đặt${changePhrase(f.appInstalls.android, 'lượt')};`,
      `App IOS: ${n(f.appInstalls.ios.current)} lượt cài đặt${changePhrase(f.appInstalls.ios, 'lượt')}.`,
    ],
    inDayLine: `Tổng số phản ánh đã tiếp nhận trong ngày: ${n(inDay)}.`,
    inDay: n(inDay),
    channels: REPORT_CHANNELS.map((channel) => ({ label: REPORT_CHANNEL_LABELS[channel], count: n(f.receivedInDay[channel]) })),
    sinceLine:
      `Từ ${formatHourVi(f.operationStart)} ngày ${formatDateVi(f.operationStart)} đến ${hour} ngày ${formatDateVi(f.cutoff)} tiếp nhận: ` +
      `${n(f.receivedTotal.current)}${changePhrase(f.receivedTotal, 'lượt tiếp nhận')}.`,
    resultItems: [
      `Đã xử lý: ${n(f.handled.current)} phản ánh${changePhrase(f.handled, 'lượt xử lý')};`,
      `Đang xử lý: ${n(f.open)} (trong đó: ${n(f.overdue.current)} phiếu trễ hạn${changePhrase(f.overdue, 'phiếu trễ hạn')}).`,
    ],
    note: excludedNote(doc),
    overdueUnits: units.map((unit) => ({
      code: unit.unitCode,
      name: displayUnitName(unit, units),
      count: n(unit.count),
      ...(unitHref ? { href: unitHref(unit.unitCode) } : {}),
    })),
    overdueTotal: n(units.reduce((sum, unit) => sum + unit.count, 0)),
  };
}

let env: nunjucks.Environment | undefined;

/** The email body of the report: `<!DOCTYPE html>` … `</html>`, UTF-8, lang="vi". */
export function renderReportHtml(doc: ReportDocument): string {
  env ??= createEnvironment();
  return env.render('reports/mail.njk', { r: reportView(doc), font: FONT });
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
