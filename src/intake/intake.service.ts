import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Settings } from '../../config/settings.js';
import { Clock } from '../common/clock.js';
import type { AuthUser } from '../common/auth-user.js';
import { forbidden } from '../common/errors.js';
import type { CreateTicketDto } from '../tickets/dto/ticket.dto.js';
import { canCreateTickets } from '../tickets/ticket-access.js';
import { actorOf, type Actor } from '../tickets/ticket-events.js';
import { TicketLifecycle, type ComplaintInput } from '../tickets/ticket-lifecycle.js';
import { CHANNEL_LABELS } from '../tickets/ticket-state.js';
import type { Ticket } from '../tickets/ticket.entity.js';
import { TicketsService } from '../tickets/tickets.service.js';
import type { KeepFiles, NewAttachmentFile } from '../attachments/stored-attachments.service.js';
import { CitizenReplyService } from './citizen-reply.service.js';
import type { NormalizedComplaint } from './normalized-complaint.js';
import { StaffIdempotencyService, type StaffOutcome, type StaffRequest } from './staff-idempotency.service.js';

/**
 * A complaint from a channel (chat, mail, the citizen app, the web form), normalised by its adapter, with what the
 * channel may know besides.
 */
export interface InboundMessage extends Omit<NormalizedComplaint, 'recipientId' | 'senderId' | 'externalId'> {
  /**
   * What names this delivery: the platform's message id (a redelivery changes nothing), or the idempotency key of a
   * request (a repetition gets the first one's ticket); null: none (every delivery is a new complaint).
   */
  externalId: string | null;
  /** Who sent it on the channel (a chat user, a mail address): their open ticket on the channel is continued; null: nobody known. */
  senderId: string | null;
  recipientId?: string | null;
  /** The name the ticket's 'created' event gives its author (default: the reporter's name, else the channel's). */
  actorName?: string;
  /** Files to keep with the ticket (photos, mail attachments), in the attachment store, in its transaction. */
  files?: Array<Omit<NewAttachmentFile, 'ticketId'>>;
  reporterPhone?: string | null;
  reporterEmail?: string | null;
  areaCode?: string | null;
  categoryCode?: string | null;
  address?: string | null;
  /** Text that may carry a ticket code (a mail subject): a reply to that ticket joins it. */
  codeHint?: string | null;
}

export type IntakeOutcome = { ticketCode: string; outcome: 'created' | 'appended' | 'duplicate' };

/**
 * The way a channel's complaint becomes a ticket: a message seen before, a conversation going on, or a new ticket
 * (written by TicketLifecycle, which checks the references, routes, sets the deadline and records the event). A
 * citizen's delivery is matched on its source (`receive`); a staff request on its `Idempotency-Key` (`onceForStaff`):
 * every keyed staff write (POST /api/tickets, a call's ticket, the console's addition to a ticket) goes through here.
 */
@Injectable()
export class IntakeService {
  constructor(
    private readonly tickets: TicketLifecycle,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly replies: CitizenReplyService,
    private readonly views: TicketsService,
    private readonly idempotency: StaffIdempotencyService,
  ) {}

  /**
   * The pipeline's request check for staff, as `receive`'s source check is for citizens: runs `write` (which makes or
   * adds to one ticket and says which) once per account and `Idempotency-Key`, in the key's transaction
   * (StaffIdempotencyService, the owner of `staff_idempotency_keys`); a repetition writes nothing and names the first
   * one's ticket (created: false). Without a key `write` just runs (`opts.transaction`: in a transaction of its own).
   * Every keyed staff write comes here, so the check is written once whoever takes the request.
   */
  onceForStaff<T>(
    request: StaffRequest,
    write: (m: EntityManager) => Promise<{ ticketId: string; value: T }>,
    opts: { transaction: boolean },
  ): Promise<StaffOutcome<T>> {
    return this.idempotency.once(request, write, opts);
  }

  /**
   * A ticket an operator (or a coordinator) logs from a call or a visit (`POST /api/tickets`); with an idempotency key,
   * once (onceForStaff): a repetition creates nothing and gets the ticket as it is now (created: false).
   */
  async createForStaff(user: AuthUser, dto: CreateTicketDto, idempotencyKey: string | null = null) {
    if (!canCreateTickets(user)) throw forbidden();
    const outcome = await this.onceForStaff(
      { user, key: idempotencyKey, request: { route: 'POST /api/tickets', body: dto } },
      async (m) => {
        const created = await this.tickets.create(m, dto, actorOf(user));
        return { ticketId: created.ticket.id, value: created };
      },
      // its one write is a statement of its own, holding the unit it gives the ticket to: no transaction to open
      { transaction: false },
    );
    return outcome.created
      ? { created: true, ticket: this.views.viewOfCreated(outcome.value, user) }
      : { created: false, ticket: await this.views.get(user, outcome.ticketCode) };
  }

  /**
   * The one way in for a citizen's complaint, whatever the channel (in the caller's transaction `m`; `keep` records
   * the message's files, see StoredAttachments.transaction). A delivery seen before (its message id, or its request's
   * idempotency key) changes nothing and names the first one's ticket; a message from a sender with an open ticket on
   * the same channel (within CONVERSATION_DAYS), or a reply naming a ticket code, joins that ticket; anything else
   * becomes a new ticket (waiting for a coordinator when it lacks a category or area) and the citizen gets an
   * acknowledgement with the code on the same channel. The files and the platform's links are kept with the ticket.
   */
  async receive(m: EntityManager, msg: InboundMessage, keep?: KeepFiles): Promise<IntakeOutcome> {
    // one sender (or one request) at a time: a redelivery, a repetition and two quick messages are decided one after the other
    const lockedOn = msg.senderId ?? msg.externalId;
    if (lockedOn !== null) await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`intake:${msg.channel}:${lockedOn}`]);
    const seen = msg.externalId !== null ? await this.tickets.ticketCodeOfSource(m, msg.channel, msg.externalId) : null;
    if (seen) return { ticketCode: seen, outcome: 'duplicate' };
    const since = new Date(this.clock.now().getTime() - this.settings.CONVERSATION_DAYS * 86_400_000);
    const existing = msg.senderId !== null ? await this.tickets.conversationTicket(m, { ...msg, senderId: msg.senderId }, since) : null;
    const source = { channel: msg.channel, externalId: msg.externalId, senderId: msg.senderId, recipientId: msg.recipientId ?? null, receivedAt: msg.receivedAt };
    const keepWith = async (ticketId: string) => {
      await this.tickets.linkAttachments(m, ticketId, msg.attachments);
      if (msg.files?.length) {
        if (!keep) throw new Error('files to keep, but no attachment store transaction to keep them in');
        await keep(msg.files.map((f) => ({ ...f, ticketId })));
      }
    };
    if (existing) {
      await this.tickets.recordSource(m, existing.id, source);
      await keepWith(existing.id);
      await this.tickets.addCitizenMessage(m, existing.id, {
        actorName: msg.reporterName ?? `Người dân qua ${CHANNEL_LABELS[msg.channel]}`,
        content: msg.content, data: { channel: msg.channel, externalId: msg.externalId, attachments: msg.attachments },
      });
      return { ticketCode: existing.code, outcome: 'appended' };
    }
    const ticket = await this.createTicket(m, {
      channel: msg.channel,
      reporterName: msg.reporterName ?? `Người dân qua ${CHANNEL_LABELS[msg.channel]}`,
      reporterPhone: msg.reporterPhone,
      reporterEmail: msg.reporterEmail,
      areaCode: msg.areaCode,
      categoryCode: msg.categoryCode,
      address: msg.address,
      content: msg.content,
    }, { id: null, name: msg.actorName ?? msg.reporterName ?? CHANNEL_LABELS[msg.channel] });
    // without a message id or key there is nothing a redelivery could be matched with
    if (msg.externalId !== null) await this.tickets.recordSource(m, ticket.id, source);
    await keepWith(ticket.id);
    await this.replies.ack(m, ticket, source);
    return { ticketCode: ticket.code, outcome: 'created' };
  }

  /** A new ticket from a complaint (TicketLifecycle.create): routed, with its deadline and its 'created' event. */
  async createTicket(m: EntityManager, input: ComplaintInput, actor: Actor): Promise<Ticket> {
    return (await this.tickets.create(m, input, actor)).ticket;
  }
}
