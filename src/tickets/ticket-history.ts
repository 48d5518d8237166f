import { OPEN_STATUSES } from './ticket.entity.js';

/**
 * Each ticket's state at an instant — status, unit and deadline in force — from its last state event at or before
 * that instant in (at, id) order (every change writes one, carrying the deadline). The overdue list and the official
 * report read the past through this one definition, so a past instant gives the same answer later.
 *
 * It reads ticket_state_spans (ticket-state-span.entity.ts), which PostgreSQL keeps from the events: the state at T is
 * the span with valid_from <= T < valid_to (valid_to null: still in force). For the open and rejected states a GiST
 * index on the span's range finds them, so a query that asks only for those (status = ANY(open statuses), known when
 * it is planned) reads the tickets that matter rather than every ticket's history.
 *
 * `instant` is the SQL placeholder of the instant, e.g. '$1'. Columns: ticket_id, status, unit_code, due_at,
 * received_at (the ticket's), reject_reason (of the last rejection at or before the instant), handled_at (when the
 * ticket last entered resolved or closed, at or before the instant).
 */
export function stateAtSql(instant: string): string {
  return `SELECT s.ticket_id, s.status, s.unit_code, s.due_at, s.received_at, s.reject_reason, s.handled_at
            FROM ticket_state_spans s
           WHERE ${spanContainsSql('s', instant)}`;
}

/**
 * The condition "span `alias` was in force at `instant`", valid_from <= T AND (valid_to IS NULL OR valid_to > T),
 * written as the range expression that the span indexes hold.
 */
export function spanContainsSql(alias: string, instant: string): string {
  return `${spanRangeSql(alias)} @> (${instant})::timestamptz`;
}

/** The span's interval [valid_from, valid_to) as a range, exactly as idx_ticket_state_spans_unhandled_during has it. */
export function spanRangeSql(alias: string): string {
  return `tstzrange(${alias}.valid_from, ${alias}.valid_to, '[)')`;
}

/** The statuses that do not count as handled; the GiST index of spans holds only these (its partial predicate). */
export const UNHANDLED_SPAN_PREDICATE = `status NOT IN ('resolved', 'closed')`;

/** The open statuses as SQL literals: a partial index is matched only by a literal predicate, not by a parameter. */
export const OPEN_LITERALS = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * The spans (alias `s`) of the tickets that were open at `instant` with their deadline in force already past: the
 * overdue tickets at that instant, one span each. Two parts, each through its own partial index (migration
 * OverdueSpanIndexes): the spans still in force (valid_to null; idx_ticket_state_spans_open_now, by unit and
 * deadline, so one unit's oldest are read in order and the count per unit is index-only), and the spans that have
 * ended since the instant (idx_ticket_state_spans_open_ended by valid_to: almost none for a recent instant; for a
 * distant one the GiST index of the unhandled spans). `where` narrows both parts (columns of `s`); `columns` are
 * selected from `s`; `eachPart` ends each part (an ORDER BY … LIMIT, so that a page is read in index order).
 */
export function overdueSpansSql(instant: string, columns: string, where = 'TRUE', eachPart = ''): string {
  const late = `s.status IN (${OPEN_LITERALS}) AND s.valid_from <= ${instant} AND s.due_at < ${instant} AND s.received_at <= ${instant} AND (${where})`;
  return `(SELECT ${columns} FROM ticket_state_spans s WHERE s.valid_to IS NULL AND ${late} ${eachPart})
          UNION ALL
          (SELECT ${columns} FROM ticket_state_spans s
            WHERE s.valid_to IS NOT NULL AND s.valid_to > ${instant} AND ${spanContainsSql('s', instant)} AND s.${UNHANDLED_SPAN_PREDICATE} AND ${late} ${eachPart})`;
}
