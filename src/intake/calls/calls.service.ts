import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, MoreThanOrEqual, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { Clock } from '../../common/clock.js';
import { AppError, conflict, notFound } from '../../common/errors.js';
import { nationalPhone, normalizeVietnamesePhone } from '../../common/phone.js';
import { parseTimeBound } from '../../tickets/dto/ticket.dto.js';
import { actorOf } from '../../tickets/ticket-events.js';
import { findTicketById, ticketsOfPhone } from '../../tickets/ticket-lookups.js';
import { loadTicketRefs, ticketView } from '../../tickets/ticket-view.js';
import { TicketsService } from '../../tickets/tickets.service.js';
import { Call } from '../call.entity.js';
import { IntakeService } from '../intake.service.js';
import { CallAnnouncements, type CallAnnouncement } from './call-announcements.js';
import type { AnnounceCallDto, CallTicketDto } from './dto/call.dto.js';

/** How many earlier tickets an announced call shows (newest first); the total is given besides. */
const EARLIER_TICKETS_SHOWN = 20;
const EXCERPT_CHARS = 160;
/** A call still without a ticket is shown on the consoles for this long after it was announced. */
export const PENDING_CALL_MINUTES = 30;

const excerpt = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat;
};

/** Calls announced by the telephone exchange, the caller's earlier tickets, and the ticket typed during a call. */
@Injectable()
export class CallsService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly intake: IntakeService,
    private readonly tickets: TicketsService,
    private readonly announcements: CallAnnouncements,
  ) {}

  /**
   * Records the call once per callId (a repeated announcement changes nothing) and shows the caller's history. The
   * operators' consoles are told at once (the one named in `operator`, or all of them), while the call has no ticket.
   */
  async announce(dto: AnnounceCallDto) {
    const number = normalizeVietnamesePhone(dto.callerNumber) ?? dto.callerNumber;
    await this.ds.createQueryBuilder().insert().into(Call)
      .values({
        callId: dto.callId, callerNumber: number, startedAt: parseTimeBound(dto.startedAt, 'from')!, ticketId: null,
        operator: dto.operator ?? null, createdAt: this.clock.now(),
      })
      .orIgnore()
      .execute();
    const call = await this.ds.manager.findOneByOrFail(Call, { callId: dto.callId });
    // a console shows a call once whatever the number of announcements: a repetition is told again, harmlessly
    if (!call.ticketId) await this.announcements.publish(this.announcement(call));
    return { ...this.callView(call), ...(await this.earlierTickets(call)) };
  }

  /** A call as the consoles are told of it. */
  announcement(call: Call): CallAnnouncement {
    return { ...this.callView(call), operator: call.operator };
  }

  /**
   * The calls an operator's console offers now: announced within PENDING_CALL_MINUTES, still without a ticket, put
   * through to this operator or to nobody in particular; newest first.
   */
  async pendingFor(operator: string, take = 10): Promise<CallAnnouncement[]> {
    const since = new Date(this.clock.now().getTime() - PENDING_CALL_MINUTES * 60_000);
    const calls = await this.ds.getRepository(Call).find({
      where: [
        { ticketId: IsNull(), operator, createdAt: MoreThanOrEqual(since) },
        { ticketId: IsNull(), operator: IsNull(), createdAt: MoreThanOrEqual(since) },
      ],
      order: { createdAt: 'DESC', id: 'ASC' },
      take,
    });
    return calls.map((c) => this.announcement(c));
  }

  /** The call as the console shows it, with the code of its ticket when it has one; null for an unknown call. */
  async find(callId: string): Promise<(CallAnnouncement & { ticketCode: string | null }) | null> {
    const call = await this.ds.manager.findOneBy(Call, { callId });
    if (!call) return null;
    const linked = call.ticketId ? await findTicketById(this.ds.manager, call.ticketId) : null;
    return { ...this.announcement(call), ticketCode: linked?.code ?? null };
  }

  /**
   * Links a call to an existing ticket instead of a new one (the caller called again about it), in the caller's
   * transaction `m`, the call locked: 404 for an unknown call, 409 when it has a ticket already.
   */
  async linkToTicket(m: EntityManager, callId: string, ticketId: string): Promise<void> {
    const call = await m.findOne(Call, { where: { callId }, lock: { mode: 'pessimistic_write' } });
    if (!call) throw this.unknown(callId);
    if (call.ticketId) throw await this.hasTicket(m, callId, call.ticketId);
    await m.update(Call, { id: call.id }, { ticketId });
  }

  /**
   * The tickets of a caller's number (any form) as an announced call lists them, newest first (its status, unit,
   * category, an excerpt): the console's history of the number typed.
   */
  async history(phone: string) {
    const e164 = normalizeVietnamesePhone(phone);
    return e164 ? this.ticketsOf(e164, null) : { earlierTickets: [], earlierTicketsTotal: 0 };
  }

  /**
   * Creates the ticket of a call through the usual path (the caller's number filled in) and links the call to it;
   * with an idempotency key, once (IntakeService.onceForStaff): a repetition creates nothing (created: false). Either
   * way the answer is the ticket as `TicketsService.get` shows it.
   */
  async createTicket(user: AuthUser, callId: string, dto: CallTicketDto, idempotencyKey: string | null = null) {
    const outcome = await this.intake.onceForStaff(
      { user, key: idempotencyKey, request: { route: 'POST /api/calls/:callId/ticket', callId, body: dto } },
      (m) => this.writeCallTicket(m, user, callId, dto),
      { transaction: true },
    );
    const code = outcome.created ? outcome.value : outcome.ticketCode;
    if (outcome.created) await this.announceTaken(callId);
    return { created: outcome.created, ticket: await this.tickets.get(user, code) };
  }

  /** Tells the consoles that the call has its ticket now (they stop offering it). */
  async announceTaken(callId: string): Promise<void> {
    const call = await this.find(callId);
    if (call?.ticketCode) await this.announcements.publish(call);
  }

  /** The ticket of a call, written in the caller's transaction with the call (locked) linked to it. */
  private async writeCallTicket(m: EntityManager, user: AuthUser, callId: string, dto: CallTicketDto) {
    const call = await m.findOne(Call, { where: { callId }, lock: { mode: 'pessimistic_write' } });
    if (!call) throw this.unknown(callId);
    if (call.ticketId) throw await this.hasTicket(m, callId, call.ticketId);
    const ticket = await this.intake.createTicket(m, {
      ...dto,
      channel: dto.channel ?? 'hotline',
      // a withheld or foreign number stays on the call only
      reporterPhone: normalizeVietnamesePhone(call.callerNumber),
    }, actorOf(user));
    await m.update(Call, { id: call.id }, { ticketId: ticket.id });
    return { ticketId: ticket.id, value: ticket.code };
  }

  /** The call and its ticket (when the user may see that ticket). */
  async get(user: AuthUser, callId: string) {
    const call = await this.ds.manager.findOneBy(Call, { callId });
    if (!call) throw this.unknown(callId);
    const linked = call.ticketId ? await findTicketById(this.ds.manager, call.ticketId) : null;
    const ticket = linked
      ? await this.tickets.get(user, linked.code).catch((e: unknown) => {
        if (e instanceof AppError && e.status === 404) return null;
        throw e;
      })
      : null;
    return { ...this.callView(call), ticket };
  }

  private callView(call: Call) {
    return {
      callId: call.callId,
      callerNumber: nationalPhone(normalizeVietnamesePhone(call.callerNumber)) ?? call.callerNumber,
      startedAt: call.startedAt.toISOString(),
      announcedAt: call.createdAt.toISOString(),
    };
  }

  private async hasTicket(m: EntityManager, callId: string, ticketId: string): Promise<AppError> {
    const code = (await findTicketById(m, ticketId))?.code ?? null;
    return conflict('CALL_HAS_TICKET', `Cuộc gọi "${callId}" đã có phản ánh${code ? ` ${code}` : ''}.`, { ticketCode: code });
  }

  /** The caller's tickets, newest first, matched on the canonical number (any form it was typed in); not the call's own. */
  private async earlierTickets(call: Call) {
    const phone = normalizeVietnamesePhone(call.callerNumber);
    if (!phone) return { earlierTickets: [], earlierTicketsTotal: 0 };
    return this.ticketsOf(phone, call.ticketId);
  }

  private async ticketsOf(phone: string, exceptId: string | null) {
    const [items, total] = await ticketsOfPhone(this.ds.manager, phone, exceptId, EARLIER_TICKETS_SHOWN);
    const refs = await loadTicketRefs(this.ds.manager, items);
    const now = this.clock.now();
    return {
      earlierTickets: items.map((t) => {
        const v = ticketView(t, refs, now);
        return { code: v.code, status: v.status, statusLabel: v.statusLabel, receivedAt: v.receivedAt, category: v.category, assignedUnit: v.assignedUnit, excerpt: excerpt(t.content) };
      }),
      earlierTicketsTotal: total,
    };
  }

  private unknown(callId: string): AppError {
    return notFound(`Không tìm thấy cuộc gọi mã "${callId}".`);
  }
}
