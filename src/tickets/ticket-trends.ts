import type { EntityManager } from 'typeorm';
import { OPEN_LITERALS } from './ticket-history.js';

/**
 * The tickets' side of the leadership dashboard (src/web/dashboard/): figures per report day over a period and per
 * unit, each series one set-based statement (never one query per day or per unit), read from the tickets and their
 * state spans (ticket-history.ts), so that a past period gives the same figures later.
 *
 * A report day is the window of the daily report: report day D runs from the cut-off of D-1 (exclusive) to the
 * cut-off of D (inclusive), Viet Nam time (Asia/Ho_Chi_Minh, no daylight saving: cut-offs are exactly 24 h apart),
 * as ReportService counts "received in the day". `reportDaySql` turns an instant into its report day in SQL.
 */

/** One figure per report day, `day` as 'YYYY-MM-DD'. */
export interface DayFigure {
  day: string;
  n: number;
}

/**
 * The report day of the instant `expr` for a cut-off at `hourParam` (an integer placeholder): its Viet Nam wall time
 * moved back by the cut-off hour and one microsecond, as a date, plus one. 16:00:00 on D is D's (the cut-off belongs
 * to the day it closes), 16:00:00.000001 is D+1's.
 */
export function reportDaySql(expr: string, hourParam: string): string {
  return `(((${expr}) AT TIME ZONE 'Asia/Ho_Chi_Minh') - make_interval(hours => ${hourParam}::int) - interval '1 microsecond')::date + 1`;
}

const asDayFigures = (rows: Array<{ day: string; n: number }>): DayFigure[] => rows.map((r) => ({ day: r.day, n: r.n }));

/**
 * Tickets received in (from, to] (two cut-offs) per report day: for each day the same count as the report's
 * "received in the day".
 * One range scan of the index on tickets.received_at (the period's tickets only, index-only when the visibility map
 * allows): about 1,400 rows a day at a million tickets over two years, whatever the size of the table. Days without
 * any are absent.
 */
export function receivedPerReportDay(m: EntityManager, from: Date, to: Date, cutoffHour: number): Promise<DayFigure[]> {
  return m.query(
    `SELECT to_char(${reportDaySql('t.received_at', '$3')}, 'YYYY-MM-DD') AS day, count(*)::int AS n
       FROM tickets t
      WHERE t.received_at > $1 AND t.received_at <= $2
      GROUP BY 1 ORDER BY 1`,
    [from, to, cutoffHour],
  ).then(asDayFigures);
}

/**
 * A unit's tickets handled in a period (handledInPeriod): how many, how many by their deadline, and of those how many
 * only by a deadline extended before they were handled (a coordinator's extension, or a unit's request approved).
 */
export interface HandledUnitRow {
  unit_code: string | null;
  handled: number;
  handled_on_time: number;
  handled_on_time_extended: number;
}

/**
 * The tickets handled in (from, to]: per report day, and per unit (the unit that held the ticket when it was handled),
 * with how many of those were handled by the deadline in force then. "Handled" is the moment a ticket entered
 * 'resolved' or 'closed' from an open state (a close after a resolution is not a second handling; a reopened ticket
 * handled again counts again, on the day it was).
 *
 * One statement: the open spans that ended in the period, a range scan of idx_ticket_state_spans_open_ended (partial,
 * by valid_to: the period's changes only), each joined to the span that followed it through
 * idx_ticket_state_spans_ticket (ticket_id, valid_from), kept when that span is a handling; then both groupings at
 * once (GROUPING SETS). It reads what changed in the period, not the tickets' whole history: at 200,000 generated
 * tickets, 14,000 spans for 30 days (about 70,000 at a million); each handling looks for an extension before it
 * through idx_ticket_events_ticket_at (ticket_id, at). Its total equals the count of the events that moved a
 * ticket from an open status to 'resolved' or 'closed' in the period. An index on the open spans' end that included
 * ticket_id and valid_from would make the first step index-only.
 */
export async function handledInPeriod(
  m: EntityManager, from: Date, to: Date, cutoffHour: number,
): Promise<{ perDay: DayFigure[]; perUnit: HandledUnitRow[] }> {
  const rows: Array<{ day: string | null; unit_code: string | null; per_unit: boolean; handled: number; handled_on_time: number; handled_on_time_extended: number }> = await m.query(
    `WITH handled AS (
       SELECT ${reportDaySql('o.valid_to', '$3')} AS day, h.unit_code, coalesce(h.handled_at <= h.due_at, false) AS on_time,
              EXISTS (SELECT 1 FROM ticket_events x
                       WHERE x.ticket_id = o.ticket_id AND x.type = 'deadline_extended' AND x.at <= h.handled_at) AS extended
         FROM ticket_state_spans o
         JOIN LATERAL (
           SELECT n.unit_code, n.due_at, n.handled_at
             FROM ticket_state_spans n
            WHERE n.ticket_id = o.ticket_id AND n.valid_from = o.valid_to
              AND n.status IN ('resolved', 'closed') AND n.handled_at = n.valid_from
            ORDER BY n.event_id LIMIT 1) h ON TRUE
        WHERE o.valid_to IS NOT NULL AND o.status IN (${OPEN_LITERALS})
          AND o.valid_to > $1 AND o.valid_to <= $2 AND o.valid_to > o.valid_from
     )
     SELECT to_char(day, 'YYYY-MM-DD') AS day, unit_code, GROUPING(day) = 1 AS per_unit,
            count(*)::int AS handled, count(*) FILTER (WHERE on_time)::int AS handled_on_time,
            count(*) FILTER (WHERE on_time AND extended)::int AS handled_on_time_extended
       FROM handled
      GROUP BY GROUPING SETS ((day), (unit_code))
      ORDER BY 1`,
    [from, to, cutoffHour],
  );
  return {
    perDay: rows.filter((r) => !r.per_unit).map((r) => ({ day: r.day!, n: r.handled })),
    perUnit: rows.filter((r) => r.per_unit).map((r) => ({
      unit_code: r.unit_code, handled: r.handled, handled_on_time: r.handled_on_time, handled_on_time_extended: r.handled_on_time_extended,
    })),
  };
}

/**
 * The open spans (alias `s`) of tickets received since `since` that may be in force at some instant up to `upTo`
 * with validity ending after `after`: two parts, each through its own partial index, as in overdueSpansSql
 * (ticket-history.ts): the spans still in force (idx_ticket_state_spans_open_now, read index-only: it includes
 * valid_from, received_at and status) and those that ended after `after` (idx_ticket_state_spans_open_ended, by
 * valid_to). Placeholders are SQL text ('$1'…).
 */
function openSpansSql(columns: string, after: string, upTo: string, since: string, where = 'TRUE'): string {
  const common = `s.status IN (${OPEN_LITERALS}) AND s.valid_from <= ${upTo} AND s.received_at <= ${upTo} AND s.received_at >= ${since} AND (${where})`;
  return `(SELECT ${columns} FROM ticket_state_spans s WHERE s.valid_to IS NULL AND ${common})
          UNION ALL
          (SELECT ${columns} FROM ticket_state_spans s
            WHERE s.valid_to IS NOT NULL AND s.valid_to > ${after} AND s.valid_to > s.valid_from AND ${common})`;
}

/**
 * The open tickets past their deadline at the cut-off of each report day from `firstDay` (cut-off `firstCutoff`) to the
 * one of `lastCutoff`, counted as ReportService counts "phiếu trễ hạn" (tickets received since `since`; the state in
 * force at the cut-off): the figure at the last day is the report's. At 200,000 generated tickets (60,000 open and
 * overdue) it was checked equal to the report's count at each of 30 cut-offs.
 *
 * One statement, one pass: every open span that was overdue at some cut-off of the period (the spans in force now,
 * and those ended after the first cut-off) gives the first and the last cut-off it counts at, as whole days after the
 * first cut-off: from the latest of its start, its deadline (strictly after) and its reception, to the last cut-off
 * before its end. Viet Nam keeps no daylight saving, so the cut-offs are exactly 86,400 s apart and that is arithmetic
 * on epoch seconds (a time zone conversion per span would cost three times the scan at 300,000 open tickets). The
 * spans are grouped by those two days (at most 30 × 30 groups), then spread over the days. What it reads grows with
 * the open tickets (as the report's own count does), not with the handled ones nor with the number of days.
 */
export function overduePerCutoff(m: EntityManager, firstDay: string, firstCutoff: Date, lastCutoff: Date, since: Date): Promise<DayFigure[]> {
  // whole days from the first cut-off ($2) to the instant `expr`, as a fraction
  const days = (expr: string) => `((extract(epoch FROM ${expr}) - extract(epoch FROM $2::timestamptz)) / 86400)`;
  return m.query(
    `WITH spans AS (
       SELECT greatest(ceil(${days('s.valid_from')}), floor(${days('s.due_at')}) + 1, ceil(${days('s.received_at')}))::int AS a,
              CASE WHEN s.valid_to IS NULL THEN $4::int ELSE ceil(${days('s.valid_to')})::int - 1 END AS b
         FROM (${openSpansSql('s.valid_from, s.valid_to, s.due_at, s.received_at', '$2', '$3', '$5', 's.due_at < $3')}) s
     ), pairs AS (
       SELECT greatest(a, 0) AS a, least(b, $4::int) AS b, count(*) AS n
         FROM spans GROUP BY 1, 2
     )
     SELECT to_char($1::date + k, 'YYYY-MM-DD') AS day, coalesce(sum(p.n), 0)::int AS n
       FROM generate_series(0, $4::int) k
       LEFT JOIN pairs p ON k BETWEEN p.a AND p.b
      GROUP BY k ORDER BY k`,
    [firstDay, firstCutoff, lastCutoff, Math.round((lastCutoff.getTime() - firstCutoff.getTime()) / 86_400_000), since],
  ).then(asDayFigures);
}

/** A unit's open tickets at an instant (openByUnitAt), and how many of them are past their deadline. */
export interface OpenUnitRow {
  unit_code: string | null;
  open: number;
  overdue: number;
}

/**
 * Per unit, the open tickets received since `since` at the instant `at`, and of them those past their deadline (the
 * report's per-unit overdue counts). One statement over the open spans in force at `at` (openSpansSql: the spans in
 * force now read index-only, the few ended since `at` by their end): it grows with the open tickets.
 */
export function openByUnitAt(m: EntityManager, at: Date, since: Date): Promise<OpenUnitRow[]> {
  return m.query(
    `SELECT s.unit_code, count(*)::int AS open, count(*) FILTER (WHERE s.due_at < $1)::int AS overdue
       FROM (${openSpansSql('s.unit_code, s.due_at', '$1', '$1', '$2')}) s
      GROUP BY s.unit_code`,
    [at, since],
  );
}

/** A unit's citizen answers about its resolutions in a period (feedbackInPeriod). */
export interface FeedbackUnitRow {
  unit_code: string | null;
  /** Answers received in the period. */
  answered: number;
  settled: number;
  not_settled: number;
  /** Sum of the ratings (1–5), for the mean. */
  rating_sum: number;
}

/**
 * The citizens' answers received in (from, to], per unit that answered the ticket (the unit when it was rated): how
 * many, how many said it was settled and how many not, and the ratings' sum. One range scan of ticket_feedback by its
 * answer time (a table of one row per rated ticket).
 */
export function feedbackInPeriod(m: EntityManager, from: Date, to: Date): Promise<FeedbackUnitRow[]> {
  return m.query(
    `SELECT unit_code, count(*)::int AS answered, count(*) FILTER (WHERE settled)::int AS settled,
            count(*) FILTER (WHERE NOT settled)::int AS not_settled, coalesce(sum(rating), 0)::int AS rating_sum
       FROM ticket_feedback WHERE answered_at > $1 AND answered_at <= $2
      GROUP BY unit_code`,
    [from, to]);
}
