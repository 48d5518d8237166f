import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { badRequest, forbidden, notFound, type FieldProblem } from '../common/errors.js';
import { loadUnitRefs } from '../directory/unit-label.js';
import { findVisibleTicket } from '../tickets/ticket-access.js';
import { normalizeTicketCode } from '../tickets/ticket-code.js';
import { actorOf } from '../tickets/ticket-events.js';
import type { TicketFeedback } from '../tickets/ticket-feedback.entity.js';
import { feedbackClosedReason, feedbackOf } from '../tickets/ticket-feedback.js';
import { DISPUTE_ROLES, TicketLifecycle } from '../tickets/ticket-lifecycle.js';
import { findTicketByCode, findTicketById } from '../tickets/ticket-lookups.js';
import type { Ticket } from '../tickets/ticket.entity.js';
import { FeedbackLinks } from './public/feedback-link.js';

/** Who records a citizen's answer given on a call back: operators, and coordinators and admins. */
export const FEEDBACK_RECORDING_ROLES: readonly AuthUser['role'][] = ['operator', 'coordinator', 'admin'];

export interface FeedbackAnswer {
  settled: string;
  rating: string;
  reason: string;
}

export interface FeedbackFormState {
  code: string;
  unitName: string | null;
  answer: string | null;
  /** Why it cannot be rated now (too late, not answered), or null. */
  closed: string | null;
  /** The answer already given, if any (a second one changes nothing). */
  given: TicketFeedback | null;
}

const NOT_FOUND = () => notFound('Không tìm thấy phản ánh, hoặc đường dẫn đánh giá không đúng.');

/** The answer as typed: settled yes/no, a rating 1–5, a reason required when not settled (400 on each field otherwise). */
export function checkFeedback(a: FeedbackAnswer): { settled: boolean; rating: number; reason: string | null } {
  const problems: FieldProblem[] = [];
  if (a.settled !== 'yes' && a.settled !== 'no') problems.push({ field: 'settled', reason: 'vui lòng cho biết việc của bạn đã được giải quyết hay chưa' });
  const rating = Number(a.rating);
  if (!/^[1-5]$/.test(a.rating.trim())) problems.push({ field: 'rating', reason: 'vui lòng chấm điểm từ 1 đến 5 sao' });
  const reason = a.reason.trim().slice(0, 2000);
  if (a.settled === 'no' && !reason) problems.push({ field: 'reason', reason: 'vui lòng cho biết vì sao việc của bạn chưa được giải quyết' });
  if (problems.length) throw badRequest(problems);
  return { settled: a.settled === 'yes', rating, reason: reason || null };
}

/**
 * The citizen's answer to "did the answer settle it?" with a rating: through the signed link sent with the answer
 * (chat, e-mail, app) or shown on the tracking page (web, hotline), or recorded by an operator from a call back. One
 * answer per ticket: a repeated or late one changes nothing. "Not settled" waits in the coordinators' queue until a
 * coordinator reopens the ticket or explains (explain()).
 */
@Injectable()
export class CitizenFeedbackService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly lifecycle: TicketLifecycle,
    private readonly links: FeedbackLinks,
  ) {}

  private async byLink(code: string, key: string): Promise<Ticket> {
    const t = await findTicketByCode(this.ds.manager, normalizeTicketCode(code.slice(0, 40)));
    if (!t || !this.links.verify(t.id, key)) throw NOT_FOUND();
    return t;
  }

  /** What the link's page shows: the answer being rated, and whether it can still be rated. */
  async formState(code: string, key: string): Promise<FeedbackFormState> {
    const t = await this.byLink(code, key);
    const units = await loadUnitRefs(this.ds.manager, [t.assignedUnitCode]);
    return {
      code: t.code,
      unitName: t.assignedUnitCode ? units.get(t.assignedUnitCode)?.name ?? null : null,
      answer: t.resolution,
      closed: feedbackClosedReason(t, this.clock.now()),
      given: await feedbackOf(this.ds.manager, t.id),
    };
  }

  /** The citizen's answer through the link; false when one was already given (nothing changes). */
  async submitByCitizen(code: string, key: string, answer: FeedbackAnswer): Promise<boolean> {
    const t = await this.byLink(code, key);
    const checked = checkFeedback(answer);
    return this.ds.transaction(async (m) => {
      const fresh = (await findTicketById(m, t.id)) ?? t;
      const closed = feedbackClosedReason(fresh, this.clock.now());
      if (closed) return false;
      return this.lifecycle.recordFeedback(m, fresh, { ...checked, via: 'citizen', actor: { id: null, name: 'Người dân' }, at: this.clock.now() });
    });
  }

  /** An operator records what the citizen said on a call back. */
  async recordByOperator(user: AuthUser, code: string, answer: FeedbackAnswer): Promise<boolean> {
    if (!FEEDBACK_RECORDING_ROLES.includes(user.role)) throw forbidden('Chỉ tổng đài viên và điều phối viên ghi nhận đánh giá của người dân.');
    const checked = checkFeedback(answer);
    return this.ds.transaction(async (m) => {
      const t = await findVisibleTicket(m, user, code);
      const closed = feedbackClosedReason(t, this.clock.now());
      if (closed) throw badRequest([{ field: 'settled', reason: closed.replace(/\.$/, '') }]);
      return this.lifecycle.recordFeedback(m, t, { ...checked, via: 'operator', actor: actorOf(user), at: this.clock.now() });
    });
  }

  /** A coordinator answers "not settled" with an explanation sent to the citizen (the ticket is closed if resolved). */
  async explain(user: AuthUser, code: string, text: string, version?: number): Promise<{ code: string }> {
    if (!DISPUTE_ROLES.includes(user.role)) throw forbidden('Chỉ điều phối viên được trả lời ý kiến chưa hài lòng của người dân.');
    const explanation = text.trim().slice(0, 2000);
    if (!explanation) throw badRequest([{ field: 'text', reason: 'vui lòng ghi nội dung giải thích gửi người dân' }]);
    await this.ds.transaction(async (m) => {
      const t = await findVisibleTicket(m, user, code);
      await this.lifecycle.explainDispute(m, user, t, explanation, version);
    });
    return { code: normalizeTicketCode(code) };
  }

  /** The answer given about a ticket this user may read. */
  async feedbackFor(user: AuthUser, code: string): Promise<TicketFeedback | null> {
    const t = await findVisibleTicket(this.ds.manager, user, code);
    return feedbackOf(this.ds.manager, t.id);
  }

  /** The link to rate a ticket, for the tracking page (whoever holds the code and the phone). */
  linkFor(ticket: { id: string; code: string }): string {
    return this.links.href(ticket.code, ticket.id);
  }
}
