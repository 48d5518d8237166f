import type { EntityManager } from 'typeorm';
import { OPEN_LITERALS, overdueSpansSql } from './ticket-history.js';

/**
 * The tickets' side of the deadline watch (src/sla/overdue.service.ts): the overdue and due-soon flags, set-based,
 * one statement each, and the reads of overdue tickets behind the digest and the overdue list. Each function runs in
 * the caller's transaction (`m`) and returns plain rows; what follows from them (notices, the digest's mail, the
 * list's unit names) is the caller's.
 */

/** Tickets flagged (or warned) per statement: bounded statements and memory however many fall due at once. */
export const SWEEP_BATCH = 1000;

/** A ticket flagged overdue, warned, or listed in a digest, with what its notice needs. */
export interface FlaggedTicketRow {
  id: string; code: string; content: string; due_at: Date; received_at: Date;
  assigned_unit_code: string | null; category_name: string | null; emails: string[] | null;
}

/**
 * Flags up to SWEEP_BATCH open tickets past their deadline, once per ticket and deadline, and writes one "overdue"
 * event each; returns them. New work is found through the partial index idx_tickets_overdue_watch (open tickets not
 * flagged for their deadline): when nothing is new, the statement reads a few index pages whatever the size of the
 * table. Rows are taken with SKIP LOCKED: two sweeps at once share the work, and a ticket held by a user's change is
 * taken at the next tick.
 */
export function flagOverdueTickets(m: EntityManager, now: Date): Promise<FlaggedTicketRow[]> {
  return m.query(
    // it became overdue at its deadline, or, when it was reopened after the deadline, at the reopening (it was
    // not open, so not overdue, in between); GREATEST ignores the NULL of a ticket never reopened. A ticket
    // flagged overdue needs no due-soon warning for that deadline any more: it leaves that sweep's index too. The
    // flag is a change of the ticket (its event, its overdue time): its version goes up, like any other change.
    `WITH due AS (
       SELECT id FROM tickets
        WHERE status IN (${OPEN_LITERALS}) AND overdue_for_due_at IS DISTINCT FROM due_at AND due_at < $1
        ORDER BY due_at
        LIMIT $2
          FOR UPDATE SKIP LOCKED),
     flagged AS (
       UPDATE tickets SET overdue_for_due_at = due_at, warned_for_due_at = due_at, version = version + 1,
              overdue_at = GREATEST(due_at, (SELECT max(e.at) FROM ticket_events e WHERE e.ticket_id = tickets.id AND e.type = 'reopened'))
        WHERE id IN (SELECT id FROM due)
       RETURNING id, code, content, due_at, overdue_at, received_at, assigned_unit_code, category_code),
     ev AS (
       INSERT INTO ticket_events (ticket_id, type, at, actor_name, from_unit_code, to_unit_code, note, data)
       SELECT id, 'overdue', overdue_at, 'Hệ thống', assigned_unit_code, assigned_unit_code, 'Phản ánh đã quá hạn xử lý.',
              jsonb_build_object('dueAt', due_at)
         FROM flagged)
     SELECT f.id, f.code, f.content, f.due_at, f.received_at, f.assigned_unit_code, c.name AS category_name, u.emails
       FROM flagged f LEFT JOIN units u ON u.code = f.assigned_unit_code LEFT JOIN categories c ON c.code = f.category_code`,
    [now, SWEEP_BATCH],
  );
}

/**
 * Marks up to SWEEP_BATCH open tickets as warned, once per ticket and deadline, when their warning time has come
 * (DUE_SOON_PERCENT of the allowed time passed), writes one "due_soon" event each, and returns them; new work is found
 * through the partial index idx_tickets_due_soon_watch, rows taken with SKIP LOCKED as in flagOverdueTickets. Like
 * the overdue flag, the warning is a change of the ticket: its version goes up.
 */
export function markDueSoonTickets(m: EntityManager, now: Date): Promise<FlaggedTicketRow[]> {
  return m.query(
    `WITH due AS (
       SELECT id FROM tickets
        WHERE status IN (${OPEN_LITERALS}) AND warned_for_due_at IS DISTINCT FROM due_at AND warn_at <= $1 AND due_at > $1
        ORDER BY warn_at
        LIMIT $2
          FOR UPDATE SKIP LOCKED),
     warned AS (
       UPDATE tickets SET warned_for_due_at = due_at, version = version + 1
        WHERE id IN (SELECT id FROM due)
       RETURNING id, code, content, due_at, received_at, assigned_unit_code, category_code),
     ev AS (
       INSERT INTO ticket_events (ticket_id, type, at, actor_name, from_unit_code, to_unit_code, note, data)
       SELECT id, 'due_soon', $1::timestamptz, 'Hệ thống', assigned_unit_code, assigned_unit_code, 'Phản ánh sắp đến hạn xử lý.', jsonb_build_object('dueAt', due_at)
         FROM warned)
     SELECT w.id, w.code, w.content, w.due_at, w.received_at, w.assigned_unit_code, c.name AS category_name, u.emails
       FROM warned w LEFT JOIN units u ON u.code = w.assigned_unit_code LEFT JOIN categories c ON c.code = w.category_code`,
    [now, SWEEP_BATCH],
  );
}

/**
 * The open tickets past their deadline at `now` of every unit with an e-mail address, for the morning digest: in
 * one pass, each unit's `perUnit` oldest (by deadline, then code) with how many the unit has late in all
 * (`unit_total`), so that a unit with thousands late gets a mail one can read (and memory stays bounded).
 */
export function overdueTicketsForDigest(m: EntityManager, now: Date, perUnit: number): Promise<Array<FlaggedTicketRow & { unit_total: number }>> {
  return m.query(
    `SELECT * FROM (
       SELECT t.id, t.code, t.content, t.due_at, t.received_at, t.assigned_unit_code, c.name AS category_name, u.emails,
              count(*) OVER (PARTITION BY t.assigned_unit_code)::int AS unit_total,
              row_number() OVER (PARTITION BY t.assigned_unit_code ORDER BY t.due_at, t.code) AS rn
         FROM tickets t JOIN units u ON u.code = t.assigned_unit_code LEFT JOIN categories c ON c.code = t.category_code
        WHERE t.status IN (${OPEN_LITERALS}) AND t.due_at < $1 AND cardinality(u.emails) > 0) d
      WHERE d.rn <= $2
      ORDER BY d.assigned_unit_code, d.due_at, d.code`,
    [now, perUnit],
  );
}

/**
 * Rows (unit_code, n) whose sums per unit are how many tickets each unit has open and past their deadline at
 * `instant`, in their current state (the present, or a later instant): the flagged open tickets per unit, kept by
 * PostgreSQL in ticket_overdue_counts (migration OverdueCounts); plus the ones late at `instant` that no sweep has
 * flagged yet (the sweep's own work list, idx_tickets_overdue_watch); minus the flagged ones whose deadline is not
 * before `instant` (an instant before the last sweep; idx_tickets_flagged_due). Each part reads about one row per unit
 * or a few index entries, whatever the number of late tickets.
 */
function currentOverdueCountsSql(instant: string): string {
  return `SELECT nullif(c.unit_key, '') AS unit_code, c.n FROM ticket_overdue_counts c
          UNION ALL
          SELECT t.assigned_unit_code, 1 FROM tickets t
           WHERE t.status IN (${OPEN_LITERALS}) AND t.overdue_for_due_at IS DISTINCT FROM t.due_at AND t.due_at < ${instant}
          UNION ALL
          SELECT t.assigned_unit_code, -1 FROM tickets t
           WHERE t.status IN (${OPEN_LITERALS}) AND t.overdue_for_due_at = t.due_at AND t.due_at >= ${instant}`;
}

/**
 * Folds the rows of ticket_overdue_counts into one per unit (units at zero disappear; a unit with one row is left
 * alone, so an idle minute writes nothing), in one statement: the rows
 * another transaction appends meanwhile are not in its snapshot and stay. Run by the sweep's tick, so that the table
 * stays about one row per unit. Returns how many rows it folded.
 */
export async function compactOverdueCounts(m: EntityManager): Promise<number> {
  const [{ n }] = await m.query(
    `WITH folded AS (SELECT unit_key FROM ticket_overdue_counts GROUP BY unit_key HAVING count(*) > 1),
          gone AS (DELETE FROM ticket_overdue_counts WHERE unit_key IN (SELECT unit_key FROM folded) RETURNING unit_key, n),
          kept AS (INSERT INTO ticket_overdue_counts (unit_key, n)
                   SELECT unit_key, sum(n)::int FROM gone GROUP BY unit_key HAVING sum(n) <> 0)
     SELECT count(*)::int AS n FROM gone`);
  return n;
}

/** Subtree of a leader's unit, as SQL over units (used to narrow the overdue list). */
const SUBTREE = `SELECT code FROM (WITH RECURSIVE sub AS (SELECT code FROM units WHERE code = $2::varchar
  UNION ALL SELECT u.code FROM units u JOIN sub ON u.parent_code = sub.code) SELECT code FROM sub) s`;

/**
 * One row of the overdue list: a late ticket in its unit's page (`in_page`), or a unit whose page is past its end
 * (`in_page` false, no ticket), each with the unit's count of late tickets.
 */
export interface OverdueListRow {
  unit_code: string | null; code: string; received_at: Date; due_at: Date; category_code: string | null; status: string;
  unit_count: number; in_page: boolean;
}

export interface OverdueListScope {
  /**
   * `at` is the present (the list of "now"): the state to read is the tickets' current one, so the counts come from
   * ticket_overdue_counts (see currentOverdueCountsSql) instead of every late ticket's span.
   */
  current?: boolean;
  /** A leader's unit: only its subtree (null: every unit). */
  subtreeOf: string | null;
  /** Only this unit ('' for the tickets with no unit); undefined: every unit. */
  unit?: string;
  page: number;
  pageSize: number;
}

/**
 * Every unit with tickets open and past their deadline at `at` (status, unit and deadline in force at that instant,
 * from the state spans), with how many, and one page of its tickets in deadline order. The counts are exact; only
 * one page of tickets per unit leaves the database, whatever the number late. Read in the caller's transaction (a
 * REPEATABLE READ one, so that counts and pages agree).
 */
export async function overdueListRows(m: EntityManager, at: Date, scope: OverdueListScope): Promise<OverdueListRow[]> {
  const { page, pageSize } = scope;
  // one unit (or the tickets with no unit, ''), within a leader's subtree
  const only = scope.unit === undefined ? '$3::varchar IS NULL' : scope.unit === '' ? '$3::varchar IS NOT NULL AND s.unit_code IS NULL' : 's.unit_code = $3::varchar';
  const within = `($2::varchar IS NULL OR s.unit_code IN (${SUBTREE}))`;
  // the count of each unit's late tickets: for the present, from the kept counts; for a past instant, index-only over
  // the spans in force then (overdueSpansSql)
  const counts: Array<{ unit_code: string | null; n: number }> = await m.query(
    scope.current
      ? `SELECT s.unit_code, sum(s.n)::int AS n FROM (${currentOverdueCountsSql('$1')}) s WHERE ${within} AND ${only} GROUP BY s.unit_code HAVING sum(s.n) > 0`
      : `SELECT l.unit_code, count(*)::int AS n FROM (${overdueSpansSql('$1', 's.unit_code', `${within} AND ${only}`)}) l GROUP BY l.unit_code`,
    [at, scope.subtreeOf, scope.unit ?? null],
  );
  if (!counts.length) return [];
  // then one page per unit, read in deadline order from the same index, and only those rows joined to tickets
  const codes = counts.filter((c) => c.unit_code !== null).map((c) => c.unit_code);
  // ordered as the index is (unit_code first): for the tickets with no unit, "unit_code IS NULL" does not tell the
  // planner that the index gives them in deadline order, and it would sort all of them for a page
  const pageOf = (unit: string) => `SELECT x.ticket_id, x.unit_code, x.due_at, x.status
      FROM (${overdueSpansSql('$1', 's.ticket_id, s.unit_code, s.due_at, s.status', unit, 'ORDER BY s.unit_code, s.due_at, s.ticket_id LIMIT $3::int + $4::int')}) x
     ORDER BY x.due_at, x.ticket_id OFFSET $3::int LIMIT $4::int`;
  const pages: Array<{ ticket_id: string; unit_code: string | null; due_at: Date; status: string }> = await m.query(
    `SELECT * FROM (SELECT p.* FROM unnest($2::varchar[]) u(code) CROSS JOIN LATERAL (${pageOf('s.unit_code = u.code')}) p
     ${counts.some((c) => c.unit_code === null) ? `UNION ALL (${pageOf('s.unit_code IS NULL')})` : ''}) q
     ORDER BY q.unit_code, q.due_at, q.ticket_id`,
    [at, codes, (page - 1) * pageSize, pageSize],
  );
  const tickets: Array<{ id: string; code: string; received_at: Date; category_code: string | null }> = pages.length
    ? await m.query(`SELECT id, code, received_at, category_code FROM tickets WHERE id = ANY($1::uuid[])`, [pages.map((p) => p.ticket_id)])
    : [];
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const countOf = new Map(counts.map((c) => [c.unit_code, c.n]));
  // every unit with late tickets comes back, with its count, even when its page is past its end
  const empty = counts.filter((c) => !pages.some((p) => p.unit_code === c.unit_code))
    .map((c) => ({ unit_code: c.unit_code, code: '', received_at: at, due_at: at, category_code: null, status: '', unit_count: c.n, in_page: false }));
  return [
    ...pages.map((p) => {
      const t = byId.get(p.ticket_id)!;
      return { unit_code: p.unit_code, code: t.code, received_at: t.received_at, due_at: p.due_at, category_code: t.category_code, status: p.status, unit_count: countOf.get(p.unit_code)!, in_page: true };
    }),
    ...empty,
  ];
}
