import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { Clock } from '../../common/clock.js';
import { AppError, conflict, notFound } from '../../common/errors.js';
import { nationalPhone, normalizeVietnamesePhone } from '../../common/phone.js';
import { parseTimeBound } from '../../tickets/dto/ticket.dto.js';
import { StaffIdempotencyService } from '../../tickets/staff-idempotency.service.js';
import { actorOf } from '../../tickets/ticket-events.js';
import { findTicketById, ticketsOfPhone } from '../../tickets/ticket-lookups.js';
import { loadTicketRefs, ticketView } from '../../tickets/ticket-view.js';
import { TicketsService } from '../../tickets/tickets.service.js';
import { Call } from '../call.entity.js';
import { IntakeService } from '../intake.service.js';
import type { AnnounceCallDto, CallTicketDto } from './dto/call.dto.js';

/** How many earlier tickets an announced call shows (newest first); the total is given besides. */
const EARLIER_TICKETS_SHOWN = 20;
const EXCERPT_CHARS = 160;

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
    private readonly idempotency: StaffIdempotencyService,
  ) {}

  /** Records the call once per callId (a repeated announcement changes nothing) and shows the caller's history. */
  async announce(dto: AnnounceCallDto) {
    const number = normalizeVietnamesePhone(dto.callerNumber) ?? dto.callerNumber;
    await this.ds.createQueryBuilder().insert().into(Call)
      .values({ callId: dto.callId, callerNumber: number, startedAt: parseTimeBound(dto.startedAt, 'from')!, ticketId: null, createdAt: this.clock.now() })
      .orIgnore()
      .execute();
    const call = await this.ds.manager.findOneByOrFail(Call, { callId: dto.callId });
    return { ...this.callView(call), ...(await this.earlierTickets(call)) };
  }

  /**
   * Creates the ticket of a call through the usual path (the caller's number filled in) and links the call to it;
   * with an idempotency key, once (StaffIdempotencyService): a repetition creates nothing (created: false). Either
   * way the answer is the ticket as `TicketsService.get` shows it.
   */
  async createTicket(user: AuthUser, callId: string, dto: CallTicketDto, idempotencyKey: string | null = null) {
    const outcome = await this.idempotency.once(
      { user, key: idempotencyKey, request: { route: 'POST /api/calls/:callId/ticket', callId, body: dto } },
      (m) => this.writeCallTicket(m, user, callId, dto),
      { transaction: true },
    );
    const code = outcome.created ? outcome.value : outcome.ticketCode;
    return { created: outcome.created, ticket: await this.tickets.get(user, code) };
  }

  /** The ticket of a call, written in the caller's transaction with the call (locked) linked to it. */
  private async writeCallTicket(m: EntityManager, user: AuthUser, callId: string, dto: CallTicketDto) {
    const call = await m.findOne(Call, { where: { callId }, lock: { mode: 'pessimistic_write' } });
    if (!call) throw this.unknown(callId);
    if (call.ticketId) {
      const linked = await findTicketById(m, call.ticketId);
      const code = linked?.code ?? null;
      throw conflict('CALL_HAS_TICKET', `Cuộc gọi "${callId}" đã có phản ánh${code ? ` ${code}` : ''}.`, { ticketCode: code });
    }
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

  /** The caller's tickets, newest first, matched on the canonical number (any form it was typed in); not the call's own. */
  private async earlierTickets(call: Call) {
    const phone = normalizeVietnamesePhone(call.callerNumber);
    if (!phone) return { earlierTickets: [], earlierTicketsTotal: 0 };
    const [items, total] = await ticketsOfPhone(this.ds.manager, phone, call.ticketId, EARLIER_TICKETS_SHOWN);
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
