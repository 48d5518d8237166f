/**
 * Renders the hotline section of the official report (the "- App công dân 1022 …" block of the
 * department's reports, see shared/reference/1022-report.md) from plain figures. Pure: no database, no clock.
 */
import { CHANNEL_REGISTRY } from '../tickets/channels.js';
import { compareVietnamese } from '../common/text.js';
import { REPORT_CHANNELS, type OverdueUnitLine, type ReportChannel, type ReportFigures } from './report-figures.js';
import { changePhrase, formatDateVi, formatHourVi, formatNumberVi } from './report-format.js';

/** Channel labels as printed, in `REPORT_CHANNELS` order. */
export const REPORT_CHANNEL_LABELS: Readonly<Record<ReportChannel, string>> = Object.fromEntries(
  REPORT_CHANNELS.map((c) => [c, CHANNEL_REGISTRY[c].reportLabel]),
) as Record<ReportChannel, string>;

const LEVEL_RANK: Record<OverdueUnitLine['level'], number> = { province: 0, district: 1, commune: 2 };

/**
 * The overdue list in report order: provincial units, then district-level, then commune-level; within a level
 * by count, largest first, then by name in Vietnamese alphabetical order (then district, then code, so the
 * order is total). Returns a new array; the input is not modified.
 */
export function sortOverdueUnits(lines: readonly OverdueUnitLine[]): OverdueUnitLine[] {
  return [...lines].sort(
    (a, b) =>
      LEVEL_RANK[a.level] - LEVEL_RANK[b.level] ||
      b.count - a.count ||
      compareVietnamese(a.unitName, b.unitName) ||
      compareVietnamese(a.districtName ?? '', b.districtName ?? '') ||
      (a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0),
  );
}

const DISTRICT_KINDS = ['thành phố', 'thị xã', 'huyện', 'quận'];

/** "Thành phố Trà Vinh" → "thành phố Trà Vinh", "Huyện Cầu Ngang" → "huyện Cầu Ngang"; other names unchanged. */
function lowercaseDistrictKind(districtName: string): string {
  const name = districtName.normalize('NFC').trim().replace(/\s+/g, ' ');
  const lower = name.toLocaleLowerCase('vi');
  for (const kind of DISTRICT_KINDS) {
    if (lower.startsWith(kind) && (name.length === kind.length || name[kind.length] === ' ')) {
      return kind + name.slice(kind.length);
    }
  }
  return name;
}

const nameKey = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');

/**
 * The unit's name as printed: its official name, with its district added when another unit of `allLines`
 * (a different unit code) has the same name: "UBND Phường 1 (thành phố Trà Vinh)". A unit without a district
 * keeps its bare name (there is nothing to add).
 */
export function displayUnitName(line: OverdueUnitLine, allLines: readonly OverdueUnitLine[]): string {
  const key = nameKey(line.unitName);
  const shared = allLines.some((other) => other.unitCode !== line.unitCode && nameKey(other.unitName) === key);
  if (!shared || !line.districtName) return line.unitName;
  return `${line.unitName} (${lowercaseDistrictKind(line.districtName)})`;
}

/** The report section, one "\n"-terminated line each, in the printed order and wording. */
export function renderReportText(f: ReportFigures): string {
  const n = (value: number) => formatNumberVi(value);
  const lines: string[] = [];

  lines.push(`- App công dân 1022 ${f.provinceName}:`);
  lines.push(`+ App android: ${n(f.appInstalls.android.current)} lượt cài đặt${changePhrase(f.appInstalls.android, 'lượt')};`);
  lines.push(`+ App IOS: ${n(f.appInstalls.ios.current)} lượt cài đặt${changePhrase(f.appInstalls.ios, 'lượt')}.`);

  const inDay = REPORT_CHANNELS.reduce((sum, channel) => sum + f.receivedInDay[channel], 0);
  lines.push(`- Tổng số phản ánh đã tiếp nhận trong ngày: ${n(inDay)}.`);
  REPORT_CHANNELS.forEach((channel, i) => {
    const end = i === REPORT_CHANNELS.length - 1 ? '.' : ';';
    lines.push(`+ ${REPORT_CHANNEL_LABELS[channel]}: ${n(f.receivedInDay[channel])}${end}`);
  });

  const hour = `${f.cutoffHour} giờ`;
  lines.push(
    `- Từ ${formatHourVi(f.operationStart)} ngày ${formatDateVi(f.operationStart)} đến ${hour} ngày ${formatDateVi(f.cutoff)} tiếp nhận: ` +
      `${n(f.receivedTotal.current)}${changePhrase(f.receivedTotal, 'lượt tiếp nhận')}.`,
  );

  lines.push('- Kết quả giải quyết:');
  lines.push(`+ Đã xử lý: ${n(f.handled.current)} phản ánh${changePhrase(f.handled, 'lượt xử lý')};`);
  lines.push(
    `+ Đang xử lý: ${n(f.open)} (trong đó: ${n(f.overdue.current)} phiếu trễ hạn${changePhrase(f.overdue, 'phiếu trễ hạn')}).`,
  );

  const units = sortOverdueUnits(f.overdueUnits);
  if (units.length === 0) {
    lines.push('- Các đơn vị đang xử lý trễ hạn: không có.');
  } else {
    lines.push('- Các đơn vị đang xử lý trễ hạn:');
    units.forEach((unit, i) => {
      const end = i === units.length - 1 ? '.' : ';';
      lines.push(`+ ${displayUnitName(unit, units)}: ${n(unit.count)}${end}`);
    });
  }

  return lines.map((line) => `${line}\n`).join('');
}
