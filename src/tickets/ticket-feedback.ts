import type { EntityManager } from 'typeorm';
import { conflict } from '../common/errors.js';
import { recordEvent, type Actor } from './ticket-events.js';
import { TicketFeedback, type FeedbackFollowUp, type FeedbackVia } from './ticket-feedback.entity.js';
import { Ticket } from './ticket.entity.js';

/** How long after its answer a ticket may be rated; a later answer changes nothing. */
export const FEEDBACK_DAYS = 30;

export interface FeedbackInput {
  settled: boolean;
  rating: number;
  reason: string | null;
  via: FeedbackVia;
  actor: Actor;
  at: Date;
}

/** Why a ticket cannot be rated now, or null when it can. */
export function feedbackClosedReason(t: Pick<Ticket, 'status' | 'resolvedAt' | 'duplicateOfId'>, now: Date): string | null {
  if (t.duplicateOfId) return 'Phản ánh này đã được gộp vào một phản ánh khác.';
  if ((t.status !== 'resolved' && t.status !== 'closed') || !t.resolvedAt) return 'Phản ánh này chưa có kết quả xử lý để đánh giá.';
  if (now.getTime() - t.resolvedAt.getTime() > FEEDBACK_DAYS * 86_400_000) return `Đã quá ${FEEDBACK_DAYS} ngày kể từ khi có kết quả xử lý; không còn nhận đánh giá.`;
  return null;
}

/**
 * The first answer about a ticket, kept with its event ("citizen_feedback") and the ticket's version raised; a repeated
 * or concurrent one writes nothing and answers false (the primary key decides).
 */
export async function insertFeedback(m: EntityManager, t: Ticket, f: FeedbackInput): Promise<boolean> {
  const rows: Array<{ ticket_id: string }> = await m.query(
    `INSERT INTO ticket_feedback (ticket_id, settled, rating, reason, via, recorded_by_id, recorded_by_name, answered_at, unit_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (ticket_id) DO NOTHING RETURNING ticket_id`,
    [t.id, f.settled, f.rating, f.reason, f.via, f.via === 'operator' ? f.actor.id : null, f.via === 'operator' ? f.actor.name : null, f.at, t.assignedUnitCode]);
  if (!rows.length) return false;
  await m.query(`UPDATE tickets SET version = version + 1, updated_at = $2 WHERE id = $1`, [t.id, f.at]);
  await recordEvent(m, {
    ticketId: t.id, type: 'citizen_feedback', at: f.at, actor: f.actor, note: f.reason,
    fromUnitCode: t.assignedUnitCode, toUnitCode: t.assignedUnitCode,
    data: { settled: f.settled, rating: f.rating, via: f.via },
  });
  return true;
}

export function feedbackOf(m: EntityManager, ticketId: string): Promise<TicketFeedback | null> {
  return m.findOneBy(TicketFeedback, { ticketId });
}

/** A "not settled" answer followed up by a coordinator (reopened, or explained); false when none waited. */
export async function markFollowedUp(m: EntityManager, ticketId: string, how: FeedbackFollowUp, at: Date): Promise<boolean> {
  const res = await m.createQueryBuilder().update(TicketFeedback).set({ followedUpAt: at, followUp: how })
    .where('ticket_id = :ticketId AND settled = false AND followed_up_at IS NULL', { ticketId }).execute();
  return res.affected === 1;
}

export const NOT_DISPUTED = () => conflict('NOT_DISPUTED', 'Người dân không báo chưa được giải quyết, hoặc điều phối viên đã xem xét rồi.');
