import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Settings } from '../../config/settings.js';
import { addDays, atLocalTime, formatDateVi, localDate } from '../common/vn-time.js';
import { loadUnitRefs } from '../directory/unit-label.js';
import { stateAtSql } from '../tickets/ticket-history.js';
import { OPEN_STATUSES } from '../tickets/ticket.entity.js';
import { REPORT_CHANNELS, type OverdueUnitLine, type ReportChannel, type ReportDocument, type ReportFigures } from './report-figures.js';

export type ReportKind = 'daily' | 'weekly' | 'monthly';
export const REPORT_KINDS: ReportKind[] = ['daily', 'weekly', 'monthly'];

interface Snapshot {
  installs: { android: number; ios: number };
  receivedTotal: number;
  handled: number;
  open: number;
  overdue: number;
  rejected: number;
  merged: number;
}

/** The report's cut-off T for a local date, and its comparison instant T0 (previous report of the same kind). */
export function cutoffOf(date: string, hour: number): Date {
  return atLocalTime(date, `${String(hour).padStart(2, '0')}:00`);
}

export function previousReportDate(kind: ReportKind, date: string): string {
  if (kind === 'daily') return addDays(date, -1);
  if (kind === 'weekly') return addDays(date, -7);
  const [y, m, d] = date.split('-').map(Number);
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  const last = new Date(Date.UTC(py, pm, 0)).getUTCDate();
  return `${py}-${String(pm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export const REPORT_TITLES: Record<ReportKind, string> = {
  daily: 'Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày',
  weekly: 'Báo cáo tuần tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 đến ngày',
  monthly: 'Báo cáo tháng tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 đến ngày',
};

/**
 * The figures of the official report as of any instant, computed from the tickets' and installations' timestamps
 * and the ticket events (see ticket-history.ts): the report for a past date comes out the same today and tomorrow.
 */
@Injectable()
export class ReportService {
  constructor(private readonly ds: DataSource, private readonly settings: Settings) {}

  /**
   * Start of operation: the setting, else the cut-off just before the earliest received ticket (so that "Từ 16 giờ
   * ngày …" is true), else the cut-off itself.
   */
  private async operationStart(m: EntityManager, cutoff: Date): Promise<Date> {
    if (this.settings.REPORT_OPERATION_START) return new Date(this.settings.REPORT_OPERATION_START);
    const [{ first }] = await m.query(`SELECT min(received_at) AS first FROM tickets`);
    if (!first) return cutoff;
    const firstAt = new Date(first);
    const day = localDate(firstAt);
    const sameDay = cutoffOf(day, this.settings.REPORT_CUTOFF_HOUR);
    return sameDay < firstAt ? sameDay : cutoffOf(addDays(day, -1), this.settings.REPORT_CUTOFF_HOUR);
  }

  private async snapshot(m: EntityManager, at: Date, since: Date): Promise<Snapshot> {
    // the reason of a rejection is on the "rejected" event itself: later events that carry the state (a comment)
    // have data of their own, so the reason is read from the ticket's last rejection at or before the instant
    const [row] = await m.query(
      `WITH state AS (${stateAtSql('$1')})
       SELECT count(*)::int AS received_total,
              count(*) FILTER (WHERE s.status IN ('resolved', 'closed'))::int AS handled,
              count(*) FILTER (WHERE s.status = ANY($3))::int AS open,
              count(*) FILTER (WHERE s.status = ANY($3) AND s.due_at < $1)::int AS overdue,
              count(*) FILTER (WHERE s.status = 'rejected' AND coalesce(r.reason, '') <> 'duplicate')::int AS rejected,
              count(*) FILTER (WHERE s.status = 'rejected' AND r.reason = 'duplicate')::int AS merged
         FROM tickets t JOIN state s ON s.ticket_id = t.id
         LEFT JOIN LATERAL (
              SELECT e.data->>'reason' AS reason
                FROM ticket_events e
               WHERE s.status = 'rejected' AND e.ticket_id = t.id AND e.type = 'rejected' AND e.at <= $1
               ORDER BY e.at DESC, e.id DESC
               LIMIT 1) r ON true
        WHERE t.received_at <= $1 AND t.received_at >= $2`,
      [at, since, OPEN_STATUSES],
    );
    const installs: Array<{ platform: 'android' | 'ios'; n: number }> = await m.query(
      `SELECT platform, count(*)::int AS n FROM app_installs WHERE created_at <= $1 GROUP BY platform`, [at]);
    return {
      installs: { android: installs.find((i) => i.platform === 'android')?.n ?? 0, ios: installs.find((i) => i.platform === 'ios')?.n ?? 0 },
      receivedTotal: row.received_total, handled: row.handled, open: row.open, overdue: row.overdue, rejected: row.rejected, merged: row.merged,
    };
  }

  /** Units with overdue open tickets at `at`, and those tickets, oldest deadline first. */
  private async overdueAt(m: EntityManager, at: Date, since: Date) {
    const rows: Array<{ unit_code: string | null; code: string; received_at: Date; due_at: Date; category_name: string | null }> = await m.query(
      `WITH state AS (${stateAtSql('$1')})
       SELECT s.unit_code, t.code, t.received_at, s.due_at, c.name AS category_name
         FROM tickets t JOIN state s ON s.ticket_id = t.id LEFT JOIN categories c ON c.code = t.category_code
        WHERE t.received_at <= $1 AND t.received_at >= $2 AND s.status = ANY($3) AND s.due_at < $1
        ORDER BY s.due_at, t.code`,
      [at, since, OPEN_STATUSES],
    );
    const refs = await loadUnitRefs(m, rows.map((r) => r.unit_code));
    const lines = new Map<string, OverdueUnitLine>();
    for (const r of rows) {
      const key = r.unit_code ?? '';
      const ref = r.unit_code ? refs.get(r.unit_code) : undefined;
      const line = lines.get(key) ?? {
        unitCode: key,
        unitName: ref?.name ?? 'Chưa phân công đơn vị',
        level: (ref?.level ?? 'province') as OverdueUnitLine['level'],
        districtName: ref?.districtName ?? null,
        count: 0,
      };
      line.count++;
      lines.set(key, line);
    }
    const tickets = rows.map((r) => ({
      code: r.code,
      unitName: r.unit_code ? refs.get(r.unit_code)?.displayName ?? r.unit_code : 'Chưa phân công đơn vị',
      categoryName: r.category_name,
      receivedAt: new Date(r.received_at),
      dueAt: new Date(r.due_at),
      daysLate: Math.floor((at.getTime() - new Date(r.due_at).getTime()) / 86_400_000),
    }));
    return { units: [...lines.values()], tickets };
  }

  /** The report of `kind` for the local date `date` (cut-off at REPORT_CUTOFF_HOUR of that date). */
  async build(kind: ReportKind, date: string): Promise<ReportDocument> {
    const hour = this.settings.REPORT_CUTOFF_HOUR;
    const cutoff = cutoffOf(date, hour);
    const previous = cutoffOf(previousReportDate(kind, date), hour);
    return this.ds.transaction('REPEATABLE READ', async (m) => {
      const since = await this.operationStart(m, cutoff);
      const now = await this.snapshot(m, cutoff, since);
      // a previous report needs a period before it: the report whose T0 is the start of operation is the first one
      const hasPrevious = previous > since;
      const before = hasPrevious ? await this.snapshot(m, previous, since) : null;
      const dayStart = new Date(cutoff.getTime() - 86_400_000);
      const perChannel: Array<{ channel: ReportChannel; n: number }> = await m.query(
        `SELECT channel, count(*)::int AS n FROM tickets WHERE received_at > $1 AND received_at <= $2 GROUP BY channel`, [dayStart, cutoff]);
      const receivedInDay = Object.fromEntries(REPORT_CHANNELS.map((c) => [c, perChannel.find((p) => p.channel === c)?.n ?? 0])) as Record<ReportChannel, number>;
      const overdue = await this.overdueAt(m, cutoff, since);
      const change = (pick: (s: Snapshot) => number) => ({ current: pick(now), previous: before ? pick(before) : null });
      const figures: ReportFigures = {
        kind,
        provinceName: this.settings.REPORT_PROVINCE_NAME,
        cutoff,
        previousCutoff: hasPrevious ? previous : null,
        operationStart: since,
        cutoffHour: hour,
        appInstalls: { android: change((s) => s.installs.android), ios: change((s) => s.installs.ios) },
        receivedInDay,
        receivedTotal: change((s) => s.receivedTotal),
        handled: change((s) => s.handled),
        open: now.open,
        overdue: change((s) => s.overdue),
        rejected: now.rejected,
        merged: now.merged,
        overdueUnits: overdue.units,
      };
      return { figures, overdueTickets: overdue.tickets, title: `${REPORT_TITLES[kind]} ${formatDateVi(cutoff)}` };
    });
  }

  /** The local date of the most recent cut-off at or before `now`. */
  latestReportDate(now: Date): string {
    const today = localDate(now);
    return now >= cutoffOf(today, this.settings.REPORT_CUTOFF_HOUR) ? today : addDays(today, -1);
  }

  /**
   * Per-unit statistics for tickets received in [from, to): by the unit holding each ticket at `to`: received,
   * handled, handled on time, open, overdue, and the median handling time in hours.
   *
   * Everything is as of `to`, from the tickets' history, so a past period gives the same figures later: a ticket
   * counts as handled when it was resolved or closed at `to`, at the time it last entered 'resolved' or 'closed' up
   * to `to` (not the ticket's current resolved_at, which a reopening and a later resolution move), on time when that
   * time was not after the deadline in force at `to`. A close that follows a resolution does not move that time; an
   * imported ticket's history event (no previous status) does set it, the import event itself does not.
   */
  async unitStatistics(from: Date, to: Date) {
    const rows: Array<{ unit_code: string | null; received: number; handled: number; handled_on_time: number; open: number; overdue: number; median_hours: number | null }> =
      await this.ds.query(
        `WITH state AS (${stateAtSql('$2')})
         SELECT s.unit_code,
                count(*)::int AS received,
                count(*) FILTER (WHERE s.status IN ('resolved', 'closed'))::int AS handled,
                count(*) FILTER (WHERE s.status IN ('resolved', 'closed') AND h.at <= s.due_at)::int AS handled_on_time,
                count(*) FILTER (WHERE s.status = ANY($3))::int AS open,
                count(*) FILTER (WHERE s.status = ANY($3) AND s.due_at < $2)::int AS overdue,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM h.at - t.received_at) / 3600)
                  FILTER (WHERE s.status IN ('resolved', 'closed') AND h.at IS NOT NULL) AS median_hours
           FROM tickets t
           JOIN state s ON s.ticket_id = t.id
           LEFT JOIN LATERAL (
                SELECT e.at
                  FROM ticket_events e
                 WHERE e.ticket_id = t.id AND e.at <= $2
                   AND e.to_status IN ('resolved', 'closed')
                   AND (e.from_status NOT IN ('resolved', 'closed')
                        OR (e.from_status IS NULL AND e.type IN ('resolved', 'closed')))
                 ORDER BY e.at DESC, e.id DESC
                 LIMIT 1
           ) h ON s.status IN ('resolved', 'closed')
          WHERE t.received_at >= $1 AND t.received_at < $2
          GROUP BY s.unit_code`,
        [from, to, OPEN_STATUSES],
      );
    const refs = await loadUnitRefs(this.ds.manager, rows.map((r) => r.unit_code));
    return rows
      .map((r) => ({
        unitCode: r.unit_code,
        unitName: r.unit_code ? refs.get(r.unit_code)?.displayName ?? r.unit_code : 'Chưa phân công đơn vị',
        received: r.received,
        handled: r.handled,
        handledOnTime: r.handled_on_time,
        open: r.open,
        overdue: r.overdue,
        medianHandlingHours: r.median_hours === null ? null : Math.round(Number(r.median_hours) * 10) / 10,
      }))
      .sort((a, b) => b.received - a.received || a.unitName.localeCompare(b.unitName, 'vi'));
  }
}
