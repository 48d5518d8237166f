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
import type { ExtendDeadlineDto } from './dto/sla.dto.js';

/** Deadline questions about one ticket: an extension granted by a coordinator, and how much time is left. */
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
}
