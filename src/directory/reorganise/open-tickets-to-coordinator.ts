import type { EntityManager } from 'typeorm';

/**
 * The open tickets of a unit that has no successor go back to the coordinators' queue: status 'received', no unit,
 * version raised, each with a 'returned' event saying why (so the queue's "returned" view shows the reason), in one
 * statement; closed tickets keep the unit that handled them. The counterpart of src/tickets/ticket-unit-moves.ts's
 * moveOpenTicketsToUnit, written the same way; it belongs next to it, with the tickets' other writes, and sits here
 * only because the reorganisation was built while src/tickets was being changed by others.
 */
export interface QueueReturn {
  unitCode: string;
  at: Date;
  actor: { id: string | null; name: string };
  /** The events' note, the reason a coordinator reads. */
  note: string;
  data: Record<string, unknown>;
}

const OPEN = ['received', 'assigned', 'in_progress'];

export async function returnOpenTicketsToCoordinator(m: EntityManager, r: QueueReturn): Promise<number> {
  const [{ n }] = await m.query(
    `WITH cur AS (
       SELECT id, status FROM tickets WHERE assigned_unit_code = $1 AND status = ANY($3) ORDER BY id FOR UPDATE),
     back AS (
       UPDATE tickets t SET assigned_unit_code = NULL, status = 'received', version = t.version + 1, updated_at = $2
         FROM cur WHERE t.id = cur.id
       RETURNING t.id, cur.status AS from_status, t.due_at),
     ev AS (
       INSERT INTO ticket_events (ticket_id, type, at, actor_id, actor_name, from_status, to_status, from_unit_code, to_unit_code, due_at, note, data)
       SELECT id, 'returned', GREATEST($2::timestamptz, (SELECT max(e.at) FROM ticket_events e WHERE e.ticket_id = back.id)),
              $4, $5, from_status, 'received', $1, NULL, due_at, $6, $7::jsonb FROM back
       RETURNING 1)
     SELECT count(*)::int AS n FROM ev`,
    [r.unitCode, r.at, OPEN, r.actor.id, r.actor.name, r.note, JSON.stringify(r.data)],
  );
  return n;
}

