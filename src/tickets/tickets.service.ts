import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { normalizeVietnamesePhone } from '../common/phone.js';
import { foldText } from '../common/text.js';
import { parseTimeBound, type CommentDto, type TicketQueryDto } from './dto/ticket.dto.js';
import { findVisibleTicket, restrictToVisible } from './ticket-access.js';
import { mergedInto } from './ticket-queue.js';
import { normalizeTicketCode } from './ticket-code.js';
import { TicketEvent } from './ticket-event.entity.js';
import { TicketLifecycle, type ActionInput, type CreatedTicket } from './ticket-lifecycle.js';
import { actorOf, recordEvent } from './ticket-events.js';
import { eventView, loadTicketRefs, ticketView } from './ticket-view.js';
import { OPEN_STATUSES, Ticket } from './ticket.entity.js';

/** Those who see every ticket (operators, coordinators, admins) are shown the tickets that may be the same matter. */
const seesDuplicates = (user: AuthUser) => ['operator', 'coordinator', 'admin'].includes(user.role);

/** Ticket lists count matches up to this many; past it, `total` is this number and `totalExact` is false. */
export const LIST_COUNT_CAP = 10_000;

/** The header's counts are exact up to this many; WAITING_COUNT_CAP + 1 means more (shown as "999+"). */
export const WAITING_COUNT_CAP = 999;

const FULL_CODE = /^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

@Injectable()
export class TicketsService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly lifecycle: TicketLifecycle,
  ) {}

  /**
   * The answer to a creation, built from what was just written (the ticket, its one event, the likely duplicates
   * found when it was created, the names already loaded): what `get` would show, without reading it back.
   */
  viewOfCreated({ ticket, event, likelyDuplicates, refs }: CreatedTicket, user: AuthUser) {
    return {
      ...ticketView(ticket, refs, this.clock.now()),
      likelyDuplicates: seesDuplicates(user) ? likelyDuplicates : [],
      // a new ticket has nothing merged into it yet
      mergedTickets: [],
      events: [eventView(event, refs.units)],
    };
  }

  /**
   * What waits for this person, for the count in the pages' header: for coordinators and admins the tickets waiting
   * for a unit (new or returned); for unit staff their unit's tickets not yet accepted. Each count stops at
   * WAITING_COUNT_CAP + 1, which means "more than WAITING_COUNT_CAP": the header is shown on every staff page and
   * asked for every 30 s, and after a crisis the queue may hold tens of thousands (reading each of them to count
   * them took half a second at a million tickets). Below the cap the count is exact.
   */
  async waitingCounts(user: AuthUser): Promise<{ queue?: number; unit?: number }> {
    const capped = async (where: string, params: unknown[]) => {
      const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM tickets WHERE ${where} LIMIT ${WAITING_COUNT_CAP + 1}) x`, params);
      return n as number;
    };
    if (user.role === 'coordinator' || user.role === 'admin') {
      return { queue: await capped(`status = 'received'`, []) };
    }
    if (user.role === 'unit_staff' && user.unitCode) {
      return { unit: await capped(`status = 'assigned' AND assigned_unit_code = $1`, [user.unitCode]) };
    }
    return {};
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
      // the area, the areas under it, and the areas that became part of one of them (area_successions: a 2021
      // commune → its 2025 commune), whose tickets keep the area they were received in
      qb.andWhere(`t.area_code IN (SELECT code FROM (WITH RECURSIVE edges AS (
          SELECT parent_code AS up, code AS down FROM areas WHERE parent_code IS NOT NULL
          UNION ALL SELECT new_code, old_code FROM area_successions),
        sub AS (SELECT code FROM areas WHERE code = :area
          UNION SELECT e.down FROM edges e JOIN sub ON e.up = sub.code) SELECT code FROM sub) s)`, { area: q.area });
    }
    if (q.overdue === 'true') qb.andWhere('t.status IN (:...open) AND t.due_at < :now', { open: OPEN_STATUSES, now });
    if (q.overdue === 'false') qb.andWhere('NOT (t.status IN (:...open) AND t.due_at < :now)', { open: OPEN_STATUSES, now });
    if (q.receivedFrom) qb.andWhere('t.received_at >= :from', { from: parseTimeBound(q.receivedFrom, 'from') });
    if (q.receivedTo) qb.andWhere('t.received_at < :to', { to: parseTimeBound(q.receivedTo, 'to') });
    if (q.phone) qb.andWhere('t.reporter_phone = :phone', { phone: normalizeVietnamesePhone(q.phone) });
    if (q.q && foldText(q.q)) {
      // the text as typed, and what a person may mean by it: a phone number written with spaces, dots or dashes
      // ("0912 345 678", "0912.345.678"), a tracking code in lower case or without its dashes ("pa7k3m9qxz")
      const alternatives = [`t.search_text LIKE :text ESCAPE '\\'`];
      const phone = /^[+\d][\d\s.\-()]{7,18}$/.test(q.q.trim()) ? normalizeVietnamesePhone(q.q) : null;
      if (phone) alternatives.push('t.reporter_phone = :qPhone');
      const code = normalizeTicketCode(q.q);
      if (FULL_CODE.test(code)) alternatives.push('t.code = :qCode');
      qb.andWhere(new Brackets((w) => { for (const a of alternatives) w.orWhere(a); }), { text: `%${escapeLike(foldText(q.q))}%`, qPhone: phone, qCode: code });
    }
    // the count stops at LIST_COUNT_CAP: exact below it, "more than" above (counting a million rows on every page
    // would cost more than the page itself)
    const [countSql, countParams] = qb.clone().select('1').limit(LIST_COUNT_CAP + 1).getQueryAndParameters();
    if (q.sort === 'deadline') {
      // what must be done first: open tickets by deadline (the late ones first), then the others, newest first
      qb.orderBy(`CASE WHEN t.status IN ('${OPEN_STATUSES.join("','")}') THEN 0 ELSE 1 END`, 'ASC')
        .addOrderBy(`CASE WHEN t.status IN ('${OPEN_STATUSES.join("','")}') THEN t.due_at END`, 'ASC', 'NULLS LAST')
        .addOrderBy('t.received_at', 'DESC').addOrderBy('t.id', 'ASC');
    } else {
      qb.orderBy('t.received_at', 'DESC').addOrderBy('t.id', 'ASC');
    }
    qb.skip((page - 1) * pageSize).take(pageSize);
    const [items, [{ n }]] = await Promise.all([
      qb.getMany(),
      this.ds.query(`SELECT count(*)::int AS n FROM (${countSql}) c`, countParams) as Promise<Array<{ n: number }>>,
    ]);
    const refs = await loadTicketRefs(this.ds.manager, items);
    const totalExact = n <= LIST_COUNT_CAP;
    // due soon: open, not yet late, past the warning instant (DUE_SOON_PERCENT of the allowed time)
    const dueSoon = (t: Ticket) => OPEN_STATUSES.includes(t.status) && !!t.dueAt && t.dueAt >= now && !!t.warnAt && t.warnAt <= now;
    return {
      items: items.map((t) => ({ ...ticketView(t, refs, now), dueSoon: dueSoon(t) })),
      total: Math.min(n, LIST_COUNT_CAP), totalExact, page, pageSize,
    };
  }

  async get(user: AuthUser, code: string) {
    return this.detail(await findVisibleTicket(this.ds.manager, user, code), user);
  }

  /**
   * The ticket with its events, as the API shows it; for those who see every ticket (operators, coordinators,
   * admins), the tickets that may be the same matter, to merge, and those already merged into it.
   */
  private async detail(ticket: Ticket, user: AuthUser) {
    const m = this.ds.manager;
    const events = await m.find(TicketEvent, { where: { ticketId: ticket.id }, order: { at: 'ASC', id: 'ASC' } });
    const refs = await loadTicketRefs(m, [ticket], events.flatMap((e) => [e.fromUnitCode, e.toUnitCode]));
    const likelyDuplicates = seesDuplicates(user) && !ticket.duplicateOfId ? await this.lifecycle.likelyDuplicates(m, ticket) : [];
    // the tickets merged into this one (index idx_tickets_duplicate_of), for those who see other tickets' codes
    const mergedTickets = seesDuplicates(user)
      ? (await mergedInto(m, ticket.id)).map((t) => ({ code: t.code, receivedAt: t.receivedAt.toISOString(), mergedAt: t.mergedAt?.toISOString() ?? null }))
      : [];
    return { ...ticketView(ticket, refs, this.clock.now()), likelyDuplicates, mergedTickets, events: events.map((e) => eventView(e, refs.units)) };
  }

  async comment(user: AuthUser, code: string, dto: CommentDto) {
    await this.ds.transaction((m) => this.commentIn(m, user, code, dto));
    return this.get(user, code);
  }

  /**
   * A comment written in the caller's transaction (the console adds a call to a ticket under its idempotency key:
   * the comment and the key commit together, so a resend adds nothing and a crash leaves neither).
   */
  async commentIn(m: EntityManager, user: AuthUser, code: string, dto: CommentDto): Promise<void> {
    const ticket = await findVisibleTicket(m, user, code);
    // a comment changes no state, so it carries none: it reads the ticket without a lock, and a state written
    // from that read could overtake a change committed meanwhile in the history (ticket-history.ts)
    await recordEvent(m, {
      ticketId: ticket.id, type: 'comment', at: this.clock.now(), actor: actorOf(user),
      note: dto.text, internal: dto.internal ?? true,
    });
  }

  /** Applies one lifecycle action (TicketLifecycle.act) to a ticket this user may read; answers the ticket as it is then. */
  async act(user: AuthUser, code: string, input: ActionInput) {
    const id = await this.ds.transaction(async (m) => {
      const ticket = await findVisibleTicket(m, user, code);
      await this.lifecycle.act(m, user, ticket, input);
      return ticket.id;
    });
    // The actor could read the ticket when acting; the answer shows the result even when the change took the ticket
    // out of their sight (a unit returning it to the coordinator), instead of a 404 for a change that was made.
    return this.detail(await this.ds.manager.findOneByOrFail(Ticket, { id }), user);
  }

}
