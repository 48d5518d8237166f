/**
 * The view models of the report pages (templates/dashboard/): figures turned into what a person reads, in
 * Vietnamese (numbers "1.234", shares "33,33%", dates dd/mm/yyyy), and the charts' geometry. Pure.
 */
import { formatDateVi } from '../../common/vn-time.js';
import { formatNumberVi } from '../../reports/report-format.js';
import type { NavModel } from '../staff-nav.js';
import { BAR_TRACK, barChart, lineChart } from './dashboard-charts.js';
import { TREND_DAYS, type DashboardFigures, type OnTimeRow, type SatisfactionRow } from './dashboard.service.js';

const n = (v: number) => formatNumberVi(v);
/** "33,33%"; "—" when there is nothing to divide. */
export const shareText = (share: number | null) => (share === null ? '—' : `${formatNumberVi(Math.round(share * 10_000) / 100)}%`);
/** "2022-01-12" → "12/01/2022" */
export const viDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const shortDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;

/** The units the on-time chart draws (the weakest first); the table lists every unit. */
export const ON_TIME_CHART_UNITS = 20;

/** The query string of the downloads and links of a report date: "?ngay=12%2F01%2F2022". */
export const dateQuery = (date: string) => `?ngay=${encodeURIComponent(viDate(date))}`;

const tone = (share: number | null) => (share === null ? 'neutral' : share < 0.5 ? 'late' : share < 0.8 ? 'warn' : 'good');

export function dashboardView(nav: NavModel, cutoffHour: number, f: DashboardFigures, canResend: boolean, sent: SentItem[]) {
  const byCount = [...f.overdueUnits].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'vi'));
  const days = f.trend.map((d) => shortDate(d.day));
  const onTimeChart = f.onTime.filter((u) => u.share !== null).slice(0, ON_TIME_CHART_UNITS);
  const q = dateQuery(f.date);
  const hour = `${cutoffHour} giờ`;
  return {
    nav, wide: true,
    title: 'Báo cáo, thống kê',
    date: viDate(f.date),
    cutoffHour,
    report: f.report,
    downloads: {
      xlsx: `/bao-cao/tai-ve/xlsx${q}`,
      docx: `/bao-cao/tai-ve/docx${q}`,
      csv: `/bao-cao/tai-ve/csv${q}`,
    },
    period: `từ ${hour} ngày ${formatDateVi(f.from)} đến ${hour} ngày ${formatDateVi(f.to)}`,
    overdue: {
      total: n(byCount.reduce((s, u) => s + u.count, 0)),
      rows: byCount.map((u) => ({ ...u, countText: n(u.count) })),
      chart: barChart(byCount, (u) => ({
        label: u.name, value: u.count, valueText: n(u.count), href: u.href,
        linkLabel: `${u.name}: ${n(u.count)} phiếu trễ hạn, xem danh sách`, tone: 'late',
      })),
    },
    trend: {
      days: f.trend.map((d) => ({ date: viDate(d.day), received: n(d.received), handled: n(d.handled), overdue: n(d.overdue) })),
      totals: { received: n(f.trend.reduce((s, d) => s + d.received, 0)), handled: n(f.trend.reduce((s, d) => s + d.handled, 0)) },
      first: viDate(f.trend[0].day),
      last: viDate(f.trend[TREND_DAYS - 1].day),
      flows: lineChart(days, [
        { key: 'received', label: 'Tiếp nhận', values: f.trend.map((d) => d.received) },
        { key: 'handled', label: 'Đã xử lý', values: f.trend.map((d) => d.handled) },
      ]),
      overdue: lineChart(days, [{ key: 'overdue', label: 'Trễ hạn', values: f.trend.map((d) => d.overdue) }]),
    },
    onTime: {
      rows: f.onTime.map(onTimeLine),
      total: onTimeLine({ ...f.totals, unitCode: null, unitName: 'Toàn tỉnh' }),
      chart: barChart(onTimeChart, (u) => ({
        label: u.unitName, value: (u.share ?? 0) * 100, valueText: shareText(u.share), href: null, linkLabel: '', tone: tone(u.share),
      }), 100),
      charted: onTimeChart.length,
      more: f.onTime.length > onTimeChart.length,
    },
    satisfaction: {
      rows: f.satisfaction.map(satisfactionLine),
      total: satisfactionLine({ ...f.satisfactionTotals, unitCode: null, unitName: 'Toàn tỉnh' }),
    },
    track: BAR_TRACK,
    canResend,
    sent: sent.slice(0, 10),
    sentMore: sent.length > 10,
  };
}

/** A unit's line of a per-unit table: its name, the counts of `countKeys` as numbers ("1.234"), its share ("33,33%"). */
function unitLine<K extends string>(u: { unitName: string; share: number | null } & Record<NoInfer<K>, number>, countKeys: readonly K[]) {
  const counts = Object.fromEntries(countKeys.map((k) => [k, n(u[k])])) as Record<K, string>;
  return { name: u.unitName, ...counts, share: shareText(u.share) };
}

/** A unit's line of the deadlines kept: counts, the share on time, and what it divides ("12/15"). */
function onTimeLine(u: OnTimeRow) {
  return {
    ...unitLine(u, ['handled', 'handledOnTime', 'handledOnTimeExtended', 'open', 'overdue']),
    shareNote: u.share === null ? '' : `${n(u.handledOnTime)}/${n(u.handled + u.overdue)}`,
  };
}

/** A unit's line of the citizens' answers: counts, the share settled ("80%"), the mean rating ("4,2"). */
function satisfactionLine(u: SatisfactionRow) {
  return {
    ...unitLine(u, ['answered', 'settled', 'notSettled']),
    meanRating: u.meanRating === null ? '—' : formatNumberVi(Math.round(u.meanRating * 10) / 10),
  };
}

/** A sent report as its list shows it. */
export interface SentItem {
  id: string;
  kind: string;
  reportDate: string;
  kindLabel: string;
  recipients: string[];
  createdAt: Date;
  sentAt: Date | null;
  delivery: string;
  deliveryLabel: string;
  resendHref: string;
}

const KIND_LABELS: Record<string, string> = { daily: 'Báo cáo ngày', weekly: 'Báo cáo tuần', monthly: 'Báo cáo tháng' };
const DELIVERY_LABELS: Record<string, string> = {
  pending: 'Đang chờ gửi', sending: 'Đang gửi', sent: 'Đã gửi', failed: 'Gửi không thành công', cancelled: 'Đã hủy',
};

export function sentItems(rows: Array<{ id: string; kind: string; reportDate: string; recipients: string[]; createdAt: Date; sentAt: Date | null; delivery: string | null }>): SentItem[] {
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    reportDate: viDate(r.reportDate),
    kindLabel: KIND_LABELS[r.kind] ?? r.kind,
    recipients: r.recipients,
    createdAt: r.createdAt,
    sentAt: r.sentAt,
    delivery: r.delivery ?? 'pending',
    deliveryLabel: DELIVERY_LABELS[r.delivery ?? 'pending'] ?? (r.delivery ?? ''),
    resendHref: `/bao-cao/da-gui/${encodeURIComponent(r.id)}/gui-lai`,
  }));
}
