import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { displayName } from '../auth/auth-user.js';
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

/** Writes one ticket event; callers pass the manager of the transaction that makes the change. */
export async function recordEvent(m: EntityManager, e: EventInput): Promise<void> {
  await m.insert(TicketEvent, {
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
    // TypeORM's deep-partial type does not fit a jsonb record
    data: (e.data ?? {}) as never,
  });
}
