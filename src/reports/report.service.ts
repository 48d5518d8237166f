import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Settings } from '../../config/settings.js';
import { addDays, atLocalTime, formatDateVi, localDate } from '../common/vn-time.js';
import { loadUnitRefs } from '../directory/unit-label.js';
import {
  firstReceivedAt, overdueTicketRows, receivedPerChannel, ticketsWithState, unhandledSpansByUnit, unitStatisticsRows,
  type UnhandledUnitRow,
} from '../tickets/ticket-report-queries.js';
import { LONG_READ_STATEMENT_TIMEOUT } from '../common/long-reads.js';
import {
  overdueTicketBatches,
  REPORT_CHANNELS,
  type OverdueTicketLine,
  type OverdueUnitLine,
  type ReportChannel,
  type ReportDocument,
  type ReportFigures,
} from './report-figures.js';

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

/** Rows of the overdue ticket list read at a time (a cursor): the list may hold hundreds of thousands. */
export const OVERDUE_TICKETS_BATCH = 5000;

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
 * and the tickets' state spans (see ticket-history.ts): the report for a past date comes out the same today and
 * tomorrow. What it reads grows with the open and rejected tickets at the two instants, and with the number of
 * tickets only through one index-only count: a handled ticket is counted as one that had a state and was neither
 * open nor rejected.
 */
@Injectable()
export class ReportService {
  private cursors = 0;

  constructor(private readonly ds: DataSource, private readonly settings: Settings) {}

  /**
   * Start of operation: the setting, else the cut-off just before the earliest received ticket (so that "Từ 16 giờ
   * ngày …" is true), else the cut-off itself.
   */
  private async operationStart(m: EntityManager, cutoff: Date): Promise<Date> {
    if (this.settings.REPORT_OPERATION_START) return new Date(this.settings.REPORT_OPERATION_START);
    const firstAt = await firstReceivedAt(m);
    if (!firstAt) return cutoff;
    const day = localDate(firstAt);
    const sameDay = cutoffOf(day, this.settings.REPORT_CUTOFF_HOUR);
    return sameDay < firstAt ? sameDay : cutoffOf(addDays(day, -1), this.settings.REPORT_CUTOFF_HOUR);
  }

  /**
   * The snapshots at `at` and at `previous` (null: none) of the tickets received since `since`, and the units with
   * overdue tickets at `at`, in two passes: the open and rejected spans that meet [previous, at] (a GiST index of the
   * unhandled spans), per unit; and the tickets that had a state at each instant (their first spans, index-only).
   * A ticket with a state that is neither open nor rejected is handled (resolved or closed).
   */
  private async snapshots(m: EntityManager, at: Date, previous: Date | null, since: Date) {
    const before = previous ?? at;
    const units = await unhandledSpansByUnit(m, at, before, since);
    const had = await ticketsWithState(m, at, before, since);
    const installs: Array<{ n_now: number; n_before: number; platform: 'android' | 'ios' }> = await m.query(
      `SELECT platform, count(*)::int AS n_now, count(*) FILTER (WHERE created_at <= $2)::int AS n_before
         FROM app_installs WHERE created_at <= $1 GROUP BY platform`, [at, before]);
    const snapshot = (when: 'now' | 'before'): Snapshot => {
      const sum = (pick: (r: UnhandledUnitRow) => number) => units.reduce((n, r) => n + pick(r), 0);
      const unhandled = sum((r) => (when === 'now' ? r.unhandled_now : r.unhandled_before));
      const installed = (platform: 'android' | 'ios') => {
        const row = installs.find((i) => i.platform === platform);
        return row ? (when === 'now' ? row.n_now : row.n_before) : 0;
      };
      return {
        installs: { android: installed('android'), ios: installed('ios') },
        receivedTotal: had[when],
        handled: had[when] - unhandled,
        open: sum((r) => (when === 'now' ? r.open_now : r.open_before)),
        overdue: sum((r) => (when === 'now' ? r.overdue_now : r.overdue_before)),
        rejected: sum((r) => (when === 'now' ? r.rejected_now : r.rejected_before)),
        merged: sum((r) => (when === 'now' ? r.merged_now : r.merged_before)),
      };
    };
    // the units in the order of their earliest overdue deadline (the order of the ticket list), then by code
    const overdue = units
      .filter((r) => r.overdue_now > 0)
      .sort((a, b) => new Date(a.first_due_now!).getTime() - new Date(b.first_due_now!).getTime() || (a.unit_code ?? '').localeCompare(b.unit_code ?? ''));
    return { now: snapshot('now'), before: previous ? snapshot('before') : null, overdue };
  }

  /**
   * The overdue open tickets at `at` in report order (the most days late first, then the deadline, then the code),
   * read through a cursor in batches of OVERDUE_TICKETS_BATCH: it can be read, as often as wanted, while the
   * transaction of `m` is open.
   */
  private overdueTickets(m: EntityManager, at: Date, since: Date, unitNames: Map<string, string>, isOpen: () => boolean): AsyncIterable<OverdueTicketLine[]> {
    const cursors = () => `overdue_tickets_${++this.cursors}`;
    return {
      [Symbol.asyncIterator]: async function* () {
        if (!isOpen()) throw new Error('The overdue tickets of a report are read within ReportService.build');
        for await (const rows of overdueTicketRows(m, cursors(), at, since, OVERDUE_TICKETS_BATCH, isOpen)) {
          yield rows.map((r) => {
            const dueAt = new Date(r.due_ms);
            return {
              code: r.code,
              unitName: r.unit_code ? unitNames.get(r.unit_code) ?? r.unit_code : UNASSIGNED,
              categoryName: r.category_name,
              receivedAt: new Date(r.received_ms),
              dueAt,
              daysLate: Math.floor((at.getTime() - dueAt.getTime()) / 86_400_000),
            };
          });
        }
      },
    };
  }

  /**
   * The report of `kind` for the local date `date` (cut-off at REPORT_CUTOFF_HOUR of that date), handed to `use`
   * within the REPEATABLE READ transaction that counted it: `doc.overdueTickets` then reads the overdue tickets of
   * that same snapshot through a cursor, batch by batch, while `use` writes them out (an xlsx, a JSON body).
   * Without `use`, the document with every overdue ticket in an array (small data sets, tools).
   */
  async build(kind: ReportKind, date: string): Promise<ReportDocument>;
  async build<T>(kind: ReportKind, date: string, use: (doc: ReportDocument) => Promise<T>): Promise<T>;
  async build<T>(kind: ReportKind, date: string, use?: (doc: ReportDocument) => Promise<T>): Promise<T | ReportDocument> {
    if (!use) {
      return this.build(kind, date, async (doc) => {
        const tickets: OverdueTicketLine[] = [];
        for await (const batch of overdueTicketBatches(doc.overdueTickets)) tickets.push(...batch);
        return { ...doc, overdueTickets: tickets };
      });
    }
    const hour = this.settings.REPORT_CUTOFF_HOUR;
    const cutoff = cutoffOf(date, hour);
    const previous = cutoffOf(previousReportDate(kind, date), hour);
    let open = true;
    try {
      return await this.ds.transaction('REPEATABLE READ', async (m) => {
        await m.query(`SET LOCAL statement_timeout = '${LONG_READ_STATEMENT_TIMEOUT}'`);
        const since = await this.operationStart(m, cutoff);
        // a previous report needs a period before it: the report whose T0 is the start of operation is the first one
        const hasPrevious = previous > since;
        const { now, before, overdue } = await this.snapshots(m, cutoff, hasPrevious ? previous : null, since);
        const dayStart = new Date(cutoff.getTime() - 86_400_000);
        const perChannel = await receivedPerChannel(m, dayStart, cutoff);
        const receivedInDay = Object.fromEntries(REPORT_CHANNELS.map((c) => [c, perChannel.find((p) => p.channel === c)?.n ?? 0])) as Record<ReportChannel, number>;
        // named as they were named at the cut-off (a unit renamed since keeps its former name here)
        const refs = await loadUnitRefs(m, overdue.map((r) => r.unit_code), cutoff);
        const overdueUnits: OverdueUnitLine[] = overdue.map((r) => {
          const ref = r.unit_code ? refs.get(r.unit_code) : undefined;
          return {
            unitCode: r.unit_code ?? '',
            unitName: ref?.name ?? UNASSIGNED,
            level: (ref?.level ?? 'province') as OverdueUnitLine['level'],
            districtName: ref?.districtName ?? null,
            count: r.overdue_now,
          };
        });
        const unitNames = new Map([...refs.values()].map((ref) => [ref.code, ref.displayName]));
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
          overdueUnits,
        };
        return use({
          figures,
          overdueTickets: this.overdueTickets(m, cutoff, since, unitNames, () => open),
          title: `${REPORT_TITLES[kind]} ${formatDateVi(cutoff)}`,
        });
      });
    } finally {
      open = false;
    }
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
   *
   * The tickets received in the period are found by their first spans (by reception), then each one's span at `to`.
   */
  async unitStatistics(from: Date, to: Date) {
    const rows = await this.ds.transaction(async (m) => {
      await m.query(`SET LOCAL statement_timeout = '${LONG_READ_STATEMENT_TIMEOUT}'`);
      return unitStatisticsRows(m, from, to);
    });
    // named as they were named at the period's end
    const refs = await loadUnitRefs(this.ds.manager, rows.map((r) => r.unit_code), to);
    return rows
      .map((r) => ({
        unitCode: r.unit_code,
        unitName: r.unit_code ? refs.get(r.unit_code)?.displayName ?? r.unit_code : UNASSIGNED,
        received: r.received,
        handled: r.handled,
        handledOnTime: r.handled_on_time,
        handledOnTimeExtended: r.handled_on_time_extended,
        open: r.open,
        overdue: r.overdue,
        medianHandlingHours: r.median_hours === null ? null : Math.round(Number(r.median_hours) * 10) / 10,
        answered: r.answered,
        settled: r.settled,
        notSettled: r.not_settled,
      }))
      .sort((a, b) => b.received - a.received || a.unitName.localeCompare(b.unitName, 'vi'));
  }
}

const UNASSIGNED = 'Chưa phân công đơn vị';
