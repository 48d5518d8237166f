import type { EntityManager } from 'typeorm';
import { conflict } from '../common/errors.js';
import { TicketExtensionRequest } from './extension-request.entity.js';
import { recordEvent, type Actor } from './ticket-events.js';
import { Ticket } from './ticket.entity.js';

const STALE = () => conflict('STALE_VERSION', 'Phản ánh vừa được người khác cập nhật; vui lòng tải lại và thử lại.');

export interface ExtensionAsk {
  at: Date;
  actor: Actor;
  dueAt: Date;
  reason: string;
}

export interface ExtensionDecision {
  at: Date;
  actor: Actor;
  note: string | null;
}

/** The ticket's version raised (a form shown before the change is told to reload), if it is still the one read. */
async function bumpVersion(m: EntityManager, t: Ticket, at: Date): Promise<void> {
  // the version column goes up with the update (TypeORM's @VersionColumn)
  const res = await m.createQueryBuilder().update(Ticket).set({ updatedAt: at })
    .where('id = :id AND version = :version', { id: t.id, version: t.version }).execute();
  if (res.affected !== 1) throw STALE();
}

/**
 * A unit asks for a new deadline: the request (one pending per ticket: a second, or one racing it, is refused with
 * 409), its "extension_requested" event and the ticket's version raised, in the caller's transaction. The deadline
 * in force does not change.
 */
export async function insertExtensionRequest(m: EntityManager, t: Ticket, ask: ExtensionAsk): Promise<TicketExtensionRequest> {
  const rows: Array<{ id: string }> = await m.query(
    `INSERT INTO ticket_extension_requests
       (ticket_id, status, requested_due_at, previous_due_at, reason, unit_code, requested_by_id, requested_by_name, requested_at)
     VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (ticket_id) WHERE status = 'pending' DO NOTHING RETURNING id`,
    [t.id, ask.dueAt, t.dueAt, ask.reason, t.assignedUnitCode, ask.actor.id, ask.actor.name, ask.at]);
  if (!rows.length) {
    throw conflict('EXTENSION_PENDING', 'Phản ánh này đã có một đề nghị gia hạn đang chờ điều phối viên xem xét.', { currentStatus: t.status });
  }
  await bumpVersion(m, t, ask.at);
  await recordEvent(m, {
    ticketId: t.id, type: 'extension_requested', at: ask.at, actor: ask.actor, internal: true,
    fromUnitCode: t.assignedUnitCode, toUnitCode: t.assignedUnitCode, note: ask.reason,
    data: { requestId: rows[0].id, requestedDueAt: ask.dueAt.toISOString(), previousDueAt: t.dueAt?.toISOString() ?? null },
  });
  return m.findOneByOrFail(TicketExtensionRequest, { id: rows[0].id });
}

/** The ticket's pending request, locked for the caller's transaction (its decision); null when there is none. */
export function lockPendingExtensionRequest(m: EntityManager, ticketId: string): Promise<TicketExtensionRequest | null> {
  return m.createQueryBuilder(TicketExtensionRequest, 'r').setLock('pessimistic_write')
    .where(`r.ticket_id = :ticketId AND r.status = 'pending'`, { ticketId }).getOne();
}

/** Marks the request approved with the deadline granted (the extension itself is applyDeadlineExtension's). */
export async function markExtensionApproved(m: EntityManager, r: TicketExtensionRequest, d: ExtensionDecision & { dueAt: Date }): Promise<void> {
  await m.update(TicketExtensionRequest, { id: r.id, status: 'pending' }, {
    status: 'approved', decidedById: d.actor.id, decidedByName: d.actor.name, decidedAt: d.at, grantedDueAt: d.dueAt, decisionNote: d.note,
  });
}

/** Declines the request with the coordinator's reason: its row, the ticket's version raised, its "extension_declined" event. */
export async function declineExtensionRequest(m: EntityManager, t: Ticket, r: TicketExtensionRequest, d: ExtensionDecision): Promise<void> {
  await m.update(TicketExtensionRequest, { id: r.id, status: 'pending' }, {
    status: 'declined', decidedById: d.actor.id, decidedByName: d.actor.name, decidedAt: d.at, decisionNote: d.note,
  });
  await bumpVersion(m, t, d.at);
  await recordEvent(m, {
    ticketId: t.id, type: 'extension_declined', at: d.at, actor: d.actor, internal: true,
    fromUnitCode: t.assignedUnitCode, toUnitCode: t.assignedUnitCode, note: d.note,
    data: { requestId: r.id, requestedDueAt: r.requestedDueAt.toISOString() },
  });
}

/** A ticket's requests, newest first (the ticket page shows the pending one, or the last decided). */
export function extensionRequestsOf(m: EntityManager, ticketId: string): Promise<TicketExtensionRequest[]> {
  return m.find(TicketExtensionRequest, { where: { ticketId }, order: { requestedAt: 'DESC' } });
}
