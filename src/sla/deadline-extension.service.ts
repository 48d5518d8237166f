import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { badRequest, conflict, forbidden } from '../common/errors.js';
import { parseTimeBound } from '../common/time-bound.js';
import { formatDateTimeVi } from '../common/vn-time.js';
import { Category } from '../directory/category.entity.js';
import { findVisibleTicket } from '../tickets/ticket-access.js';
import { DEADLINE_EXTENSION_ROLES } from '../tickets/ticket-deadline-extension.js';
import { TicketLifecycle } from '../tickets/ticket-lifecycle.js';
import { actorOf } from '../tickets/ticket-events.js';
import { STATUS_LABELS } from '../tickets/ticket-state.js';
import { OPEN_STATUSES } from '../tickets/ticket.entity.js';
import { DeadlineService } from '../calendar/deadline.service.js';
import type { ApproveExtensionDto, DeclineExtensionDto, ExtendDeadlineDto } from './dto/sla.dto.js';
import { TicketExtensionRequest } from '../tickets/extension-request.entity.js';
import { extensionRequestsOf, lockPendingExtensionRequest } from '../tickets/ticket-extension-requests.js';
import type { Ticket } from '../tickets/ticket.entity.js';

/** Who may ask a coordinator for more time: the staff of the unit handling the ticket. */
export const EXTENSION_REQUEST_ROLES: readonly AuthUser['role'][] = ['unit_staff'];

/** A unit's request for more time, as the API and the pages show it. */
export interface ExtensionRequestView {
  id: string;
  ticketCode?: string;
  status: 'pending' | 'approved' | 'declined';
  requestedDueAt: string;
  previousDueAt: string | null;
  reason: string;
  unitCode: string | null;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  grantedDueAt: string | null;
  decisionNote: string | null;
}

export function extensionRequestView(r: TicketExtensionRequest, ticketCode?: string): ExtensionRequestView {
  return {
    id: r.id, ...(ticketCode ? { ticketCode } : {}), status: r.status,
    requestedDueAt: r.requestedDueAt.toISOString(), previousDueAt: r.previousDueAt?.toISOString() ?? null,
    reason: r.reason, unitCode: r.unitCode, requestedBy: r.requestedByName, requestedAt: r.requestedAt.toISOString(),
    decidedBy: r.decidedByName, decidedAt: r.decidedAt?.toISOString() ?? null, grantedDueAt: r.grantedDueAt?.toISOString() ?? null,
    decisionNote: r.decisionNote,
  };
}

const STALE = (t: Ticket) => conflict('STALE_VERSION', 'Phản ánh vừa được người khác cập nhật; vui lòng tải lại và thử lại.', { currentStatus: t.status });
const NONE_PENDING = () => conflict('NO_PENDING_EXTENSION', 'Phản ánh này không có đề nghị gia hạn nào đang chờ xem xét.');

/**
 * Deadline questions about one ticket: an extension granted by a coordinator, a unit's request for one (approved or
 * declined by a coordinator), and how much time is left.
 */
@Injectable()
export class DeadlineExtensionService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly deadlines: DeadlineService,
    private readonly tickets: TicketLifecycle,
  ) {}

  /**
   * The deadline and the time left, in minutes of the ticket's deadline mode (its category's; working time without a
   * category): clock minutes for urgent categories, working minutes otherwise; negative once past the deadline.
   */
  async timeLeft(user: AuthUser, code: string) {
    const t = await findVisibleTicket(this.ds.manager, user, code);
    const now = this.clock.now();
    const open = OPEN_STATUSES.includes(t.status);
    const deadlineMode = await this.deadlineMode(t.categoryCode);
    const minutesLeft = open && t.dueAt ? this.deadlines.minutesLeft(now, t.dueAt, deadlineMode) : null;
    return {
      code: t.code,
      dueAt: t.dueAt?.toISOString() ?? null,
      warnAt: t.warnAt?.toISOString() ?? null,
      overdue: open && !!t.dueAt && t.dueAt < now,
      overdueAt: t.overdueAt?.toISOString() ?? null,
      deadlineMode,
      minutesLeft,
    };
  }

  private async deadlineMode(categoryCode: string | null, m = this.ds.manager): Promise<'working' | 'clock'> {
    const category = categoryCode ? await m.findOneBy(Category, { code: categoryCode }) : null;
    return category?.deadlineMode ?? 'working';
  }

  async extend(user: AuthUser, code: string, dto: ExtendDeadlineDto) {
    await this.ds.transaction(async (m) => {
      const t = await findVisibleTicket(m, user, code);
      if (!DEADLINE_EXTENSION_ROLES.includes(user.role)) throw forbidden('Chỉ điều phối viên được gia hạn xử lý phản ánh.');
      if (dto.version !== undefined && dto.version !== t.version) {
        throw conflict('STALE_VERSION', 'Phản ánh vừa được người khác cập nhật; vui lòng tải lại và thử lại.', { currentStatus: t.status });
      }
      if (!OPEN_STATUSES.includes(t.status)) {
        throw conflict('TRANSITION_NOT_ALLOWED', `Không thể gia hạn phản ánh đang ở trạng thái "${STATUS_LABELS[t.status]}" (${t.status}).`, { currentStatus: t.status });
      }
      // validated by @IsTimeBound('instant'): a date and time, Viet Nam time when it has no offset
      const dueAt = parseTimeBound(dto.dueAt, 'instant');
      if (!dueAt) throw badRequest([{ field: 'dueAt', reason: 'phải là thời điểm theo ISO-8601, gồm ngày và giờ (ví dụ 2022-01-12T16:00:00+07:00)' }]);
      if (t.dueAt && dueAt <= t.dueAt) throw badRequest([{ field: 'dueAt', reason: `phải sau hạn hiện tại (${formatDateTimeVi(t.dueAt)})` }]);
      const warnAt = this.deadlines.warnAt(t.receivedAt, dueAt, await this.deadlineMode(t.categoryCode, m));
      await this.tickets.extendDeadline(m, t, { dueAt, warnAt, at: this.clock.now(), actor: actorOf(user), reason: dto.reason });
    });
    return this.timeLeft(user, code);
  }

  /** A new deadline asked by the handling unit's staff, with a reason; it waits for a coordinator's decision. */
  async requestExtension(user: AuthUser, code: string, dto: ExtendDeadlineDto): Promise<ExtensionRequestView> {
    const request = await this.ds.transaction(async (m) => {
      const t = await findVisibleTicket(m, user, code);
      if (!EXTENSION_REQUEST_ROLES.includes(user.role)) {
        throw forbidden('Chỉ cán bộ đơn vị xử lý được đề nghị gia hạn; điều phối viên gia hạn trực tiếp.');
      }
      if (dto.version !== undefined && dto.version !== t.version) throw STALE(t);
      if (t.status !== 'assigned' && t.status !== 'in_progress') {
        throw conflict('TRANSITION_NOT_ALLOWED', `Không thể đề nghị gia hạn phản ánh đang ở trạng thái "${STATUS_LABELS[t.status]}" (${t.status}).`, { currentStatus: t.status });
      }
      const dueAt = this.newDueAt(dto.dueAt, t);
      return this.tickets.requestExtension(m, t, { dueAt, at: this.clock.now(), actor: actorOf(user), reason: dto.reason });
    });
    return extensionRequestView(request);
  }

  /** The pending request approved by a coordinator: the deadline asked (or the one the coordinator sets) is granted. */
  async approveExtension(user: AuthUser, code: string, dto: ApproveExtensionDto) {
    await this.ds.transaction(async (m) => {
      const t = await findVisibleTicket(m, user, code);
      if (!DEADLINE_EXTENSION_ROLES.includes(user.role)) throw forbidden('Chỉ điều phối viên được chấp thuận đề nghị gia hạn.');
      const request = await lockPendingExtensionRequest(m, t.id);
      if (!request) throw NONE_PENDING();
      if (dto.version !== undefined && dto.version !== t.version) throw STALE(t);
      if (!OPEN_STATUSES.includes(t.status)) {
        throw conflict('TRANSITION_NOT_ALLOWED', `Không thể gia hạn phản ánh đang ở trạng thái "${STATUS_LABELS[t.status]}" (${t.status}); hãy không chấp thuận đề nghị.`, { currentStatus: t.status });
      }
      const dueAt = dto.dueAt ? this.newDueAt(dto.dueAt, t) : request.requestedDueAt;
      if (!dto.dueAt && t.dueAt && dueAt <= t.dueAt) {
        throw badRequest([{ field: 'dueAt', reason: `hạn đơn vị đề nghị không sau hạn hiện tại (${formatDateTimeVi(t.dueAt)}); hãy ghi hạn mới` }]);
      }
      const warnAt = this.deadlines.warnAt(t.receivedAt, dueAt, await this.deadlineMode(t.categoryCode, m));
      const reason = dto.note || `Chấp thuận đề nghị gia hạn của ${request.requestedByName}: ${request.reason}`;
      await this.tickets.approveExtension(m, t, request, { dueAt, warnAt, at: this.clock.now(), actor: actorOf(user), reason });
    });
    return this.timeLeft(user, code);
  }

  /** The pending request declined by a coordinator, with the reason the unit reads; the deadline stays. */
  async declineExtension(user: AuthUser, code: string, dto: DeclineExtensionDto) {
    await this.ds.transaction(async (m) => {
      const t = await findVisibleTicket(m, user, code);
      if (!DEADLINE_EXTENSION_ROLES.includes(user.role)) throw forbidden('Chỉ điều phối viên được xem xét đề nghị gia hạn.');
      const request = await lockPendingExtensionRequest(m, t.id);
      if (!request) throw NONE_PENDING();
      if (dto.version !== undefined && dto.version !== t.version) throw STALE(t);
      await this.tickets.declineExtension(m, t, request, { at: this.clock.now(), actor: actorOf(user), note: dto.reason });
    });
    return this.timeLeft(user, code);
  }

  /** The requests of a ticket this user may read, newest first. */
  async extensionRequests(user: AuthUser, code: string): Promise<ExtensionRequestView[]> {
    const t = await findVisibleTicket(this.ds.manager, user, code);
    return (await extensionRequestsOf(this.ds.manager, t.id)).map((r) => extensionRequestView(r, t.code));
  }

  /** A deadline asked or set: a date and a time, after now and after the deadline in force (400 on the field otherwise). */
  private newDueAt(value: string, t: Ticket): Date {
    const dueAt = parseTimeBound(value, 'instant');
    if (!dueAt) throw badRequest([{ field: 'dueAt', reason: 'phải là thời điểm theo ISO-8601, gồm ngày và giờ (ví dụ 2022-01-12T16:00:00+07:00)' }]);
    if (t.dueAt && dueAt <= t.dueAt) throw badRequest([{ field: 'dueAt', reason: `phải sau hạn hiện tại (${formatDateTimeVi(t.dueAt)})` }]);
    if (dueAt <= this.clock.now()) throw badRequest([{ field: 'dueAt', reason: 'phải là một thời điểm trong tương lai' }]);
    return dueAt;
  }
}
