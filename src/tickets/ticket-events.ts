import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../common/auth-user.js';
import { displayName } from '../common/auth-user.js';
import { TicketEvent } from './ticket-event.entity.js';
import type { TicketStatus } from './ticket.entity.js';

/** Who caused a change: a signed-in user, or the system / a citizen (no user id). */
export interface Actor {
  id: string | null;
  name: string;
}

export const actorOf = (u: AuthUser): Actor => ({ id: u.id, name: displayName(u) });
export const SYSTEM_ACTOR: Actor = { id: null, name: 'Hệ thống' };

export interface EventInput {
  ticketId: string;
  type: string;
  at: Date;
  actor: Actor;
  fromStatus?: TicketStatus | null;
  toStatus?: TicketStatus | null;
  fromUnitCode?: string | null;
  toUnitCode?: string | null;
  /** The deadline in force after a state event (one with toStatus). */
  dueAt?: Date | null;
  note?: string | null;
  internal?: boolean;
  data?: Record<string, unknown>;
}

/** The row an event is stored as: the one definition of its columns, for `recordEvent` and for statements that write it. */
export function eventRow(e: EventInput) {
  return {
    ticketId: e.ticketId,
    type: e.type,
    at: e.at,
    actorId: e.actor.id,
    actorName: e.actor.name,
    fromStatus: e.fromStatus ?? null,
    toStatus: e.toStatus ?? null,
    fromUnitCode: e.fromUnitCode ?? null,
    toUnitCode: e.toUnitCode ?? null,
    dueAt: e.dueAt ?? null,
    note: e.note ?? null,
    internal: e.internal ?? false,
    data: e.data ?? {},
  };
}

/** Writes one ticket event; callers pass the manager of the transaction that makes the change. */
export async function recordEvent(m: EntityManager, e: EventInput): Promise<void> {
  // TypeORM's deep-partial type does not fit a jsonb record
  await m.insert(TicketEvent, eventRow(e) as never);
}

const EVENT_COLUMNS: Array<[keyof ReturnType<typeof eventRow>, string, string]> = [
  ['ticketId', 'ticket_id', 'uuid'], ['type', 'type', 'varchar'], ['at', 'at', 'timestamptz'], ['actorId', 'actor_id', 'uuid'],
  ['actorName', 'actor_name', 'varchar'], ['fromStatus', 'from_status', 'varchar'], ['toStatus', 'to_status', 'varchar'],
  ['fromUnitCode', 'from_unit_code', 'varchar'], ['toUnitCode', 'to_unit_code', 'varchar'], ['dueAt', 'due_at', 'timestamptz'],
  ['note', 'note', 'text'], ['internal', 'internal', 'boolean'], ['data', 'data', 'jsonb'],
];

/**
 * The same row as `recordEvent` writes, for a statement that writes the event along with its change
 * (`INSERT INTO ticket_events (${columns}) SELECT ${values} FROM …`): `param` numbers and types each value's
 * placeholder; `data` may extend the data's expression (jsonb) with what the statement itself finds.
 */
export function eventInsertParts(e: EventInput, param: (value: unknown, type: string) => string, data: (placeholder: string) => string = (d) => d): { columns: string; values: string } {
  const row = eventRow(e);
  return {
    columns: EVENT_COLUMNS.map(([, column]) => column).join(', '),
    values: EVENT_COLUMNS.map(([key, , type]) => (key === 'data' ? data(param(JSON.stringify(row.data), type)) : param(row[key], type))).join(', '),
  };
}
