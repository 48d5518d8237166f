import type { EntityManager } from 'typeorm';
import type { Actor } from './ticket-events.js';
import { OPEN_STATUSES } from './ticket.entity.js';

/**
 * The tickets' side of a unit's reorganisation (src/directory/directory.service.ts): how many open tickets a unit
 * holds (it may not be deactivated while it holds any), and the move of its open tickets to its successor when it is
 * merged. Both run in the caller's transaction (`m`), the one that locks and changes the units.
 */

/** How many tickets assigned to `unitCode` are open. */
export async function countOpenTicketsOfUnit(m: EntityManager, unitCode: string): Promise<number> {
  const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM tickets WHERE assigned_unit_code = $1 AND status = ANY($2)`, [unitCode, OPEN_STATUSES]);
  return n;
}

export interface UnitMerge {
  from: string;
  into: string;
  at: Date;
  actor: Actor;
  /** The events' note ("Sáp nhập … vào …"). */
  note: string;
}

/**
 * Moves every open ticket of `from` to `into`, version raised, each with a "unit_merged" event, in one statement;
 * closed tickets keep the unit that handled them. Returns how many moved.
 */
export async function moveOpenTicketsToUnit(m: EntityManager, merge: UnitMerge): Promise<number> {
  const [{ moved }] = await m.query(
    `WITH moved AS (
       UPDATE tickets SET assigned_unit_code = $2, version = version + 1, updated_at = $3
        WHERE assigned_unit_code = $1 AND status = ANY($4)
       RETURNING id, status, due_at),
     ev AS (
       INSERT INTO ticket_events (ticket_id, type, at, actor_id, actor_name, from_status, to_status, from_unit_code, to_unit_code, due_at, note)
       -- never before the ticket's last event, so that the history's order is the order of the changes even
       -- when a change committed while this statement waited for the row
       SELECT id, 'unit_merged', GREATEST($3::timestamptz, (SELECT max(e.at) FROM ticket_events e WHERE e.ticket_id = moved.id)),
              $5, $6, status, status, $1, $2, due_at, $7 FROM moved
       RETURNING 1)
     SELECT count(*)::int AS moved FROM ev`,
    [merge.from, merge.into, merge.at, OPEN_STATUSES, merge.actor.id, merge.actor.name, merge.note],
  );
  return moved;
}

/** Open tickets of a unit with no successor, sent back to the coordinators' queue (returnOpenTicketsToQueue). */
export interface QueueReturn {
  unitCode: string;
  at: Date;
  actor: { id: string | null; name: string };
  /** The events' note, the reason a coordinator reads. */
  note: string;
  data: Record<string, unknown>;
}

/**
 * The open tickets of a unit that has no successor go back to the coordinators' queue: status 'received', no unit,
 * version raised, each with a 'returned' event saying why (the queue's "returned" view shows the reason), in one
 * statement; closed tickets keep the unit that handled them. The counterpart of moveOpenTicketsToUnit.
 */
export async function returnOpenTicketsToQueue(m: EntityManager, r: QueueReturn): Promise<number> {
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
    [r.unitCode, r.at, OPEN_STATUSES, r.actor.id, r.actor.name, r.note, JSON.stringify(r.data)],
  );
  return n;
}

