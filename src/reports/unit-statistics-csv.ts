import { stringify } from 'csv-stringify/sync';
import type { ReportService } from './report.service.js';

export type UnitStatistics = Awaited<ReturnType<ReportService['unitStatistics']>>;

/** The CSV header of the per-unit statistics (the API's GET /api/reports/unit-statistics?format=csv writes the same). */
export const UNIT_STATISTICS_CSV_HEADER = [
  'ma_don_vi', 'don_vi', 'tiep_nhan', 'da_xu_ly', 'xu_ly_dung_han', 'dang_xu_ly', 'tre_han', 'trung_vi_gio_xu_ly',
  'dung_han_nho_gia_han', 'luot_danh_gia', 'da_giai_quyet', 'chua_giai_quyet',
];

/** The per-unit statistics as CSV: a byte order mark (Excel then reads the Vietnamese names as UTF-8), CRLF line ends as RFC 4180 writes them. */
export function unitStatisticsCsv(rows: UnitStatistics): string {
  const lines = rows.map((r) => [
    r.unitCode, r.unitName, r.received, r.handled, r.handledOnTime, r.open, r.overdue, r.medianHandlingHours,
    r.handledOnTimeExtended, r.answered, r.settled, r.notSettled,
  ]);
  return stringify([UNIT_STATISTICS_CSV_HEADER, ...lines], { bom: true, record_delimiter: 'windows' });
}
