import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../common/auth-user.js';
import { conflict } from '../common/errors.js';
import { recordEvent, type Actor } from './ticket-events.js';
import { Ticket } from './ticket.entity.js';

/** Who may extend a ticket's deadline: coordinators and admins (the API refuses others, the pages hide the form). */
export const DEADLINE_EXTENSION_ROLES: readonly AuthUser['role'][] = ['coordinator', 'admin'];

export interface DeadlineExtension {
  dueAt: Date;
  warnAt: Date;
  at: Date;
  actor: Actor;
  reason: string;
  /** The unit's request this extension approves, if any. */
  requestId?: string;
}

/**
 * Gives `t` (as read in the transaction of `m`) a new deadline: its row, version raised, if nobody changed it since it
 * was read (409 otherwise), and its "deadline_extended" event, in the caller's transaction.
 */
export async function applyDeadlineExtension(m: EntityManager, t: Ticket, e: DeadlineExtension): Promise<void> {
  // a ticket flagged overdue is no longer overdue under the new deadline (the sweep flags it again, with its own
  // event and notice, if that one passes too): overdueAt must not go on showing the old deadline; the version column
  // goes up with the update (TypeORM's @VersionColumn)
  const res = await m.createQueryBuilder().update(Ticket).set({ dueAt: e.dueAt, warnAt: e.warnAt, overdueAt: null, updatedAt: e.at })
    .where('id = :id AND version = :version', { id: t.id, version: t.version }).execute();
  if (res.affected !== 1) throw conflict('STALE_VERSION', 'Phản ánh vừa được người khác cập nhật; vui lòng tải lại và thử lại.', { currentStatus: t.status });
  await recordEvent(m, {
    ticketId: t.id, type: 'deadline_extended', at: e.at, actor: e.actor,
    fromStatus: t.status, toStatus: t.status, fromUnitCode: t.assignedUnitCode, toUnitCode: t.assignedUnitCode,
    dueAt: e.dueAt, note: e.reason, data: { previousDueAt: t.dueAt?.toISOString() ?? null, dueAt: e.dueAt.toISOString(), ...(e.requestId ? { requestId: e.requestId } : {}) },
  });
}
