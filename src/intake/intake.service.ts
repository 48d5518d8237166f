import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { badRequest, type FieldProblem } from '../common/errors.js';
import { normalizeVietnamesePhone } from '../common/phone.js';
import { Area } from '../directory/area.entity.js';
import { Category } from '../directory/category.entity.js';
import { RoutingService } from '../routing/routing.service.js';
import { DeadlineService } from '../sla/deadline.service.js';
import { newTicketCode } from '../tickets/ticket-code.js';
import { recordEvent, type Actor } from '../tickets/ticket-events.js';
import { areaNamesFor, ticketSearchText } from '../tickets/ticket-view.js';
import { Ticket, type Channel } from '../tickets/ticket.entity.js';

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
  ) {}

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
    await recordEvent(m, {
      ticketId: ticket.id, type: 'created', at: receivedAt, actor,
      toStatus: ticket.status, toUnitCode: ticket.assignedUnitCode, dueAt: ticket.dueAt, note: decision.reason,
      data: { channel: input.channel, routingRuleId: decision.ruleId },
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
