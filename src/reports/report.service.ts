import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Settings } from '../../config/settings.js';
import { addDays, atLocalTime, formatDateVi, localDate } from '../common/vn-time.js';
import { loadUnitRefs } from '../directory/unit-label.js';
import {
  earliestOverdueByUnit, firstReceivedAt, overdueTicketRows, receivedBefore, receivedPerChannel, ticketsWithState, unhandledSpansByUnit,
  unitStatisticsRows, type UnhandledUnitRow,
} from '../tickets/ticket-report-queries.js';
import {
  adoptStateCounts, countableInstant, saveStateCountCheckpoint, stateCountsAt, type StateCountKind, type StateCountsAt,
} from '../tickets/ticket-state-counts.js';
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

/** A unit with overdue tickets at the cut-off: how many, and the earliest deadline among them (the list's order). */
interface OverdueUnitCount {
  unit_code: string | null;
  overdue_now: number;
  first_due_now: Date;
}

/** The two snapshots of a report and its units with overdue tickets, and the counts to keep as checkpoints. */
interface Snapshots {
  now: Snapshot;
  before: Snapshot | null;
  overdue: OverdueUnitCount[];
  counted: StateCountsAt[];
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
 * tomorrow. A handled ticket is counted as one that had a state and was neither open nor rejected. At a cut-off (a
 * whole hour) the counts come from those PostgreSQL keeps per hour (ticket-state-counts.ts): the nearest checkpoint
 * and the changes since, so the cut-off job's report reads about a day of changes, whatever the number of tickets;
 * each report keeps its counts as checkpoints. Otherwise they come from the spans, and what they read grows with the
 * open and rejected tickets at the two instants. The list of overdue tickets is read from the spans, either way.
 */
@Injectable()
export class ReportService {
  private cursors = 0;
  private readonly logger = new Logger(ReportService.name);

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
   * overdue tickets at `at`. On whole hours, from the kept counts (ticket-state-counts.ts: a checkpoint and the
   * changes since), when every ticket was received since `since`; otherwise from the spans (spanSnapshots).
   */
  private async snapshots(m: EntityManager, at: Date, previous: Date | null, since: Date): Promise<Snapshots> {
    const installs: Array<{ n_now: number; n_before: number; platform: 'android' | 'ios' }> = await m.query(
      `SELECT platform, count(*)::int AS n_now, count(*) FILTER (WHERE created_at <= $2)::int AS n_before
         FROM app_installs WHERE created_at <= $1 GROUP BY platform`, [at, previous ?? at]);
    const installed = (when: 'now' | 'before') => {
      const of = (platform: 'android' | 'ios') => {
        const row = installs.find((i) => i.platform === platform);
        return row ? (when === 'now' ? row.n_now : row.n_before) : 0;
      };
      return { android: of('android'), ios: of('ios') };
    };
    const countable = countableInstant(at) && (!previous || countableInstant(previous))
      && !(this.settings.REPORT_OPERATION_START && (await receivedBefore(m, since)));
    return countable ? this.countedSnapshots(m, at, previous, installed) : this.spanSnapshots(m, at, previous, since, installed);
  }

  /** The snapshots from the kept counts at two whole hours; every ticket was received since the start of operation. */
  private async countedSnapshots(
    m: EntityManager, at: Date, previous: Date | null, installed: (when: 'now' | 'before') => Snapshot['installs'],
  ): Promise<Snapshots> {
    const nowCounts = await stateCountsAt(m, at);
    const beforeCounts = previous ? await stateCountsAt(m, previous) : null;
    const snapshot = (counts: StateCountsAt, when: 'now' | 'before'): Snapshot => {
      const total = (kind: StateCountKind) => counts.rows.reduce((n, r) => (r.kind === kind ? n + r.n : n), 0);
      const [received, open, rejected, merged] = [total('received'), total('open'), total('rejected'), total('merged')];
      return { installs: installed(when), receivedTotal: received, handled: received - open - rejected - merged, open, overdue: total('overdue'), rejected, merged };
    };
    const late = nowCounts.rows.filter((r) => r.kind === 'overdue' && r.n > 0);
    const firstDue = await earliestOverdueByUnit(m, at, late.map((r) => r.unit_key));
    const overdue = late.map((r) => {
      const first = firstDue.get(r.unit_key);
      // the counts and the spans are one snapshot: a unit counted late has a late span
      if (!first) throw new Error(`unit '${r.unit_key}' is counted with ${r.n} overdue at ${at.toISOString()} but has no overdue span`);
      return { unit_code: r.unit_key || null, overdue_now: r.n, first_due_now: first };
    });
    return {
      now: snapshot(nowCounts, 'now'),
      before: beforeCounts ? snapshot(beforeCounts, 'before') : null,
      overdue: sortOverdueUnits(overdue),
      counted: beforeCounts ? [nowCounts, beforeCounts] : [nowCounts],
    };
  }

  /**
   * The snapshots from the spans, in two passes: the open and rejected spans that meet [previous, at] (a GiST index
   * of the unhandled spans), per unit; and the tickets that had a state at each instant (their first spans,
   * index-only). A ticket with a state that is neither open nor rejected is handled (resolved or closed).
   */
  private async spanSnapshots(
    m: EntityManager, at: Date, previous: Date | null, since: Date, installed: (when: 'now' | 'before') => Snapshot['installs'],
  ): Promise<Snapshots> {
    const before = previous ?? at;
    const units = await unhandledSpansByUnit(m, at, before, since);
    const had = await ticketsWithState(m, at, before, since);
    const snapshot = (when: 'now' | 'before'): Snapshot => {
      const sum = (pick: (r: UnhandledUnitRow) => number) => units.reduce((n, r) => n + pick(r), 0);
      const unhandled = sum((r) => (when === 'now' ? r.unhandled_now : r.unhandled_before));
      return {
        installs: installed(when),
        receivedTotal: had[when],
        handled: had[when] - unhandled,
        open: sum((r) => (when === 'now' ? r.open_now : r.open_before)),
        overdue: sum((r) => (when === 'now' ? r.overdue_now : r.overdue_before)),
        rejected: sum((r) => (when === 'now' ? r.rejected_now : r.rejected_before)),
        merged: sum((r) => (when === 'now' ? r.merged_now : r.merged_before)),
      };
    };
    const overdue = units
      .filter((r) => r.overdue_now > 0)
      .map((r) => ({ unit_code: r.unit_code, overdue_now: r.overdue_now, first_due_now: new Date(r.first_due_now!) }));
    return { now: snapshot('now'), before: previous ? snapshot('before') : null, overdue: sortOverdueUnits(overdue), counted: [] };
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
    let counted: StateCountsAt[] = [];
    // kept counts restored from another cluster are made this one's before they are read
    if (await adoptStateCounts(this.ds)) this.logger.warn('the kept report counts came from another database cluster (a restore): adopted them, checkpoints start again');
    try {
      const result = await this.ds.transaction('REPEATABLE READ', async (m) => {
        await m.query(`SET LOCAL statement_timeout = '${LONG_READ_STATEMENT_TIMEOUT}'`);
        const since = await this.operationStart(m, cutoff);
        // a previous report needs a period before it: the report whose T0 is the start of operation is the first one
        const hasPrevious = previous > since;
        const { now, before, overdue, counted: counts } = await this.snapshots(m, cutoff, hasPrevious ? previous : null, since);
        counted = counts;
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
      await this.keepCheckpoints(counted);
      return result;
    } finally {
      open = false;
    }
  }

  /**
   * Keeps what a report counted as the checkpoints of its instants, so that the next report reads only the changes
   * since. The report stands without them: a failure here is logged, not thrown.
   */
  private async keepCheckpoints(counted: StateCountsAt[]): Promise<void> {
    for (const counts of counted) {
      try {
        await saveStateCountCheckpoint(this.ds.manager, counts);
      } catch (err) {
        this.logger.warn(`could not keep the counts at ${counts.at.toISOString()} as a checkpoint: ${(err as Error).message}`);
      }
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

/** The units in the order of their earliest overdue deadline (the order of the ticket list), then by code. */
function sortOverdueUnits(units: OverdueUnitCount[]): OverdueUnitCount[] {
  return units.sort((a, b) => a.first_due_now.getTime() - b.first_due_now.getTime() || (a.unit_code ?? '').localeCompare(b.unit_code ?? ''));
}
