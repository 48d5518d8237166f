import { HttpStatus, Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { AppError, conflict, forbidden } from '../common/errors.js';
import { CitizenFeedbackService, FEEDBACK_RECORDING_ROLES } from '../intake/citizen-feedback.service.js';
import type { RecordFeedbackDto } from '../intake/citizen-feedback.dto.js';
import type { TicketFeedback } from '../tickets/ticket-feedback.entity.js';
import { feedbackClosedReason } from '../tickets/ticket-feedback.js';
import { DISPUTE_ROLES } from '../tickets/ticket-lifecycle.js';
import { DeadlineService } from '../calendar/deadline.service.js';
import { DirectoryService } from '../directory/directory.service.js';
import { DeadlineExtensionService, EXTENSION_REQUEST_ROLES, type ExtensionRequestView } from '../sla/deadline-extension.service.js';
import { OverdueService } from '../sla/overdue.service.js';
import { DEADLINE_EXTENSION_ROLES } from '../tickets/ticket-deadline-extension.js';
import { TICKET_ACTIONS, TRANSITIONS, type TicketAction } from '../tickets/ticket-state.js';
import { OPEN_STATUSES, type TicketStatus } from '../tickets/ticket.entity.js';
import { TicketsService } from '../tickets/tickets.service.js';
import { listQuery, type ActionSubmission, type ListRequest } from './staff-forms.js';
import type { CountKey } from './staff-nav.js';

export type TicketDetail = Awaited<ReturnType<TicketsService['get']>>;
export type TicketList = Awaited<ReturnType<TicketsService['list']>>;
export type OverdueList = Awaited<ReturnType<OverdueService['overdueAt']>>;
export type UnitChoice = Awaited<ReturnType<DirectoryService['listUnits']>>[number];
export type CategoryChoice = Awaited<ReturnType<DirectoryService['listCategories']>>[number];

/** The communes of the province, by district, for the list's commune filter. */
export interface DistrictChoice {
  code: string;
  name: string;
  communes: Array<{ code: string; name: string }>;
}

/** What the list's filters offer: categories, communes, and (for those who see several units) units. */
export interface ListChoices {
  categories: CategoryChoice[];
  districts: DistrictChoice[];
  /** Units to narrow the list to: a leader's subtree, every active unit for those who see all; none for unit staff. */
  units: UnitChoice[];
}

/** A page of the list, each ticket with its time left in its deadline mode. */
export interface ListPage {
  result: TicketList;
  /** By ticket code: minutes left in the ticket's deadline mode (null: closed or no deadline), and the mode. */
  timeLeft: Map<string, { minutesLeft: number | null; mode: 'working' | 'clock' }>;
  choices: ListChoices;
}

/** A unit and every unit under it, in the order given. */
export function subtree(units: UnitChoice[], root: string): UnitChoice[] {
  const inside = new Set([root]);
  // parents come before children in no guaranteed order: repeat until nothing is added
  for (let added = true; added;) {
    added = false;
    for (const u of units) {
      if (!inside.has(u.code) && u.parentCode && inside.has(u.parentCode)) {
        inside.add(u.code);
        added = true;
      }
    }
  }
  return units.filter((u) => inside.has(u.code));
}

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
  /** Open, not late yet, past the warning instant (DUE_SOON_PERCENT of the allowed time). */
  dueSoon: boolean;
  actions: TicketAction[];
  /** Whether the deadline extension form is shown: coordinators and admins, on open tickets. */
  canExtend: boolean;
  /** The citizen's answer about the resolution, if given. */
  feedback: TicketFeedback | null;
  /** Staff may record the citizen's answer from a call back (answered, not rated yet, not too late). */
  canRecordFeedback: boolean;
  /** A coordinator may answer the citizen's "not settled" with an explanation. */
  canExplainDispute: boolean;
  /** The unit's latest request for more time (pending, or the last decided), if any. */
  extensionRequest: ExtensionRequestView | null;
  /** The handling unit's staff may ask for more time (none pending). */
  canRequestExtension: boolean;
  /** A coordinator may approve or decline the pending request. */
  canDecideExtension: boolean;
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
    private readonly deadlines: DeadlineService,
    private readonly clock: Clock,
    private readonly feedback: CitizenFeedbackService,
  ) {}

  /** The areas are reference data that never change while the application runs: read once. */
  private districts?: Promise<DistrictChoice[]>;

  /** What waits for this person, for the header's counts on first render. */
  counts(user: AuthUser): Promise<Partial<Record<CountKey, number>>> {
    return this.tickets.waitingCounts(user);
  }

  /** A page of the list as TicketsService gives it to this user, the time left of each ticket, and the filters' choices. */
  async list(user: AuthUser, request: ListRequest): Promise<ListPage> {
    const [result, choices] = await Promise.all([this.tickets.list(user, listQuery(request)), this.choices(user)]);
    const now = this.clock.now();
    const modes = new Map(choices.categories.map((c) => [c.code, c.deadlineMode]));
    const timeLeft = new Map(result.items.map((t) => {
      const mode = (t.category && modes.get(t.category.code)) || 'working';
      const open = OPEN_STATUSES.includes(t.status);
      return [t.code, { mode, minutesLeft: open && t.dueAt ? this.deadlines.minutesLeft(now, new Date(t.dueAt), mode) : null }];
    }));
    return { result, timeLeft, choices };
  }

  private async choices(user: AuthUser): Promise<ListChoices> {
    const [categories, districts, units] = await Promise.all([
      this.directory.listCategories(),
      this.districts ??= this.loadDistricts().catch((e) => { this.districts = undefined; throw e; }),
      user.role === 'unit_staff' ? Promise.resolve([]) : this.directory.listUnits({ active: 'true' }),
    ]);
    return { categories, districts, units: user.role === 'leader' && user.unitCode ? subtree(units, user.unitCode) : units };
  }

  /** The communes for the list's area filter, grouped by district (2021 map) or under the province (2025 map). */
  private async loadDistricts(): Promise<DistrictChoice[]> {
    return (await this.directory.communeGroups()).map((g) => ({ code: g.code, name: g.name, communes: g.communes }));
  }

  /** The ticket (404 when this user may not read it, as for an unknown code), its time left and the forms' data. */
  async ticketPage(user: AuthUser, code: string): Promise<TicketPage> {
    const ticket = await this.tickets.get(user, code);
    const now = this.clock.now();
    const open = OPEN_STATUSES.includes(ticket.status);
    const actions = availableActions(user, ticket.status);
    const [[latest], feedback] = await Promise.all([this.extensions.extensionRequests(user, code), this.feedback.feedbackFor(user, code)]);
    // the time left as the API's GET /api/tickets/:code/deadline gives it
    const { deadlineMode, minutesLeft, warnAt, overdue } = await this.extensions.timeLeft(user, code);
    return {
      ticket,
      now,
      deadlineMode,
      minutesLeft,
      dueSoon: open && !overdue && !!warnAt && Date.parse(warnAt) <= now.getTime(),
      actions,
      canExtend: open && DEADLINE_EXTENSION_ROLES.includes(user.role),
      extensionRequest: latest ?? null,
      canRequestExtension: (ticket.status === 'assigned' || ticket.status === 'in_progress') && EXTENSION_REQUEST_ROLES.includes(user.role) && latest?.status !== 'pending',
      canDecideExtension: latest?.status === 'pending' && DEADLINE_EXTENSION_ROLES.includes(user.role),
      feedback,
      canRecordFeedback: !feedback && FEEDBACK_RECORDING_ROLES.includes(user.role) && feedbackClosedReason({ ...ticket, resolvedAt: ticket.resolvedAt ? new Date(ticket.resolvedAt) : null, duplicateOfId: ticket.duplicateOf ? 'merged' : null }, now) === null,
      canExplainDispute: !!feedback && !feedback.settled && !feedback.followedUpAt && DISPUTE_ROLES.includes(user.role),
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
        : s.action === 'request_extension' ? { code: (await this.extensions.requestExtension(user, code, s.dto)).ticketCode ?? code }
          : s.action === 'approve_extension' ? await this.extensions.approveExtension(user, code, s.dto)
            : s.action === 'decline_extension' ? await this.extensions.declineExtension(user, code, s.dto)
              : s.action === 'record_feedback' ? await this.recordFeedback(user, code, s.dto)
                : s.action === 'explain_dispute' ? await this.feedback.explain(user, code, s.dto.text ?? '', s.dto.version)
                  : await this.tickets.act(user, code, s as Parameters<TicketsService['act']>[2]);
    try {
      await this.tickets.get(user, after.code);
      return { code: after.code, stillVisible: true };
    } catch (e) {
      if (e instanceof AppError && e.status === HttpStatus.NOT_FOUND) return { code: after.code, stillVisible: false };
      throw e;
    }
  }

  private async recordFeedback(user: AuthUser, code: string, dto: RecordFeedbackDto): Promise<{ code: string }> {
    const recorded = await this.feedback.recordByOperator(user, code, { settled: dto.settled ?? '', rating: dto.rating ?? '', reason: dto.reason ?? '' });
    if (!recorded) throw conflict('FEEDBACK_GIVEN', 'Phản ánh này đã có đánh giá của người dân; mỗi phản ánh chỉ nhận một lần đánh giá.');
    return { code };
  }

  /** The per-unit overdue list now, as OverdueService gives it to this user (a leader sees their unit's subtree). */
  overdueNow(user: AuthUser, opts: { unit?: string; page?: number } = {}): Promise<OverdueList> {
    if (!OVERDUE_PAGE_ROLES.includes(user.role)) throw forbidden('Trang này dành cho lãnh đạo và điều phối viên.');
    return this.overdue.overdueAt(this.clock.now(), user, { unit: opts.unit === 'none' ? '' : opts.unit, page: opts.page, current: true });
  }
}
