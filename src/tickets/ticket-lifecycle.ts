import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { Settings } from '../../config/settings.js';
import type { AuthUser } from '../common/auth-user.js';
import { DeadlineService } from '../calendar/deadline.service.js';
import { Clock } from '../common/clock.js';
import { AppError, badRequest, conflict, forbidden, unprocessable, type FieldProblem } from '../common/errors.js';
import { normalizeVietnamesePhone } from '../common/phone.js';
import { foldText } from '../common/text.js';
import { Area } from '../directory/area.entity.js';
import { Category } from '../directory/category.entity.js';
import { Unit } from '../directory/unit.entity.js';
import { loadUnitRefs } from '../directory/unit-label.js';
import { holdUnitSql, RoutingService } from '../routing/routing.service.js';
import type { AssignDto, NoteDto, ReasonDto, RejectDto, ResolveDto } from './dto/ticket.dto.js';
import { Attachment } from './attachment.entity.js';
import { newTicketCode, normalizeTicketCode, TICKET_CODE_PATTERN } from './ticket-code.js';
import { TicketEvent } from './ticket-event.entity.js';
import { actorOf, eventInsertParts, eventRow, recordEvent, SYSTEM_ACTOR, type Actor, type EventInput } from './ticket-events.js';
import { TicketListeners } from './ticket-listeners.js';
import { flagOverdueTickets, markDueSoonTickets, type FlaggedTicketRow } from './ticket-deadline-watch.js';
import { applyDeadlineExtension, type DeadlineExtension } from './ticket-deadline-extension.js';
import type { TicketExtensionRequest } from './extension-request.entity.js';
import { insertFeedback, markFollowedUp, NOT_DISPUTED, type FeedbackInput } from './ticket-feedback.js';
import {
  declineExtensionRequest, insertExtensionRequest, markExtensionApproved, type ExtensionAsk, type ExtensionDecision,
} from './ticket-extension-requests.js';
import { moveOpenTicketsToUnit, returnOpenTicketsToQueue, type QueueReturn, type UnitMerge } from './ticket-unit-moves.js';
import { ACTION_LABELS, STATUS_LABELS, TRANSITIONS } from './ticket-state.js';
import { TicketSource } from './ticket-source.entity.js';
import { areaNamesFor, ticketSearchText, type TicketRefs } from './ticket-view.js';
import { OPEN_STATUSES, Ticket, type Channel, type TicketStatus } from './ticket.entity.js';

/** A ticket that may be the same matter as another, listed in the creation event and on the ticket. */
export interface LikelyDuplicate {
  code: string;
  reason: 'same_phone' | 'similar_text';
  similarity: number;
}

/** A ticket just created, with what its view needs: written once, not read back. */
export interface CreatedTicket {
  ticket: Ticket;
  /** Its 'created' event. */
  event: TicketEvent;
  likelyDuplicates: LikelyDuplicate[];
  /** The names of its unit, area and category, as `loadTicketRefs` reads them. */
  refs: TicketRefs;
}

/**
 * The likely-duplicate search reads at most this many of the most recent tickets of the same commune and category
 * (and as many of the same phone), whatever the number of tickets: a crisis (everyone calling about one matter)
 * costs the same as a quiet day.
 */
const DUPLICATE_CANDIDATES = 200;

/** Numbered, typed placeholders for a statement's parameters. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/**
 * The CTEs of the likely-duplicate search, ending in `likely_duplicates` (code, reason, similarity rounded to
 * hundredths, rank): the same phone within the window first, then the most similar text of the same commune and
 * category (trigram similarity ≥ 0.3), then the most recent; ten at most; the ticket itself and merged tickets left
 * out. Only the candidates are compared: the most recent tickets of the same phone (index on reporter_phone) and of
 * the same commune and category (idx_tickets_area_category_received, read backwards), DUPLICATE_CANDIDATES of each.
 */
function likelyDuplicatesSql(p: { id: string; phone: string; area: string; category: string; since: string; until: string; text: string }): string {
  return `
  same_phone AS (
    SELECT id FROM tickets
     WHERE reporter_phone = ${p.phone} AND received_at >= ${p.since} AND received_at <= ${p.until}
     ORDER BY received_at DESC LIMIT ${DUPLICATE_CANDIDATES}),
  same_place AS (
    SELECT id FROM tickets
     WHERE area_code = ${p.area} AND category_code = ${p.category} AND received_at >= ${p.since} AND received_at <= ${p.until}
     ORDER BY received_at DESC LIMIT ${DUPLICATE_CANDIDATES}),
  likely_duplicates AS (
    SELECT code, CASE WHEN same_phone THEN 'same_phone' ELSE 'similar_text' END AS reason, round(sim::numeric, 2) AS similarity,
           row_number() OVER (ORDER BY same_phone DESC, sim DESC, received_at DESC, code) AS rank
      FROM (SELECT t.code, t.received_at, COALESCE(t.reporter_phone = ${p.phone}, false) AS same_phone, similarity(t.search_text, ${p.text}) AS sim
              FROM tickets t
             WHERE t.id IN (SELECT id FROM same_phone UNION SELECT id FROM same_place)
               AND t.id <> ${p.id} AND t.duplicate_of_id IS NULL) c
     WHERE same_phone OR sim >= 0.3
     ORDER BY rank
     LIMIT 10)`;
}

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

/** Where a message came from: the channel, the platform's message id, its sender and recipient, when. */
export interface TicketSourceInput {
  channel: Channel;
  externalId: string | null;
  senderId: string | null;
  recipientId: string | null;
  receivedAt: Date;
}

/** An attachment a chat platform keeps and we only link to (or a location, a sticker). */
export interface LinkedAttachment {
  type: 'image' | 'file' | 'location' | 'sticker';
  url?: string;
  name?: string;
  lat?: number;
  long?: number;
}

/** Who answers a citizen's "not settled". */
export const DISPUTE_ROLES: readonly AuthUser['role'][] = ['coordinator', 'admin'];

export type ActionInput =
  | { action: 'assign'; dto: AssignDto }
  | { action: 'accept'; dto: NoteDto }
  | { action: 'return'; dto: ReasonDto }
  | { action: 'resolve'; dto: ResolveDto }
  | { action: 'close'; dto: NoteDto }
  | { action: 'reject'; dto: RejectDto }
  | { action: 'reopen'; dto: ReasonDto };

/** What an action changes, decided before the conditional update. */
interface Change {
  set: Partial<Ticket>;
  eventType: string;
  note: string | null;
  toUnitCode: string | null;
  data?: Record<string, unknown>;
}

/**
 * The writer of ticket state: new tickets (every channel's complaint becomes a ticket here; intake decides when, this
 * decides how it is written), the lifecycle's actions, a citizen's further messages; and the likely duplicates of a
 * ticket are found here.
 */
@Injectable()
export class TicketLifecycle {
  constructor(
    private readonly routing: RoutingService,
    private readonly deadlines: DeadlineService,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly listeners: TicketListeners,
  ) {}

  /** Tickets that may be the same matter as this one (see `likelyDuplicatesSql`). */
  async likelyDuplicates(m: EntityManager, ticket: Pick<Ticket, 'id' | 'reporterPhone' | 'areaCode' | 'categoryCode' | 'receivedAt' | 'content'>): Promise<LikelyDuplicate[]> {
    const p = new Params();
    const search = likelyDuplicatesSql(this.duplicateSearch(p, ticket, p.add(ticket.id, 'uuid'), p.add(ticket.reporterPhone, 'varchar'),
      p.add(ticket.areaCode, 'varchar'), p.add(ticket.categoryCode, 'varchar')));
    const rows: Array<{ code: string; reason: LikelyDuplicate['reason']; similarity: string }> =
      await m.query(`WITH ${search} SELECT code, reason, similarity FROM likely_duplicates ORDER BY rank`, p.values);
    return rows.map((r) => ({ code: r.code, reason: r.reason, similarity: Number(r.similarity) }));
  }

  /** The placeholders of the duplicate search for a ticket: its own (passed), the window and its folded text. */
  private duplicateSearch(p: Params, ticket: Pick<Ticket, 'receivedAt' | 'content'>, id: string, phone: string, area: string, category: string) {
    const at = ticket.receivedAt.getTime();
    return {
      id, phone, area, category,
      since: p.add(new Date(at - this.settings.DUPLICATE_DAYS * 86_400_000), 'timestamptz'),
      until: p.add(new Date(at + 1), 'timestamptz'),
      text: p.add(foldText(ticket.content), 'text'),
    };
  }

  /** A new ticket from a complaint; see `create`. */
  async createTicket(m: EntityManager, input: ComplaintInput, actor: Actor): Promise<Ticket> {
    return (await this.create(m, input, actor)).ticket;
  }

  /**
   * A new ticket from a complaint, in two statements: the references with the routing decision, then one that
   * holds the unit, searches the likely duplicates, and writes the ticket with its 'created' event. The deadline is
   * computed in memory. Being one statement, the write needs no transaction of its own (a caller's, if any, holds
   * the unit until it commits). A unit merged or deactivated between the two statements is routed again; a tracking
   * code already taken draws another. What comes back is what was written, with the names a view needs.
   */
  async create(m: EntityManager, input: ComplaintInput, actor: Actor): Promise<CreatedTicket> {
    const problems: FieldProblem[] = [];
    const phone = input.reporterPhone ? normalizeVietnamesePhone(input.reporterPhone) : null;
    if (input.reporterPhone && !phone) problems.push({ field: 'reporterPhone', reason: 'không phải số điện thoại Việt Nam hợp lệ' });
    const where = { categoryCode: input.categoryCode || null, areaCode: input.areaCode || null };
    let routed = await this.routing.routeWithReferences(m, where, { hold: false });
    const area = input.areaCode ? routed.area : null;
    if (input.areaCode && !area) problems.push({ field: 'areaCode', reason: `không có khu vực mã "${input.areaCode}"` });
    const category = input.categoryCode && routed.category?.active ? routed.category : null;
    if (input.categoryCode && !category) problems.push({ field: 'categoryCode', reason: `không có lĩnh vực đang dùng mã "${input.categoryCode}"` });
    if (problems.length) throw badRequest(problems);

    const receivedAt = this.clock.now();
    const deadline = this.deadlines.deadline(receivedAt, category);
    const areaNames = area ? [area.name, ...(area.districtName ? [area.districtName] : [])] : [];
    for (let attempt = 0; attempt < 10; attempt++) {
      const { decision, unit } = routed;
      const ticket = Object.assign(new Ticket(), {
        id: randomUUID(),
        code: newTicketCode(),
        channel: input.channel,
        status: decision.unitCode ? 'assigned' : 'received',
        reporterName: input.reporterName,
        reporterPhone: phone,
        reporterEmail: input.reporterEmail?.toLowerCase() ?? null,
        areaCode: area?.code ?? null,
        address: input.address ?? null,
        categoryCode: category?.code ?? null,
        content: input.content,
        urgent: input.urgent ?? category?.urgent ?? false,
        assignedUnitCode: decision.unitCode,
        receivedAt,
        dueAt: deadline.dueAt,
        warnAt: deadline.warnAt,
        warnedForDueAt: null, overdueAt: null, overdueForDueAt: null,
        resolvedAt: null, closedAt: null, rejectedAt: null, resolution: null, rejectReason: null, duplicateOfId: null,
        searchText: '',
        createdAt: receivedAt,
        updatedAt: receivedAt,
        version: 1,
      } satisfies Ticket);
      ticket.searchText = ticketSearchText(ticket, areaNames);
      const event: EventInput = {
        ticketId: ticket.id, type: 'created', at: receivedAt, actor,
        toStatus: ticket.status, toUnitCode: ticket.assignedUnitCode, dueAt: ticket.dueAt, note: decision.reason,
        // the likely duplicates are added by the statement that finds them
        data: { channel: input.channel, routingRuleId: decision.ruleId },
      };
      const write = this.writeSql(ticket, event);
      const [written]: Array<{ unit_held: boolean; event_id: string | null; data: Record<string, unknown> & { likelyDuplicates: LikelyDuplicate[] } | null }> =
        await m.query(write.sql, write.params);
      if (!written.unit_held) {
        routed = await this.routing.routeWithReferences(m, where, { hold: false });
        continue;
      }
      // the tracking code is random: a taken one (never in practice) wrote nothing, and another is drawn
      if (!written.event_id || !written.data) continue;
      return {
        ticket,
        event: Object.assign(new TicketEvent(), { ...eventRow(event), id: written.event_id, data: written.data }),
        likelyDuplicates: written.data.likelyDuplicates,
        refs: {
          units: new Map(unit ? [[unit.code, unit]] : []),
          areas: new Map(area ? [[area.code, area]] : []),
          categories: new Map(category ? [[category.code, { code: category.code, name: category.name }]] : []),
          duplicates: new Map(),
        },
      };
    }
    throw new Error('could not write the ticket in 10 tries (tracking codes taken, or its unit changing meanwhile)');
  }

  /**
   * The statement that writes a new ticket: its unit held (`holdUnitSql`; nothing written when it is no longer
   * active), the likely duplicates found (the ticket is not yet visible to its own statement), the ticket inserted
   * unless its code is taken, and its 'created' event with the likely duplicates added to its data.
   */
  private writeSql(ticket: Ticket, event: EventInput): { sql: string; params: unknown[] } {
    const p = new Params();
    const columns: Array<[string, unknown, string]> = [
      ['id', ticket.id, 'uuid'], ['code', ticket.code, 'varchar'], ['channel', ticket.channel, 'varchar'], ['status', ticket.status, 'varchar'],
      ['reporter_name', ticket.reporterName, 'varchar'], ['reporter_phone', ticket.reporterPhone, 'varchar'],
      ['reporter_email', ticket.reporterEmail, 'varchar'], ['area_code', ticket.areaCode, 'varchar'], ['address', ticket.address, 'varchar'],
      ['category_code', ticket.categoryCode, 'varchar'], ['content', ticket.content, 'text'], ['urgent', ticket.urgent, 'boolean'],
      ['assigned_unit_code', ticket.assignedUnitCode, 'varchar'], ['received_at', ticket.receivedAt, 'timestamptz'],
      ['due_at', ticket.dueAt, 'timestamptz'], ['warn_at', ticket.warnAt, 'timestamptz'], ['search_text', ticket.searchText, 'text'],
      ['created_at', ticket.createdAt, 'timestamptz'], ['updated_at', ticket.updatedAt, 'timestamptz'],
    ];
    const value = new Map(columns.map(([column, v, type]) => [column, p.add(v, type)]));
    const unit = value.get('assigned_unit_code')!;
    const search = likelyDuplicatesSql(this.duplicateSearch(p, ticket, value.get('id')!, value.get('reporter_phone')!, value.get('area_code')!, value.get('category_code')!));
    const ev = eventInsertParts(event, (v, type) => p.add(v, type), (data) => `${data} || jsonb_build_object('likelyDuplicates',
      (SELECT COALESCE(jsonb_agg(jsonb_build_object('code', code, 'reason', reason, 'similarity', similarity) ORDER BY rank), '[]'::jsonb) FROM likely_duplicates))`);
    const sql = `WITH ${search},
      held AS (${holdUnitSql(unit)}),
      t AS (
        INSERT INTO tickets (${columns.map(([c]) => c).join(', ')})
        SELECT ${[...value.values()].join(', ')} WHERE ${unit} IS NULL OR EXISTS (SELECT 1 FROM held)
        ON CONFLICT (code) DO NOTHING
        RETURNING id),
      e AS (INSERT INTO ticket_events (${ev.columns}) SELECT ${ev.values} FROM t RETURNING id, data)
      SELECT (${unit} IS NULL OR EXISTS (SELECT 1 FROM held)) AS unit_held, (SELECT id FROM e) AS event_id, (SELECT data FROM e) AS data`;
    return { sql, params: p.values };
  }

  /** The code of the ticket a message (channel and platform message id) was already taken into, if any. */
  async ticketCodeOfSource(m: EntityManager, channel: Channel, externalId: string): Promise<string | null> {
    const seen: Array<{ code: string }> = await m.query(
      `SELECT t.code FROM ticket_sources s JOIN tickets t ON t.id = s.ticket_id WHERE s.channel = $1 AND s.external_id = $2`,
      [channel, externalId],
    );
    return seen[0]?.code ?? null;
  }

  /**
   * The ticket a sender's message continues: the one whose code `codeHint` names (a mail subject) when it comes
   * from that ticket's citizen, else the sender's open ticket on the channel with a message since `since`.
   */
  async conversationTicket(m: EntityManager, msg: { channel: Channel; senderId: string; codeHint?: string | null }, since: Date): Promise<{ id: string; code: string } | null> {
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
    const rows = await m.query(
      `SELECT t.id, t.code FROM ticket_sources s JOIN tickets t ON t.id = s.ticket_id
        WHERE s.channel = $1 AND s.sender_id = $2 AND t.status = ANY($3) AND s.received_at >= $4
        ORDER BY s.received_at DESC LIMIT 1`,
      [msg.channel, msg.senderId, OPEN_STATUSES, since],
    );
    return rows[0] ?? null;
  }

  /** Records where a message taken into a ticket came from (a redelivery of it then changes nothing). */
  async recordSource(m: EntityManager, ticketId: string, source: TicketSourceInput): Promise<void> {
    await m.insert(TicketSource, { ...source, ticketId });
  }

  /** The platform attachments of a message, kept as links (their content stays with the platform). */
  async linkAttachments(m: EntityManager, ticketId: string, attachments: LinkedAttachment[]): Promise<void> {
    if (!attachments.length) return;
    const now = this.clock.now();
    await m.insert(Attachment, attachments.map((a) => ({
      ticketId, kind: a.type, filename: a.name ?? null, url: a.url ?? null, contentType: null, sizeBytes: null, storagePath: null,
      data: (a.lat !== undefined ? { lat: a.lat, long: a.long } : {}) as never, createdAt: now,
    })));
  }

  /** The rows of attachments whose content is kept in a store (StoredAttachments puts the content after them). */
  async recordStoredAttachments(m: EntityManager, rows: Array<QueryDeepPartialEntity<Attachment>>): Promise<void> {
    await m.insert(Attachment, rows);
  }

  /** A citizen's further message on a ticket: its event, and the ticket's time of last change. */
  async addCitizenMessage(m: EntityManager, ticketId: string, message: { actorName: string; content: string; data: Record<string, unknown> }): Promise<void> {
    const now = this.clock.now();
    await recordEvent(m, {
      ticketId, type: 'citizen_message', at: now, actor: { id: null, name: message.actorName }, note: message.content, data: message.data,
    });
    // a change of the ticket like any other: a form shown before the message was read is told to reload
    await m.query(`UPDATE tickets SET updated_at = $2, version = version + 1 WHERE id = $1`, [ticketId, now]);
  }

  /** An internal note of the system on a ticket (a reply that could not be sent): its event only, the ticket unchanged. */
  async addSystemNote(m: EntityManager, ticketId: string, note: { type: string; at: Date; note: string }): Promise<void> {
    await recordEvent(m, { ticketId, type: note.type, at: note.at, actor: SYSTEM_ACTOR, internal: true, note: note.note });
  }

  /**
   * Applies one lifecycle action to `ticket` (read by the caller, in its transaction `m`), as the transition table
   * (ticket-state.ts) allows it: the role, the status it may start from, the status it leads to. The ticket is
   * updated only if it still has the version that was read (or that the client sent), so of two concurrent changes
   * one wins and the other gets 409 with nothing written; the change's event is written with it, and what follows
   * from it (the citizens' answer) is reported to TicketListeners in the same transaction.
   */
  async act(m: EntityManager, user: AuthUser, ticket: Ticket, input: ActionInput): Promise<void> {
    const rule = TRANSITIONS[input.action];
    if (!rule.roles.includes(user.role)) throw forbidden(`Vai trò của bạn không được ${ACTION_LABELS[input.action]} phản ánh.`);
    if (input.dto.version !== undefined && input.dto.version !== ticket.version) throw this.stale(ticket);
    if (!rule.from.includes(ticket.status)) {
      throw conflict('TRANSITION_NOT_ALLOWED',
        `Không thể ${ACTION_LABELS[input.action]} phản ánh đang ở trạng thái "${STATUS_LABELS[ticket.status]}" (${ticket.status}).`,
        { currentStatus: ticket.status });
    }
    const now = this.clock.now();
    const change = await this.decide(m, ticket, input, now);
    // the status after the action is the table's; "unit or queue": assigned when the ticket keeps an active unit
    const status: TicketStatus = rule.to === 'unit_or_queue' ? (change.toUnitCode ? 'assigned' : 'received') : rule.to;
    const res = await m.createQueryBuilder().update(Ticket)
      .set({ ...change.set, status, updatedAt: now })
      .where('id = :id AND version = :version', { id: ticket.id, version: ticket.version })
      .execute();
    // someone else changed it since it was read: name the status it has now, as committed by the winner
    if (res.affected !== 1) throw this.stale((await m.findOneBy(Ticket, { id: ticket.id })) ?? ticket);
    await recordEvent(m, {
      ticketId: ticket.id, type: change.eventType, at: now, actor: actorOf(user),
      fromStatus: ticket.status, toStatus: status,
      fromUnitCode: ticket.assignedUnitCode, toUnitCode: change.toUnitCode,
      dueAt: change.set.dueAt !== undefined ? change.set.dueAt : ticket.dueAt,
      note: change.note, data: change.data,
    });
    // a citizen's "not settled" is followed up by reopening the ticket
    if (input.action === 'reopen') await markFollowedUp(m, ticket.id, 'reopened', now);
    // the citizen (and the citizens of tickets merged into this one) get the answer on their channel
    if (status === 'resolved') await this.answerCitizens(m, { ...ticket, resolution: change.set.resolution ?? null, resolvedAt: now });
    if (change.set.duplicateOfId) {
      // tickets merged into this one follow it to the one kept; if that one is already answered, so are they
      await m.query(`UPDATE tickets SET duplicate_of_id = $2 WHERE duplicate_of_id = $1`, [ticket.id, change.set.duplicateOfId]);
      const kept = await m.findOneByOrFail(Ticket, { id: change.set.duplicateOfId });
      if ((kept.status === 'resolved' || kept.status === 'closed') && kept.resolution) await this.answerCitizens(m, kept);
    }
  }

  private async answerCitizens(m: EntityManager, t: Pick<Ticket, 'id' | 'code' | 'resolution' | 'resolvedAt' | 'assignedUnitCode'>): Promise<void> {
    const unit = t.assignedUnitCode ? (await loadUnitRefs(m, [t.assignedUnitCode])).get(t.assignedUnitCode) : undefined;
    await this.listeners.answered(m, { id: t.id, code: t.code, resolution: t.resolution, resolvedAt: t.resolvedAt, unitName: unit?.name ?? null });
  }

  private stale(t: Ticket): AppError {
    return conflict('STALE_VERSION', 'Phản ánh vừa được người khác cập nhật; vui lòng tải lại và thử lại.', { currentStatus: t.status });
  }

  private async decide(m: EntityManager, t: Ticket, input: ActionInput, now: Date): Promise<Change> {
    const unitKept = t.assignedUnitCode;
    switch (input.action) {
      case 'assign': {
        const dto = input.dto;
        const problems = [];
        const category = dto.categoryCode ? await m.findOneBy(Category, { code: dto.categoryCode, active: true }) : null;
        if (dto.categoryCode && !category) problems.push({ field: 'categoryCode', reason: `không có lĩnh vực đang dùng mã "${dto.categoryCode}"` });
        const area = dto.areaCode ? await m.findOneBy(Area, { code: dto.areaCode }) : null;
        if (dto.areaCode && !area) problems.push({ field: 'areaCode', reason: `không có khu vực mã "${dto.areaCode}"` });
        if (dto.unitCode && !(await m.existsBy(Unit, { code: dto.unitCode, active: true }))) {
          problems.push({ field: 'unitCode', reason: `không có đơn vị đang hoạt động mã "${dto.unitCode}"` });
        }
        if (problems.length) throw badRequest(problems);
        const categoryCode = category?.code ?? t.categoryCode;
        const areaCode = area?.code ?? t.areaCode;
        let unitCode = dto.unitCode ?? null;
        let note = dto.note ?? null;
        if (!unitCode) {
          const decision = await this.routing.route(m, { categoryCode, areaCode });
          if (!decision.unitCode) throw unprocessable('NO_UNIT', `Chưa xác định được đơn vị xử lý: ${decision.reason} Hãy chọn đơn vị.`);
          unitCode = decision.unitCode;
          note = note ?? decision.reason;
        } else {
          // held until commit, so that a merge cannot deactivate the unit under this assignment
          const held = await this.routing.lockActive(m, unitCode);
          if (held !== unitCode) throw badRequest([{ field: 'unitCode', reason: `đơn vị "${unitCode}" vừa ngừng hoạt động hoặc được sáp nhập` }]);
        }
        if (unitCode === t.assignedUnitCode && t.status !== 'received' && !category && !area) {
          throw conflict('ALREADY_ASSIGNED', 'Phản ánh đã được giao cho đơn vị này.', { currentStatus: t.status });
        }
        const set: Partial<Ticket> = { assignedUnitCode: unitCode, categoryCode, areaCode };
        // a new category sets the deadline from the received time: a transfer never restarts the clock
        if (category && category.code !== t.categoryCode) {
          const deadline = this.deadlines.deadline(t.receivedAt, category);
          set.dueAt = deadline.dueAt;
          set.warnAt = deadline.warnAt;
        }
        if (area && area.code !== t.areaCode) set.searchText = ticketSearchText(t, await areaNamesFor(m, area.code));
        const transfer = t.status !== 'received';
        return { set, eventType: transfer ? 'transferred' : 'assigned', note, toUnitCode: unitCode, data: { categoryCode, areaCode } };
      }
      case 'accept':
        return { set: {}, eventType: 'accepted', note: input.dto.note ?? null, toUnitCode: unitKept };
      case 'return':
        return { set: { assignedUnitCode: null }, eventType: 'returned', note: input.dto.reason, toUnitCode: null };
      case 'resolve':
        return { set: { resolution: input.dto.resolution, resolvedAt: now }, eventType: 'resolved', note: input.dto.resolution, toUnitCode: unitKept };
      case 'close':
        return { set: { closedAt: now }, eventType: 'closed', note: input.dto.note ?? null, toUnitCode: unitKept };
      case 'reject': {
        const dto = input.dto;
        let duplicateOfId: string | null = null;
        if (dto.reason === 'duplicate') {
          if (!dto.duplicateOf) throw badRequest([{ field: 'duplicateOf', reason: 'bắt buộc khi lý do là trùng phản ánh (duplicate)' }]);
          let original = await m.findOneBy(Ticket, { code: normalizeTicketCode(dto.duplicateOf) });
          if (!original) throw badRequest([{ field: 'duplicateOf', reason: `không có phản ánh mã "${dto.duplicateOf}"` }]);
          // merged into a ticket that is itself a duplicate: the one kept is at the end of the chain
          for (let hops = 0; original.duplicateOfId && hops < 20; hops++) {
            original = (await m.findOneBy(Ticket, { id: original.duplicateOfId })) ?? original;
          }
          if (original.id === t.id) throw badRequest([{ field: 'duplicateOf', reason: 'không thể trùng với chính nó' }]);
          if (original.status === 'rejected') {
            throw badRequest([{ field: 'duplicateOf', reason: `phản ánh ${original.code} đã bị từ chối, không thể gộp vào` }]);
          }
          duplicateOfId = original.id;
        } else if (dto.duplicateOf) {
          throw badRequest([{ field: 'duplicateOf', reason: 'chỉ dùng khi lý do là trùng phản ánh (duplicate)' }]);
        }
        return {
          set: { rejectedAt: now, rejectReason: dto.reason, duplicateOfId }, eventType: 'rejected',
          note: dto.note ?? null, toUnitCode: unitKept, data: { reason: dto.reason, duplicateOf: dto.duplicateOf ?? null },
        };
      }
      case 'reopen': {
        const unit = t.assignedUnitCode ? await this.routing.lockActive(m, t.assignedUnitCode) : null;
        return {
          set: { assignedUnitCode: unit, resolvedAt: null, closedAt: null, rejectedAt: null, rejectReason: null, duplicateOfId: null, resolution: null, overdueAt: null, overdueForDueAt: null },
          eventType: 'reopened', note: input.dto.reason, toUnitCode: unit,
        };
      }
    }
  }

  // --- set-based and deadline writes: each statement lives next to its own explanation in its file; this class is
  // --- where every write of ticket state is reached from

  /** Flags one batch of open tickets past their deadline, with their 'overdue' events (ticket-deadline-watch.ts). */
  flagOverdue(m: EntityManager, now: Date): Promise<FlaggedTicketRow[]> {
    return flagOverdueTickets(m, now);
  }

  /** Marks one batch of open tickets due soon, with their 'due_soon' events (ticket-deadline-watch.ts). */
  markDueSoon(m: EntityManager, now: Date): Promise<FlaggedTicketRow[]> {
    return markDueSoonTickets(m, now);
  }

  /**
   * A new deadline for an open ticket, version-checked, with its event (ticket-deadline-extension.ts); the citizen is
   * told the new date (TicketListeners), in the same transaction.
   */
  async extendDeadline(m: EntityManager, ticket: Ticket, extension: DeadlineExtension): Promise<void> {
    await applyDeadlineExtension(m, ticket, extension);
    await this.listeners.deadlineExtended(m, { id: ticket.id, code: ticket.code, dueAt: extension.dueAt });
  }

  /** The citizen's answer about the ticket's resolution (the first one only: false for a repeated one), with its event (ticket-feedback.ts). */
  recordFeedback(m: EntityManager, ticket: Ticket, feedback: FeedbackInput): Promise<boolean> {
    return insertFeedback(m, ticket, feedback);
  }

  /**
   * A coordinator answers a citizen's "not settled" with an explanation instead of reopening: a resolved ticket is
   * closed with it (the close event carries it), a closed one gets a "dispute_explained" event; the citizen is told
   * the explanation on their channel (TicketListeners). 409 when no "not settled" waits.
   */
  async explainDispute(m: EntityManager, user: AuthUser, ticket: Ticket, explanation: string, version?: number): Promise<void> {
    if (!DISPUTE_ROLES.includes(user.role)) throw forbidden('Chỉ điều phối viên được trả lời ý kiến chưa hài lòng của người dân.');
    if (version !== undefined && version !== ticket.version) throw this.stale(ticket);
    const now = this.clock.now();
    if (!(await markFollowedUp(m, ticket.id, 'explained', now))) throw NOT_DISPUTED();
    if (ticket.status === 'resolved') {
      await this.act(m, user, ticket, { action: 'close', dto: { note: explanation, version: ticket.version } });
    } else {
      const res = await m.createQueryBuilder().update(Ticket).set({ updatedAt: now })
        .where('id = :id AND version = :version', { id: ticket.id, version: ticket.version }).execute();
      if (res.affected !== 1) throw this.stale(ticket);
      await recordEvent(m, {
        ticketId: ticket.id, type: 'dispute_explained', at: now, actor: actorOf(user), note: explanation,
        fromUnitCode: ticket.assignedUnitCode, toUnitCode: ticket.assignedUnitCode,
      });
    }
    await this.listeners.explained(m, { id: ticket.id, code: ticket.code, text: explanation });
  }

  /** A unit's request for a new deadline, with its event; the deadline in force is unchanged (ticket-extension-requests.ts). */
  requestExtension(m: EntityManager, ticket: Ticket, ask: ExtensionAsk): Promise<TicketExtensionRequest> {
    return insertExtensionRequest(m, ticket, ask);
  }

  /** The unit's pending request approved: the request marked, and the deadline extended as `extendDeadline` does. */
  async approveExtension(m: EntityManager, ticket: Ticket, request: TicketExtensionRequest, extension: DeadlineExtension): Promise<void> {
    await markExtensionApproved(m, request, { at: extension.at, actor: extension.actor, note: extension.reason, dueAt: extension.dueAt });
    await this.extendDeadline(m, ticket, { ...extension, requestId: request.id });
  }

  /** The unit's pending request declined with the coordinator's reason, with its event (ticket-extension-requests.ts). */
  declineExtension(m: EntityManager, ticket: Ticket, request: TicketExtensionRequest, decision: ExtensionDecision): Promise<void> {
    return declineExtensionRequest(m, ticket, request, decision);
  }

  /** Sends the open tickets of a unit with no successor back to the coordinators' queue, with their events (ticket-unit-moves.ts). */
  returnOpenTicketsToQueue(m: EntityManager, r: QueueReturn): Promise<number> {
    return returnOpenTicketsToQueue(m, r);
  }

  /** Moves the open tickets of a unit merged away to its successor, with their events (ticket-unit-moves.ts). */
  moveOpenTickets(m: EntityManager, merge: UnitMerge): Promise<number> {
    return moveOpenTicketsToUnit(m, merge);
  }

  /**
   * Tickets imported from an earlier system (the CSV import's bulk path, in the import's transaction): the rows in
   * INSERTs of 1,000, then the events of each (`historyOf`: its history as the old system knew it, and the import).
   */
  async recordImported(m: EntityManager, tickets: Array<Partial<Ticket>>, historyOf: (ticketId: string, index: number) => Array<Partial<TicketEvent>>): Promise<void> {
    const ids: string[] = [];
    for (let i = 0; i < tickets.length; i += 1000) {
      const res = await m.insert(Ticket, tickets.slice(i, i + 1000) as never);
      ids.push(...res.identifiers.map((x) => x.id as string));
    }
    const events = ids.flatMap((id, i) => historyOf(id, i));
    for (let i = 0; i < events.length; i += 1000) await m.insert(TicketEvent, events.slice(i, i + 1000) as never);
  }
}
