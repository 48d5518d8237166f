import { CHANNEL_LABELS, chatReplyWindowMs, isChatChannel } from '../tickets/channels.js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Settings } from '../../config/settings.js';
import { Clock } from '../common/clock.js';
import { OutboxService, type EmailPayload, type OutboxEntry } from '../notifications/outbox.service.js';
import { TicketLifecycle } from '../tickets/ticket-lifecycle.js';
import { TicketListeners, type ExplainedTicket, type ExtendedTicket } from '../tickets/ticket-listeners.js';
import { FeedbackLinks } from './public/feedback-link.js';
import { formatDateTimeVi } from '../common/vn-time.js';
import { findTicketById } from '../tickets/ticket-lookups.js';
import { answerRecipients, type AnswerRecipientRow } from '../tickets/ticket-sources.js';
import type { Channel, TicketStatus } from '../tickets/ticket.entity.js';
import { duplicateOutcomeText, sameReporter } from './public/duplicate-outcome.js';

const trackUrl = (publicUrl: string) => `${publicUrl.replace(/\/$/, '')}/tra-cuu`;

/**
 * Answers citizens on the channel they used: an acknowledgement with the tracking code when a ticket is created,
 * and the answer when it is resolved. The citizens of tickets merged into it as duplicates are told too: the answer
 * itself when their ticket is the same reporter's (phone), otherwise only the outcome in a neutral sentence (the
 * answer is written to another citizen and may name them: see duplicate-outcome.ts). Every reply is an outbox row
 * written with its cause; delivery happens afterwards.
 */
@Injectable()
export class CitizenReplyService implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly listeners: TicketListeners,
    private readonly tickets: TicketLifecycle,
    private readonly links: FeedbackLinks,
  ) {}

  /**
   * A ticket answered (resolved, or merged into one answered): its citizens get the answer; a ticket given a new
   * deadline: its citizen is told the date. In the change's transaction.
   */
  onModuleInit(): void {
    this.listeners.onAnswered((m, t) => this.answer(m, t, t.unitName));
    this.listeners.onDeadlineExtended((m, t) => this.extended(m, t));
    this.listeners.onExplained((m, t) => this.explained(m, t));
  }

  ackText(code: string): string {
    return `Tổng đài 1022 đã tiếp nhận phản ánh của bạn. Mã phản ánh: ${code}. `
      + `Bạn có thể tra cứu tình hình xử lý tại ${trackUrl(this.settings.PUBLIC_URL)} bằng mã phản ánh và số điện thoại. Xin cảm ơn!`;
  }

  /** The answer; `tail` (the question about the answer) is kept whole, the resolution shortened to fit a message. */
  answerText(code: string, unitName: string | null, resolution: string, tail = ''): string {
    const head = `Phản ánh ${code} của bạn đã được ${unitName ?? 'cơ quan chức năng'} xử lý. Kết quả: `;
    const room = 1900 - head.length - tail.length;
    return head + (resolution.length > room ? `${resolution.slice(0, room - 1)}…` : resolution) + tail;
  }

  /** What follows the answer to the ticket's own citizen: was it settled, and a rating, through the signed link. */
  feedbackAsk(code: string, ticketId: string): string {
    return `\n\nViệc của bạn đã được giải quyết chưa? Mời bạn đánh giá kết quả (từ 1 đến 5 sao) tại: ${this.links.url(code, ticketId)}`;
  }

  /** A coordinator's explanation to a citizen who said the answer did not settle it. */
  explanationText(code: string, text: string): string {
    const head = `Về ý kiến của bạn đối với kết quả xử lý phản ánh ${code}: `;
    return head + (text.length > 1900 - head.length ? `${text.slice(0, 1900 - head.length - 1)}…` : text);
  }

  /** The outcome told to the citizen of a ticket merged into another citizen's: the kept ticket's state only. */
  duplicateText(code: string, keptStatus: TicketStatus): string {
    return `${duplicateOutcomeText(keptStatus).replace(/^Phản ánh của bạn/, `Phản ánh ${code} của bạn`)} `
      + `Bạn có thể tra cứu tình hình xử lý tại ${trackUrl(this.settings.PUBLIC_URL)} bằng mã phản ánh và số điện thoại.`;
  }

  /** Acknowledges a new ticket to its reporter on the channel it came from (or by e-mail when one was given). */
  async ack(m: EntityManager, ticket: { id: string; code: string; reporterEmail: string | null }, source: { channel: Channel; senderId: string | null; recipientId: string | null } | null): Promise<void> {
    const text = this.ackText(ticket.code);
    const entries: OutboxEntry[] = [];
    if (source && isChatChannel(source.channel) && source.senderId) {
      entries.push({ channel: source.channel, dedupeKey: `ack:${ticket.id}`, ticketId: ticket.id, payload: { recipient: source.senderId, pageId: source.recipientId, text } });
    } else {
      const email = source?.channel === 'email' ? source.senderId : ticket.reporterEmail;
      if (email) entries.push({ channel: 'email', dedupeKey: `ack:${ticket.id}`, ticketId: ticket.id, payload: this.mail(email, ticket.code, 'Tổng đài 1022 đã tiếp nhận phản ánh của bạn', text) as never });
    }
    await this.outbox.add(m, entries);
  }

  /**
   * Sends the resolution to the citizens of a ticket, and to those of every ticket merged into it: the resolution to
   * the same reporter, the neutral outcome to anyone else.
   */
  async answer(m: EntityManager, ticket: { id: string; code: string; resolution: string | null; resolvedAt: Date | null }, unitName: string | null): Promise<void> {
    if (!ticket.resolution) return;
    const rows = await answerRecipients(m, ticket.id);
    const now = this.clock.now();
    const stamp = ticket.resolvedAt?.getTime() ?? now.getTime();
    const entries: OutboxEntry[] = [];
    const kept = rows.some((r) => r.ticket_id !== ticket.id) ? await findTicketById(m, ticket.id) : null;
    // per merged ticket: may its citizen read the answer (same reporter's phone as the ticket kept)?
    const mayRead = new Map<string, boolean>();
    for (const r of rows) {
      if (r.ticket_id !== ticket.id && kept && !mayRead.has(r.ticket_id)) {
        const merged = await findTicketById(m, r.ticket_id);
        mayRead.set(r.ticket_id, merged !== null && sameReporter(merged, kept));
      }
      const readsAnswer = r.ticket_id === ticket.id || mayRead.get(r.ticket_id) === true;
      // the ticket's own citizen is asked whether the answer settled it (one rating per ticket)
      const tail = r.ticket_id === ticket.id ? this.feedbackAsk(r.code, r.ticket_id) : '';
      const text = readsAnswer ? this.answerText(r.code, unitName, ticket.resolution, tail) : this.duplicateText(r.code, kept?.status ?? 'resolved');
      const key = `answer:${r.ticket_id}:${stamp}:${r.channel}:${r.sender_id ?? ''}`;
      await this.replyTo(m, r, { key, title: 'Kết quả xử lý phản ánh', text, what: 'trả lời', now }, entries);
    }
    await this.outbox.add(m, entries);
  }

  /** Tells the citizen the coordinator's explanation, on the channel they used (or by e-mail when they gave one). */
  async explained(m: EntityManager, ticket: ExplainedTicket): Promise<void> {
    const now = this.clock.now();
    const text = this.explanationText(ticket.code, ticket.text);
    const entries: OutboxEntry[] = [];
    for (const r of (await answerRecipients(m, ticket.id)).filter((x) => x.ticket_id === ticket.id)) {
      const key = `explained:${r.ticket_id}:${now.getTime()}:${r.channel}:${r.sender_id ?? ''}`;
      await this.replyTo(m, r, { key, title: 'Trả lời ý kiến về kết quả xử lý', text, what: 'trả lời ý kiến', now }, entries);
    }
    await this.outbox.add(m, entries);
  }

  /** Tells the citizen of a ticket its new deadline, on the channel they used (or by e-mail when they gave one). */
  async extended(m: EntityManager, ticket: ExtendedTicket): Promise<void> {
    const now = this.clock.now();
    const text = `Phản ánh ${ticket.code} của bạn được gia hạn thời gian xử lý đến ${formatDateTimeVi(ticket.dueAt)}. `
      + `Bạn có thể tra cứu tình hình xử lý tại ${trackUrl(this.settings.PUBLIC_URL)} bằng mã phản ánh và số điện thoại.`;
    const entries: OutboxEntry[] = [];
    for (const r of (await answerRecipients(m, ticket.id)).filter((x) => x.ticket_id === ticket.id)) {
      const key = `extended:${r.ticket_id}:${ticket.dueAt.getTime()}:${r.channel}:${r.sender_id ?? ''}`;
      await this.replyTo(m, r, { key, title: 'Gia hạn xử lý phản ánh', text, what: 'thông báo gia hạn', now }, entries);
    }
    await this.outbox.add(m, entries);
  }

  /**
   * One reply to one recipient row: on its chat channel while the platform's reply window is open (past it, an
   * internal note says it could not be sent), otherwise by e-mail when there is an address.
   */
  private async replyTo(
    m: EntityManager, r: AnswerRecipientRow, reply: { key: string; title: string; text: string; what: string; now: Date }, entries: OutboxEntry[],
  ): Promise<void> {
    if (isChatChannel(r.channel) && r.sender_id) {
      const window = chatReplyWindowMs(r.channel)!;
      if (reply.now.getTime() - new Date(r.last_at).getTime() > window) {
        await this.tickets.addSystemNote(m, r.ticket_id, {
          type: 'reply_not_sent', at: reply.now,
          note: `Không gửi được ${reply.what} qua ${CHANNEL_LABELS[r.channel]}: đã quá ${window / 3600_000} giờ kể từ tin nhắn cuối của người dân; cần liên hệ bằng cách khác.`,
        });
        return;
      }
      entries.push({ channel: r.channel, dedupeKey: reply.key, ticketId: r.ticket_id, payload: { recipient: r.sender_id, pageId: r.recipient_id, text: reply.text } });
    } else {
      const email = r.channel === 'email' && r.sender_id ? r.sender_id : r.reporter_email;
      if (email) entries.push({ channel: 'email', dedupeKey: reply.key, ticketId: r.ticket_id, payload: this.mail(email, r.code, reply.title, reply.text) as never });
    }
  }

  private mail(to: string, code: string, title: string, text: string): EmailPayload {
    return { to: [to], subject: `[${code}] ${title}`, text: `Kính gửi Quý ông/bà,\n\n${text}\n\nTrân trọng,\nTổng đài 1022\n` };
  }
}
