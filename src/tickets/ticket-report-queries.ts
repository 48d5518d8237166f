import type { EntityManager } from 'typeorm';
import { overdueSpansSql, spanContainsSql, spanRangeSql, UNHANDLED_SPAN_PREDICATE } from './ticket-history.js';
import { OPEN_STATUSES, type Channel } from './ticket.entity.js';

/**
 * The tickets' side of the official report and the unit statistics (src/reports/report.service.ts): the reads of
 * tickets and of their state spans (see ticket-history.ts) behind the figures, so that a past date gives the same
 * figures later. Each runs in the caller's transaction (`m`): the report's REPEATABLE READ one, so that every figure
 * and the overdue list come from one snapshot.
 */

/** When the earliest ticket was received; null without tickets. */
export async function firstReceivedAt(m: EntityManager): Promise<Date | null> {
  const [{ first }] = await m.query(`SELECT min(received_at) AS first FROM tickets`);
  return first ? new Date(first) : null;
}

/** A unit's line of the one pass over the open and rejected tickets at T and T0 (unhandledSpansByUnit). */
export interface UnhandledUnitRow {
  unit_code: string | null;
  unhandled_now: number; open_now: number; overdue_now: number; rejected_now: number; merged_now: number; first_due_now: Date | null;
  unhandled_before: number; open_before: number; overdue_before: number; rejected_before: number; merged_before: number;
}

/**
 * Per unit, the tickets received since `since` that were unhandled (open or rejected) at `at` and at `before` (T0;
 * `at` again when there is none), in one pass over the open and rejected spans that meet [before, at] (a GiST index
 * of the unhandled spans): how many unhandled, open, overdue, rejected and merged (rejected as duplicates), and the
 * earliest overdue deadline at `at`.
 */
export function unhandledSpansByUnit(m: EntityManager, at: Date, before: Date, since: Date): Promise<UnhandledUnitRow[]> {
  const inForce = (instant: string) => `s.valid_from <= ${instant} AND (s.valid_to IS NULL OR s.valid_to > ${instant}) AND s.received_at <= ${instant}`;
  const figures = (when: 'now' | 'before', instant: string) => `
            count(*) FILTER (WHERE ${inForce(instant)})::int AS unhandled_${when},
            count(*) FILTER (WHERE ${inForce(instant)} AND s.status = ANY($4))::int AS open_${when},
            count(*) FILTER (WHERE ${inForce(instant)} AND s.status = ANY($4) AND s.due_at < ${instant})::int AS overdue_${when},
            count(*) FILTER (WHERE ${inForce(instant)} AND s.status = 'rejected' AND coalesce(s.reject_reason, '') <> 'duplicate')::int AS rejected_${when},
            count(*) FILTER (WHERE ${inForce(instant)} AND s.status = 'rejected' AND s.reject_reason = 'duplicate')::int AS merged_${when}`;
  return m.query(
    `SELECT s.unit_code, ${figures('now', '$1')}, ${figures('before', '$2')},
            min(s.due_at) FILTER (WHERE ${inForce('$1')} AND s.status = ANY($4) AND s.due_at < $1) AS first_due_now
       FROM ticket_state_spans s
      WHERE ${spanRangeSql('s')} && tstzrange($2, $1, '[]') AND s.${UNHANDLED_SPAN_PREDICATE}
        AND s.received_at >= $3 AND s.received_at <= $1
      GROUP BY s.unit_code`,
    [at, before, since, OPEN_STATUSES],
  );
}

/**
 * The earliest deadline among the overdue open tickets of each of `units` (unit codes, '' for the tickets with no
 * unit) at `at`, in their state then: the order in which the report lists the units. One short read per unit, in
 * deadline order through the open spans' index (overdueSpansSql), whatever the number of late tickets.
 */
export async function earliestOverdueByUnit(m: EntityManager, at: Date, units: string[]): Promise<Map<string, Date>> {
  // ordered as the index is (unit_code first), so that "unit_code IS NULL" too reads the first entry only
  const firstDue = (unit: string) => `(SELECT min(x.due_at) FROM (${overdueSpansSql('$1', 's.due_at', unit, 'ORDER BY s.unit_code, s.due_at LIMIT 1')}) x)`;
  const named: Array<{ unit_key: string; first_due: Date | null }> = await m.query(
    `SELECT u.code AS unit_key, ${firstDue('s.unit_code = u.code')} AS first_due FROM unnest($2::varchar[]) AS u(code)`,
    [at, units.filter((u) => u !== '')],
  );
  if (units.includes('')) {
    const [none] = await m.query(`SELECT '' AS unit_key, ${firstDue('s.unit_code IS NULL')} AS first_due`, [at]);
    named.push(none);
  }
  return new Map(named.filter((r) => r.first_due).map((r) => [r.unit_key, new Date(r.first_due!)]));
}

/** Whether any ticket was received before `since` (a start of operation set after the first tickets). */
export async function receivedBefore(m: EntityManager, since: Date): Promise<boolean> {
  const [row] = await m.query(`SELECT 1 FROM tickets WHERE received_at < $1 LIMIT 1`, [since]);
  return Boolean(row);
}

/**
 * How many tickets received since `since` had a state at `at` (`now`) and at `before` (`before`): their first spans,
 * index-only. A ticket with a state that is neither open nor rejected is handled (resolved or closed).
 */
export async function ticketsWithState(m: EntityManager, at: Date, before: Date, since: Date): Promise<{ now: number; before: number }> {
  const [had] = await m.query(
    `SELECT count(*) FILTER (WHERE s.valid_from <= $1)::int AS now,
            count(*) FILTER (WHERE s.valid_from <= $2 AND s.received_at <= $2)::int AS before
       FROM ticket_state_spans s
      WHERE s.is_first AND s.received_at >= $3 AND s.received_at <= $1`,
    [at, before, since],
  );
  return had;
}

/** Tickets received in (from, to], per channel (channels without any are absent). */
export function receivedPerChannel(m: EntityManager, from: Date, to: Date): Promise<Array<{ channel: Channel; n: number }>> {
  return m.query(`SELECT channel, count(*)::int AS n FROM tickets WHERE received_at > $1 AND received_at <= $2 GROUP BY channel`, [from, to]);
}

/** One overdue ticket of the report, as the cursor reads it. */
export interface OverdueTicketRow {
  unit_code: string | null; code: string; category_name: string | null; received_ms: number; due_ms: number;
}

/**
 * The open tickets received since `since` and past their deadline at `at` (as at `at`: unit and deadline in force
 * then), in report order (deadline, then code), read through the cursor `cursor` declared in the transaction of `m`,
 * `batch` rows at a time (the list may hold hundreds of thousands). Empty batches are not yielded. The cursor is
 * closed when the reading ends or stops early, while `isOpen()` says the transaction is still open (a failed
 * transaction has dropped it already).
 */
export async function* overdueTicketRows(
  m: EntityManager, cursor: string, at: Date, since: Date, batch: number, isOpen: () => boolean,
): AsyncGenerator<OverdueTicketRow[]> {
  // instants as epoch milliseconds: parsing a timestamptz text costs as much as the rest of the row
  await m.query(
    `DECLARE ${cursor} NO SCROLL CURSOR FOR
     SELECT t.code, s.unit_code, c.name AS category_name,
            (extract(epoch FROM s.received_at) * 1000)::float8 AS received_ms, (extract(epoch FROM s.due_at) * 1000)::float8 AS due_ms
       FROM ticket_state_spans s JOIN tickets t ON t.id = s.ticket_id LEFT JOIN categories c ON c.code = t.category_code
      WHERE ${spanContainsSql('s', '$1')} AND s.${UNHANDLED_SPAN_PREDICATE} AND s.status = ANY($3) AND s.due_at < $1
        AND s.received_at <= $1 AND s.received_at >= $2
      ORDER BY s.due_at, t.code COLLATE "C"`,
    [at, since, OPEN_STATUSES],
  );
  try {
    for (;;) {
      const rows: OverdueTicketRow[] = await m.query(`FETCH FORWARD ${batch} FROM ${cursor}`);
      if (rows.length) yield rows;
      if (rows.length < batch) break;
    }
  } finally {
    // a reader that stops early leaves the cursor open; a failed transaction has dropped it already
    if (isOpen()) await m.query(`CLOSE ${cursor}`).catch(() => undefined);
  }
}

/** A unit's line of the unit statistics (unitStatisticsRows). */
export interface UnitStatisticsRow {
  unit_code: string | null; received: number; handled: number; handled_on_time: number; handled_on_time_extended: number;
  open: number; overdue: number; median_hours: number | null;
  /** The citizens' answers given by `to` about these tickets: how many, settled, not settled. */
  answered: number; settled: number; not_settled: number;
}

/**
 * Per unit holding each ticket at `to`, the tickets received in [from, to): received, handled, handled on time, open,
 * overdue, and the median handling time in hours, all as of `to` from the tickets' history: a ticket counts as
 * handled when it was resolved or closed at `to`, at the time it last entered 'resolved' or 'closed' up to `to`, on
 * time when that time was not after the deadline in force at `to` (and of those, apart, the ones whose deadline had
 * been extended before they were handled); and the citizens' answers given by `to` about them. The tickets received
 * in the period are found by their first spans (by reception), then each one's span at `to`.
 */
export function unitStatisticsRows(m: EntityManager, from: Date, to: Date): Promise<UnitStatisticsRow[]> {
  return m.query(
    `SELECT s.unit_code,
            count(*)::int AS received,
            count(*) FILTER (WHERE s.status IN ('resolved', 'closed'))::int AS handled,
            count(*) FILTER (WHERE s.status IN ('resolved', 'closed') AND s.handled_at <= s.due_at)::int AS handled_on_time,
            count(*) FILTER (WHERE s.status IN ('resolved', 'closed') AND s.handled_at <= s.due_at
              AND EXISTS (SELECT 1 FROM ticket_events x WHERE x.ticket_id = s.ticket_id AND x.type = 'deadline_extended' AND x.at <= s.handled_at))::int AS handled_on_time_extended,
            count(*) FILTER (WHERE s.status = ANY($3))::int AS open,
            count(*) FILTER (WHERE s.status = ANY($3) AND s.due_at < $2)::int AS overdue,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.handled_at - s.received_at) / 3600)
              FILTER (WHERE s.status IN ('resolved', 'closed') AND s.handled_at IS NOT NULL) AS median_hours,
            count(fb.ticket_id)::int AS answered, count(*) FILTER (WHERE fb.settled)::int AS settled,
            count(*) FILTER (WHERE NOT fb.settled)::int AS not_settled
       FROM ticket_state_spans f
       JOIN ticket_state_spans s ON s.ticket_id = f.ticket_id AND ${spanContainsSql('s', '$2')}
       LEFT JOIN ticket_feedback fb ON fb.ticket_id = f.ticket_id AND fb.answered_at <= $2
      WHERE f.is_first AND f.received_at >= $1 AND f.received_at < $2
      GROUP BY s.unit_code`,
    [from, to, OPEN_STATUSES],
  );
}
