import { HttpStatus, Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { AppError, forbidden } from '../common/errors.js';
import { DirectoryService } from '../directory/directory.service.js';
import { DeadlineExtensionService } from '../sla/deadline-extension.service.js';
import { OverdueService } from '../sla/overdue.service.js';
import { DEADLINE_EXTENSION_ROLES } from '../tickets/ticket-deadline-extension.js';
import { TICKET_ACTIONS, TRANSITIONS, type TicketAction } from '../tickets/ticket-state.js';
import { OPEN_STATUSES, type TicketStatus } from '../tickets/ticket.entity.js';
import { TicketsService } from '../tickets/tickets.service.js';
import { listQuery, type ActionSubmission, type ListFilter } from './staff-forms.js';

export type TicketDetail = Awaited<ReturnType<TicketsService['get']>>;
export type TicketList = Awaited<ReturnType<TicketsService['list']>>;
export type OverdueList = Awaited<ReturnType<OverdueService['overdueAt']>>;
export type UnitChoice = Awaited<ReturnType<DirectoryService['listUnits']>>[number];

/** Roles that see the per-unit overdue list. */
export const OVERDUE_PAGE_ROLES: readonly AuthUser['role'][] = ['leader', 'coordinator', 'admin'];

/**
 * The actions this user may take on a ticket in this status, read from TRANSITIONS (the state table) and the role.
 * Unit staff only ever see tickets of their own unit, so a ticket they can read is one they may act on.
 */
export function availableActions(user: AuthUser, status: TicketStatus): TicketAction[] {
  return TICKET_ACTIONS.filter((a) => TRANSITIONS[a].roles.includes(user.role) && TRANSITIONS[a].from.includes(status));
}

export interface TicketPage {
  ticket: TicketDetail;
  now: Date;
  /** The ticket's deadline mode: its category's, working time without a category. */
  deadlineMode: 'working' | 'clock';
  /**
   * Minutes to the deadline in that mode (clock minutes for urgent categories, working minutes otherwise; negative
   * past it); null when closed or without a deadline.
   */
  minutesLeft: number | null;
  actions: TicketAction[];
  /** Whether the deadline extension form is shown: coordinators and admins, on open tickets. */
  canExtend: boolean;
  /** Active units, for the assignment form (only when the user may assign). */
  units: UnitChoice[];
}

/**
 * What the staff pages show and do, through the services the API uses (TicketsService holds the access rules), so a
 * page shows exactly what the API would give the same person.
 */
@Injectable()
export class StaffPagesService {
  constructor(
    private readonly tickets: TicketsService,
    private readonly directory: DirectoryService,
    private readonly overdue: OverdueService,
    private readonly extensions: DeadlineExtensionService,
    private readonly clock: Clock,
  ) {}

  list(user: AuthUser, filter: ListFilter): Promise<TicketList> {
    return this.tickets.list(user, listQuery(filter));
  }

  /** The ticket (404 when this user may not read it, as for an unknown code), its time left and the forms' data. */
  async ticketPage(user: AuthUser, code: string): Promise<TicketPage> {
    const ticket = await this.tickets.get(user, code);
    const now = this.clock.now();
    const open = OPEN_STATUSES.includes(ticket.status);
    const actions = availableActions(user, ticket.status);
    // the time left as the API's GET /api/tickets/:code/deadline gives it
    const { deadlineMode, minutesLeft } = await this.extensions.timeLeft(user, code);
    return {
      ticket,
      now,
      deadlineMode,
      minutesLeft,
      actions,
      canExtend: open && DEADLINE_EXTENSION_ROLES.includes(user.role),
      units: actions.includes('assign') ? await this.directory.listUnits({ active: 'true' }) : [],
    };
  }

  /**
   * Applies a form: a lifecycle action (TicketsService.act), a deadline extension (DeadlineExtensionService.extend)
   * or a comment. Answers the ticket's code and whether this
   * user may still read it (a unit returning a ticket to the coordinators no longer can).
   */
  async submit(user: AuthUser, code: string, s: ActionSubmission): Promise<{ code: string; stillVisible: boolean }> {
    const after = s.action === 'comment' ? await this.tickets.comment(user, code, s.dto)
      : s.action === 'extend' ? await this.extensions.extend(user, code, s.dto)
        : await this.tickets.act(user, code, s as Parameters<TicketsService['act']>[2]);
    try {
      await this.tickets.get(user, after.code);
      return { code: after.code, stillVisible: true };
    } catch (e) {
      if (e instanceof AppError && e.status === HttpStatus.NOT_FOUND) return { code: after.code, stillVisible: false };
      throw e;
    }
  }

  /** The per-unit overdue list now, as OverdueService gives it to this user (a leader sees their unit's subtree). */
  overdueNow(user: AuthUser, opts: { unit?: string; page?: number } = {}): Promise<OverdueList> {
    if (!OVERDUE_PAGE_ROLES.includes(user.role)) throw forbidden('Trang này dành cho lãnh đạo và điều phối viên.');
    return this.overdue.overdueAt(this.clock.now(), user, { unit: opts.unit === 'none' ? '' : opts.unit, page: opts.page });
  }
}
