import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { badRequest, type FieldProblem } from '../common/errors.js';
import { normalizeVietnamesePhone } from '../common/phone.js';
import { foldText } from '../common/text.js';
import { Area } from '../directory/area.entity.js';
import { Category } from '../directory/category.entity.js';
import { RoutingService } from '../routing/routing.service.js';
import { DeadlineService } from '../sla/deadline.service.js';
import { newTicketCode } from '../tickets/ticket-code.js';
import { recordEvent, type Actor } from '../tickets/ticket-events.js';
import { areaNamesFor, ticketSearchText } from '../tickets/ticket-view.js';
import { OPEN_STATUSES, Ticket, type Channel } from '../tickets/ticket.entity.js';
import { TICKET_CODE_PATTERN } from '../tickets/ticket-code.js';
import { CHANNEL_LABELS } from '../tickets/ticket-state.js';
import { Settings } from '../../config/settings.js';
import { Attachment } from './attachment.entity.js';
import { CitizenReplyService } from './citizen-reply.service.js';
import type { ComplaintAttachment, NormalizedComplaint } from './normalized-complaint.js';
import { TicketSource } from './ticket-source.entity.js';

/** A message from a channel (chat, mail), normalised by its adapter, with what the channel may know besides. */
export interface InboundMessage extends Omit<NormalizedComplaint, 'recipientId'> {
  recipientId?: string | null;
  reporterPhone?: string | null;
  reporterEmail?: string | null;
  areaCode?: string | null;
  categoryCode?: string | null;
  address?: string | null;
  /** Text that may carry a ticket code (a mail subject): a reply to that ticket joins it. */
  codeHint?: string | null;
}

export type IntakeOutcome = { ticketCode: string; outcome: 'created' | 'appended' | 'duplicate' };

/** A complaint as any channel hands it over, before it is a ticket. */
export interface ComplaintInput {
  channel: Channel;
  reporterName: string;
  reporterPhone?: string | null;
  reporterEmail?: string | null;
  areaCode?: string | null;
  address?: string | null;
  categoryCode?: string | null;
  content: string;
  urgent?: boolean;
}

/** The one way a complaint becomes a ticket: checks references, routes, sets the deadline, records the event. */
@Injectable()
export class IntakeService {
  constructor(
    private readonly routing: RoutingService,
    private readonly deadlines: DeadlineService,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly replies: CitizenReplyService,
  ) {}

  /**
   * The one way in for channel messages. A message id seen before changes nothing; a message from a sender with an
   * open ticket on the same channel (within CONVERSATION_DAYS), or a reply naming a ticket code, joins that ticket;
   * anything else becomes a new ticket (waiting for a coordinator when it lacks a category or area) and the
   * citizen gets an acknowledgement with the code on the same channel.
   */
  async receive(m: EntityManager, msg: InboundMessage): Promise<IntakeOutcome> {
    // one sender at a time: a redelivery and two quick messages are then decided one after the other
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`intake:${msg.channel}:${msg.senderId}`]);
    const seen = await m.query(
      `SELECT t.code FROM ticket_sources s JOIN tickets t ON t.id = s.ticket_id WHERE s.channel = $1 AND s.external_id = $2`,
      [msg.channel, msg.externalId],
    );
    if (seen.length) return { ticketCode: seen[0].code, outcome: 'duplicate' };
    const existing = await this.conversationTicket(m, msg);
    const source = { channel: msg.channel, externalId: msg.externalId, senderId: msg.senderId, recipientId: msg.recipientId ?? null, receivedAt: msg.receivedAt };
    if (existing) {
      await m.insert(TicketSource, { ...source, ticketId: existing.id });
      await this.saveAttachments(m, existing.id, msg.attachments);
      await recordEvent(m, {
        ticketId: existing.id, type: 'citizen_message', at: this.clock.now(),
        actor: { id: null, name: msg.reporterName ?? `Người dân qua ${CHANNEL_LABELS[msg.channel]}` },
        note: msg.content, data: { channel: msg.channel, externalId: msg.externalId, attachments: msg.attachments },
      });
      await m.query(`UPDATE tickets SET updated_at = $2 WHERE id = $1`, [existing.id, this.clock.now()]);
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
    }, { id: null, name: msg.reporterName ?? CHANNEL_LABELS[msg.channel] });
    await m.insert(TicketSource, { ...source, ticketId: ticket.id });
    await this.saveAttachments(m, ticket.id, msg.attachments);
    await this.replies.ack(m, ticket, source);
    return { ticketCode: ticket.code, outcome: 'created' };
  }

  private async conversationTicket(m: EntityManager, msg: InboundMessage): Promise<{ id: string; code: string } | null> {
    const code = msg.codeHint?.toUpperCase().match(TICKET_CODE_PATTERN)?.[0];
    if (code) {
      // a reply naming a ticket joins it when it comes from that ticket's citizen
      const rows = await m.query(
        `SELECT t.id, t.code FROM tickets t
          WHERE t.code = $1 AND (lower(t.reporter_email) = lower($3)
             OR EXISTS (SELECT 1 FROM ticket_sources s WHERE s.ticket_id = t.id AND s.channel = $2 AND lower(s.sender_id) = lower($3)))`,
        [code, msg.channel, msg.senderId],
      );
      if (rows.length) return rows[0];
    }
    const since = new Date(this.clock.now().getTime() - this.settings.CONVERSATION_DAYS * 86_400_000);
    const rows = await m.query(
      `SELECT t.id, t.code FROM ticket_sources s JOIN tickets t ON t.id = s.ticket_id
        WHERE s.channel = $1 AND s.sender_id = $2 AND t.status = ANY($3) AND s.received_at >= $4
        ORDER BY s.received_at DESC LIMIT 1`,
      [msg.channel, msg.senderId, OPEN_STATUSES, since],
    );
    return rows[0] ?? null;
  }

  private async saveAttachments(m: EntityManager, ticketId: string, attachments: ComplaintAttachment[]): Promise<void> {
    if (!attachments.length) return;
    const now = this.clock.now();
    await m.insert(Attachment, attachments.map((a) => ({
      ticketId, kind: a.type, filename: a.name ?? null, url: a.url ?? null, contentType: null, sizeBytes: null, storagePath: null,
      data: (a.lat !== undefined ? { lat: a.lat, long: a.long } : {}) as never, createdAt: now,
    })));
  }

  /** Tickets that may be the same matter: same phone within DUPLICATE_DAYS, or same commune and category with similar text. */
  async likelyDuplicates(m: EntityManager, ticket: Pick<Ticket, 'id' | 'reporterPhone' | 'areaCode' | 'categoryCode' | 'receivedAt' | 'content'>): Promise<Array<{ code: string; reason: 'same_phone' | 'similar_text'; similarity: number }>> {
    const since = new Date(ticket.receivedAt.getTime() - this.settings.DUPLICATE_DAYS * 86_400_000);
    const rows: Array<{ code: string; same_phone: boolean; sim: number }> = await m.query(
      `SELECT t.code, (t.reporter_phone IS NOT NULL AND t.reporter_phone = $2) AS same_phone,
              similarity(t.search_text, $6) AS sim
         FROM tickets t
        WHERE t.id <> $1 AND t.received_at >= $5 AND t.received_at <= $7 AND t.duplicate_of_id IS NULL
          AND ((t.reporter_phone IS NOT NULL AND t.reporter_phone = $2)
            OR (t.area_code = $3 AND t.category_code = $4 AND similarity(t.search_text, $6) >= 0.3))
        ORDER BY same_phone DESC, sim DESC, t.received_at DESC LIMIT 10`,
      [ticket.id, ticket.reporterPhone, ticket.areaCode, ticket.categoryCode, since, foldText(ticket.content), new Date(ticket.receivedAt.getTime() + 1)],
    );
    return rows.map((r) => ({ code: r.code, reason: r.same_phone ? 'same_phone' : 'similar_text', similarity: Math.round(Number(r.sim) * 100) / 100 }));
  }

  async createTicket(m: EntityManager, input: ComplaintInput, actor: Actor): Promise<Ticket> {
    const problems: FieldProblem[] = [];
    const phone = input.reporterPhone ? normalizeVietnamesePhone(input.reporterPhone) : null;
    if (input.reporterPhone && !phone) problems.push({ field: 'reporterPhone', reason: 'không phải số điện thoại Việt Nam hợp lệ' });
    const area = input.areaCode ? await m.findOneBy(Area, { code: input.areaCode }) : null;
    if (input.areaCode && !area) problems.push({ field: 'areaCode', reason: `không có khu vực mã "${input.areaCode}"` });
    const category = input.categoryCode ? await m.findOneBy(Category, { code: input.categoryCode, active: true }) : null;
    if (input.categoryCode && !category) problems.push({ field: 'categoryCode', reason: `không có lĩnh vực đang dùng mã "${input.categoryCode}"` });
    if (problems.length) throw badRequest(problems);

    const receivedAt = this.clock.now();
    const decision = await this.routing.route(m, { categoryCode: category?.code ?? null, areaCode: area?.code ?? null });
    const code = await this.freeCode(m);
    const deadline = this.deadlines.deadline(receivedAt, category);
    const fields = {
      code,
      reporterName: input.reporterName,
      reporterPhone: phone,
      reporterEmail: input.reporterEmail?.toLowerCase() ?? null,
      address: input.address ?? null,
      content: input.content,
    };
    const ticket = m.create(Ticket, {
      ...fields,
      channel: input.channel,
      status: decision.unitCode ? 'assigned' : 'received',
      areaCode: area?.code ?? null,
      categoryCode: category?.code ?? null,
      urgent: input.urgent ?? category?.urgent ?? false,
      assignedUnitCode: decision.unitCode,
      receivedAt,
      dueAt: deadline.dueAt,
      warnAt: deadline.warnAt,
      searchText: ticketSearchText(fields, await areaNamesFor(m, area?.code ?? null)),
      createdAt: receivedAt,
      updatedAt: receivedAt,
    });
    await m.insert(Ticket, ticket);
    const duplicates = await this.likelyDuplicates(m, ticket);
    await recordEvent(m, {
      ticketId: ticket.id, type: 'created', at: receivedAt, actor,
      toStatus: ticket.status, toUnitCode: ticket.assignedUnitCode, dueAt: ticket.dueAt, note: decision.reason,
      data: { channel: input.channel, routingRuleId: decision.ruleId, likelyDuplicates: duplicates },
    });
    return ticket;
  }

  private async freeCode(m: EntityManager): Promise<string> {
    for (let i = 0; i < 10; i++) {
      const code = newTicketCode();
      if (!(await m.existsBy(Ticket, { code }))) return code;
    }
    throw new Error('could not find a free ticket code in 10 tries');
  }
}
