/**
 * Each ticket's state at an instant — status, unit and deadline in force — from its last state event at or before
 * that instant (every change writes one, carrying the deadline). The overdue list and the official report read
 * the past through this one definition, so a past instant gives the same answer later.
 *
 * `instant` is the SQL placeholder of the instant, e.g. '$1'. Columns: ticket_id, status, unit_code, due_at, data.
 */
export function stateAtSql(instant: string): string {
  return `SELECT DISTINCT ON (e.ticket_id) e.ticket_id, e.to_status AS status, e.to_unit_code AS unit_code, e.due_at, e.data
            FROM ticket_events e
           WHERE e.at <= ${instant} AND e.to_status IS NOT NULL
           ORDER BY e.ticket_id, e.at DESC, e.id DESC`;
}
