import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { Clock } from '../common/clock.js';
import { AppError, badRequest, conflict, forbidden, notFound, unprocessable } from '../common/errors.js';
import { normalizeVietnamesePhone } from '../common/phone.js';
import { foldText } from '../common/text.js';
import { Area } from '../directory/area.entity.js';
import { Category } from '../directory/category.entity.js';
import { Unit } from '../directory/unit.entity.js';
import { loadUnitRefs } from '../directory/unit-label.js';
import { RoutingService } from '../routing/routing.service.js';
import { DeadlineService } from '../calendar/deadline.service.js';
import { parseTimeBound, type AssignDto, type CommentDto, type CreateTicketDto, type NoteDto, type ReasonDto, type RejectDto, type ResolveDto, type TicketQueryDto } from './dto/ticket.dto.js';
import { canCreateTickets, restrictToVisible } from './ticket-access.js';
import { StaffIdempotencyService } from './staff-idempotency.service.js';
import { normalizeTicketCode } from './ticket-code.js';
import { TicketEvent } from './ticket-event.entity.js';
import { TicketLifecycle, type CreatedTicket } from './ticket-lifecycle.js';
import { TicketListeners } from './ticket-listeners.js';
import { actorOf, recordEvent } from './ticket-events.js';
import { ACTION_LABELS, STATUS_LABELS, TRANSITIONS, type TicketAction } from './ticket-state.js';
import { areaNamesFor, eventView, loadTicketRefs, ticketSearchText, ticketView } from './ticket-view.js';
import { OPEN_STATUSES, Ticket, type TicketStatus } from './ticket.entity.js';

type ActionInput =
  | { action: 'assign'; dto: AssignDto }
  | { action: 'accept'; dto: NoteDto }
  | { action: 'return'; dto: ReasonDto }
  | { action: 'resolve'; dto: ResolveDto }
  | { action: 'close'; dto: NoteDto }
  | { action: 'reject'; dto: RejectDto }
  | { action: 'reopen'; dto: ReasonDto };

/** What an action changes, decided before the conditional update. */
interface Change {
  status: TicketStatus;
  set: Partial<Ticket>;
  eventType: string;
  note: string | null;
  toUnitCode: string | null;
  data?: Record<string, unknown>;
}

/** Those who see every ticket (operators, coordinators, admins) are shown the tickets that may be the same matter. */
const seesDuplicates = (user: AuthUser) => ['operator', 'coordinator', 'admin'].includes(user.role);

/** Ticket lists count matches up to this many; past it, `total` is this number and `totalExact` is false. */
export const LIST_COUNT_CAP = 10_000;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

@Injectable()
export class TicketsService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly lifecycle: TicketLifecycle,
    private readonly routing: RoutingService,
    private readonly deadlines: DeadlineService,
    private readonly listeners: TicketListeners,
    private readonly idempotency: StaffIdempotencyService,
  ) {}

  /**
   * Creates a ticket; with an idempotency key, once (StaffIdempotencyService): a repetition creates nothing and gets
   * the ticket as `get` shows it now (created: false).
   */
  async create(user: AuthUser, dto: CreateTicketDto, idempotencyKey: string | null = null) {
    if (!canCreateTickets(user)) throw forbidden();
    const outcome = await this.idempotency.once(
      { user, key: idempotencyKey, request: { route: 'POST /api/tickets', body: dto } },
      async (m) => {
        const created = await this.lifecycle.create(m, dto, actorOf(user));
        return { ticketId: created.ticket.id, value: created };
      },
      // its one write is a statement of its own, holding the unit it gives the ticket to: no transaction to open
      { transaction: false },
    );
    return outcome.created
      ? { created: true, ticket: this.createdView(outcome.value, user) }
      : { created: false, ticket: await this.get(user, outcome.ticketCode) };
  }

  /**
   * The answer to a creation, built from what was just written (the ticket, its one event, the likely duplicates
   * found when it was created, the names already loaded): what `get` would show, without reading it back.
   */
  private createdView({ ticket, event, likelyDuplicates, refs }: CreatedTicket, user: AuthUser) {
    return {
      ...ticketView(ticket, refs, this.clock.now()),
      likelyDuplicates: seesDuplicates(user) ? likelyDuplicates : [],
      events: [eventView(event, refs.units)],
    };
  }

  async list(user: AuthUser, q: TicketQueryDto) {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const now = this.clock.now();
    const qb = restrictToVisible(this.ds.getRepository(Ticket).createQueryBuilder('t'), user);
    if (q.status?.length) qb.andWhere('t.status IN (:...statuses)', { statuses: q.status });
    if (q.unit) qb.andWhere('t.assigned_unit_code = :unit', { unit: q.unit });
    if (q.category) qb.andWhere('t.category_code = :category', { category: q.category });
    if (q.channel) qb.andWhere('t.channel = :channel', { channel: q.channel });
    if (q.area) {
      qb.andWhere(`t.area_code IN (SELECT code FROM (WITH RECURSIVE sub AS (SELECT code FROM areas WHERE code = :area
        UNION ALL SELECT a.code FROM areas a JOIN sub ON a.parent_code = sub.code) SELECT code FROM sub) s)`, { area: q.area });
    }
    if (q.overdue === 'true') qb.andWhere('t.status IN (:...open) AND t.due_at < :now', { open: OPEN_STATUSES, now });
    if (q.overdue === 'false') qb.andWhere('NOT (t.status IN (:...open) AND t.due_at < :now)', { open: OPEN_STATUSES, now });
    if (q.receivedFrom) qb.andWhere('t.received_at >= :from', { from: parseTimeBound(q.receivedFrom, 'from') });
    if (q.receivedTo) qb.andWhere('t.received_at < :to', { to: parseTimeBound(q.receivedTo, 'to') });
    if (q.phone) qb.andWhere('t.reporter_phone = :phone', { phone: normalizeVietnamesePhone(q.phone) });
    if (q.q && foldText(q.q)) qb.andWhere(`t.search_text LIKE :text ESCAPE '\\'`, { text: `%${escapeLike(foldText(q.q))}%` });
    // the count stops at LIST_COUNT_CAP: exact below it, "more than" above (counting a million rows on every page
    // would cost more than the page itself)
    const [countSql, countParams] = qb.clone().select('1').limit(LIST_COUNT_CAP + 1).getQueryAndParameters();
    qb.orderBy('t.received_at', 'DESC').addOrderBy('t.id', 'ASC').skip((page - 1) * pageSize).take(pageSize);
    const [items, [{ n }]] = await Promise.all([
      qb.getMany(),
      this.ds.query(`SELECT count(*)::int AS n FROM (${countSql}) c`, countParams) as Promise<Array<{ n: number }>>,
    ]);
    const refs = await loadTicketRefs(this.ds.manager, items);
    const totalExact = n <= LIST_COUNT_CAP;
    return { items: items.map((t) => ticketView(t, refs, now)), total: Math.min(n, LIST_COUNT_CAP), totalExact, page, pageSize };
  }

  /** The ticket if this user may read it; 404 otherwise (nothing said about tickets one may not see). */
  private async findVisible(m: EntityManager, user: AuthUser, code: string): Promise<Ticket> {
    const qb = restrictToVisible(m.getRepository(Ticket).createQueryBuilder('t'), user).andWhere('t.code = :code', { code: normalizeTicketCode(code) });
    const ticket = await qb.getOne();
    if (!ticket) throw notFound(`Không tìm thấy phản ánh mã "${code}".`);
    return ticket;
  }

  async get(user: AuthUser, code: string) {
    return this.detail(await this.findVisible(this.ds.manager, user, code), user);
  }

  /**
   * The ticket with its events, as the API shows it; for those who see every ticket (operators, coordinators,
   * admins), the tickets that may be the same matter, to merge.
   */
  private async detail(ticket: Ticket, user: AuthUser) {
    const m = this.ds.manager;
    const events = await m.find(TicketEvent, { where: { ticketId: ticket.id }, order: { at: 'ASC', id: 'ASC' } });
    const refs = await loadTicketRefs(m, [ticket], events.flatMap((e) => [e.fromUnitCode, e.toUnitCode]));
    const likelyDuplicates = seesDuplicates(user) && !ticket.duplicateOfId ? await this.lifecycle.likelyDuplicates(m, ticket) : [];
    return { ...ticketView(ticket, refs, this.clock.now()), likelyDuplicates, events: events.map((e) => eventView(e, refs.units)) };
  }

  async comment(user: AuthUser, code: string, dto: CommentDto) {
    await this.ds.transaction(async (m) => {
      const ticket = await this.findVisible(m, user, code);
      // a comment changes no state, so it carries none: it reads the ticket without a lock, and a state written
      // from that read could overtake a change committed meanwhile in the history (ticket-history.ts)
      await recordEvent(m, {
        ticketId: ticket.id, type: 'comment', at: this.clock.now(), actor: actorOf(user),
        note: dto.text, internal: dto.internal ?? true,
      });
    });
    return this.get(user, code);
  }

  /**
   * Applies one lifecycle action. The ticket is updated only if it still has the version that was read (or that the
   * client sent), so of two concurrent changes one wins and the other gets 409 with nothing written.
   */
  async act(user: AuthUser, code: string, input: ActionInput) {
    const rule = TRANSITIONS[input.action];
    const id = await this.ds.transaction(async (m) => {
      const ticket = await this.findVisible(m, user, code);
      if (!rule.roles.includes(user.role)) throw forbidden(`Vai trò của bạn không được ${ACTION_LABELS[input.action]} phản ánh.`);
      if (input.dto.version !== undefined && input.dto.version !== ticket.version) throw this.stale(ticket);
      if (!rule.from.includes(ticket.status)) {
        throw conflict('TRANSITION_NOT_ALLOWED',
          `Không thể ${ACTION_LABELS[input.action]} phản ánh đang ở trạng thái "${STATUS_LABELS[ticket.status]}" (${ticket.status}).`,
          { currentStatus: ticket.status });
      }
      const now = this.clock.now();
      const change = await this.decide(m, ticket, input, now);
      const res = await m.createQueryBuilder().update(Ticket)
        .set({ ...change.set, status: change.status, updatedAt: now })
        .where('id = :id AND version = :version', { id: ticket.id, version: ticket.version })
        .execute();
      // someone else changed it since it was read: name the status it has now, as committed by the winner
      if (res.affected !== 1) throw this.stale((await m.findOneBy(Ticket, { id: ticket.id })) ?? ticket);
      await recordEvent(m, {
        ticketId: ticket.id, type: change.eventType, at: now, actor: actorOf(user),
        fromStatus: ticket.status, toStatus: change.status,
        fromUnitCode: ticket.assignedUnitCode, toUnitCode: change.toUnitCode,
        dueAt: change.set.dueAt !== undefined ? change.set.dueAt : ticket.dueAt,
        note: change.note, data: change.data,
      });
      // the citizen (and the citizens of tickets merged into this one) get the answer on their channel
      if (change.status === 'resolved') await this.answerCitizens(m, { ...ticket, resolution: change.set.resolution ?? null, resolvedAt: now });
      if (change.set.duplicateOfId) {
        // tickets merged into this one follow it to the one kept; if that one is already answered, so are they
        await m.query(`UPDATE tickets SET duplicate_of_id = $2 WHERE duplicate_of_id = $1`, [ticket.id, change.set.duplicateOfId]);
        const kept = await m.findOneByOrFail(Ticket, { id: change.set.duplicateOfId });
        if ((kept.status === 'resolved' || kept.status === 'closed') && kept.resolution) await this.answerCitizens(m, kept);
      }
      return ticket.id;
    });
    // The actor could read the ticket when acting; the answer shows the result even when the change took the ticket
    // out of their sight (a unit returning it to the coordinator), instead of a 404 for a change that was made.
    return this.detail(await this.ds.manager.findOneByOrFail(Ticket, { id }), user);
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
        return { status: 'assigned', set, eventType: transfer ? 'transferred' : 'assigned', note, toUnitCode: unitCode, data: { categoryCode, areaCode } };
      }
      case 'accept':
        return { status: 'in_progress', set: {}, eventType: 'accepted', note: input.dto.note ?? null, toUnitCode: unitKept };
      case 'return':
        return { status: 'received', set: { assignedUnitCode: null }, eventType: 'returned', note: input.dto.reason, toUnitCode: null };
      case 'resolve':
        return { status: 'resolved', set: { resolution: input.dto.resolution, resolvedAt: now }, eventType: 'resolved', note: input.dto.resolution, toUnitCode: unitKept };
      case 'close':
        return { status: 'closed', set: { closedAt: now }, eventType: 'closed', note: input.dto.note ?? null, toUnitCode: unitKept };
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
          status: 'rejected', set: { rejectedAt: now, rejectReason: dto.reason, duplicateOfId }, eventType: 'rejected',
          note: dto.note ?? null, toUnitCode: unitKept, data: { reason: dto.reason, duplicateOf: dto.duplicateOf ?? null },
        };
      }
      case 'reopen': {
        const unit = t.assignedUnitCode ? await this.routing.lockActive(m, t.assignedUnitCode) : null;
        return {
          status: unit ? 'assigned' : 'received',
          set: { assignedUnitCode: unit, resolvedAt: null, closedAt: null, rejectedAt: null, rejectReason: null, duplicateOfId: null, resolution: null, overdueAt: null, overdueForDueAt: null },
          eventType: 'reopened', note: input.dto.reason, toUnitCode: unit,
        };
      }
    }
  }
}
