import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Settings } from '../../../config/settings.js';
import type { AuthUser } from '../../common/auth-user.js';
import { DeadlineService } from '../../calendar/deadline.service.js';
import { Clock } from '../../common/clock.js';
import { AppError, badRequest, forbidden } from '../../common/errors.js';
import { compareVietnamese } from '../../common/text.js';
import { DirectoryService } from '../../directory/directory.service.js';
import { districtPhrase } from '../../directory/reference-data.js';
import { loadUnitRefs } from '../../directory/unit-label.js';
import { RoutingService } from '../../routing/routing.service.js';
import type { AssignDto, RejectDto } from '../../tickets/dto/ticket.dto.js';
import { findVisibleTicket } from '../../tickets/ticket-access.js';
import { mergedInto, queueCounts, queuePage, returnInfo, type QueueView, type QueueWindow } from '../../tickets/ticket-queue.js';
import { REJECT_REASON_LABELS } from '../../tickets/ticket-state.js';
import { loadTicketRefs, ticketView } from '../../tickets/ticket-view.js';
import { OPEN_STATUSES } from '../../tickets/ticket.entity.js';
import { TicketsService } from '../../tickets/tickets.service.js';
import { QUEUE_PAGE_SIZE } from './coordination-forms.js';

/** Who works the queue. */
export const COORDINATION_ROLES: readonly AuthUser['role'][] = ['coordinator', 'admin'];

export function requireCoordinator(user: AuthUser): void {
  if (!COORDINATION_ROLES.includes(user.role)) throw forbidden('Trang điều phối chỉ dành cho điều phối viên và quản trị viên.');
}

export type TicketDetail = Awaited<ReturnType<TicketsService['get']>>;

/** A unit as the unit picker lists it. */
export interface UnitChoice { code: string; displayName: string; level: string }

/** The form's lists: categories, communes by district (each named with its district), units. */
export interface Choices {
  categories: Array<{ code: string; name: string }>;
  districts: Array<{ code: string; name: string; areas: Array<{ code: string; label: string }> }>;
  units: UnitChoice[];
}

/** Where the routing rules would send a ticket of this category and commune, in a sentence. */
export interface RoutingPreview {
  unitCode: string | null;
  unitName: string | null;
  text: string;
}

export interface ReturnedBy {
  at: Date;
  actorName: string;
  unitCode: string | null;
  unitName: string | null;
  reason: string | null;
}

export interface BulkResult {
  code: string;
  ok: boolean;
  text: string;
}

/**
 * The coordinators' queue: its views (through the queue's reads in src/tickets), the form's choices, the routing
 * preview (RoutingService, the one place that decides), and the actions, each through TicketsService.act like the
 * API's (the assignment with its category and commune, the rejection, the merge as a rejection for duplicate).
 */
@Injectable()
export class CoordinationService {
  private areaChoices: Promise<Choices['districts']> | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly tickets: TicketsService,
    private readonly directory: DirectoryService,
    private readonly routing: RoutingService,
    private readonly deadlines: DeadlineService,
    private readonly clock: Clock,
    private readonly settings: Settings,
  ) {}

  private window(): QueueWindow {
    const now = this.clock.now();
    return { now, duplicatesSince: new Date(now.getTime() - this.settings.DUPLICATE_DAYS * 86_400_000) };
  }

  counts(): Promise<Record<QueueView, number>> {
    return queueCounts(this.ds.manager, this.window());
  }

  /** One page of a view: each ticket as the API shows it, its time left, and what the view adds (return, duplicates). */
  async queue(view: QueueView, page: number) {
    const w = this.window();
    const [counts, rows, modes] = await Promise.all([
      queueCounts(this.ds.manager, w),
      queuePage(this.ds.manager, view, w, page, QUEUE_PAGE_SIZE),
      this.deadlineModes(),
    ]);
    const refs = await loadTicketRefs(this.ds.manager, rows.tickets, [...rows.returned.values()].map((r) => r.unitCode));
    const items = rows.tickets.map((t) => {
      const v = ticketView(t, refs, w.now);
      const r = rows.returned.get(t.id);
      const mode = (t.categoryCode && modes.get(t.categoryCode)) || 'working';
      const open = OPEN_STATUSES.includes(t.status);
      return {
        ...v,
        dueSoon: open && !!t.warnAt && t.warnAt <= w.now && !v.overdue,
        deadline: { dueAt: v.dueAt, overdue: v.overdue, mode, minutesLeft: open && t.dueAt ? this.deadlines.minutesLeft(w.now, t.dueAt, mode) : null },
        returned: r ? { ...r, unitName: r.unitCode ? refs.units.get(r.unitCode)?.displayName ?? r.unitCode : null } : null,
        duplicates: rows.duplicates.get(t.id) ?? [],
        extension: rows.extensions.get(t.id) ?? null,
        dispute: rows.disputes.get(t.id) ?? null,
      };
    });
    return { counts, items, total: counts[view] };
  }

  private async deadlineModes(): Promise<Map<string, 'working' | 'clock'>> {
    return new Map((await this.directory.listCategories()).map((c) => [c.code, c.deadlineMode]));
  }

  /** The lists of the classify-and-assign form. The areas do not change while the application runs: read once. */
  async choices(): Promise<Choices> {
    this.areaChoices ??= this.readAreaChoices().catch((e) => { this.areaChoices = null; throw e; });
    const [categories, districts, units] = await Promise.all([
      this.directory.listCategories(), this.areaChoices, this.directory.listUnits({ active: 'true' }),
    ]);
    return {
      categories: categories.filter((c) => c.active).map((c) => ({ code: c.code, name: c.name })).sort((a, b) => compareVietnamese(a.name, b.name)),
      districts,
      units: units.map((u) => ({ code: u.code, displayName: u.displayName, level: u.level })),
    };
  }

  /**
   * The areas a ticket can be put in: per district (2021 map) the district itself ("not sure which commune") and its
   * communes; on the 2025 map (no districts) one group, the province, with its communes named alone.
   */
  private async readAreaChoices(): Promise<Choices['districts']> {
    return (await this.directory.communeGroups()).map((g) => {
      if (g.level === 'province') return { code: g.code, name: g.name, areas: g.communes.map((c) => ({ code: c.code, label: c.name })) };
      let phrase = g.name;
      try { phrase = districtPhrase(g.name); } catch { /* a district kind the seed does not know: its name as it is */ }
      const communes = g.communes.map((c) => ({ code: c.code, label: `${c.name} — ${phrase}` }));
      return { code: g.code, name: g.name, areas: [{ code: g.code, label: `Toàn ${phrase} (chưa rõ xã, phường)` }, ...communes] };
    });
  }

  /**
   * Where the rules would send a ticket of this category and area (read, nothing held); `returnedBy`, the unit that
   * returned the ticket, is named when the rules point back at it.
   */
  async preview(categoryCode: string, areaCode: string, returnedBy: string | null = null): Promise<RoutingPreview> {
    const routed = await this.routing.routeWithReferences(this.ds.manager, { categoryCode: categoryCode || null, areaCode: areaCode || null }, { hold: false });
    const unit = routed.unit;
    if (unit) {
      const back = unit.code === returnedBy ? ' (chính đơn vị vừa trả lại phản ánh này: hãy chọn đơn vị khác)' : '';
      return { unitCode: unit.code, unitName: unit.displayName, text: `Theo quy tắc phân công: ${unit.displayName}${back}` };
    }
    const why = !categoryCode ? 'chưa chọn lĩnh vực'
      : !routed.decision.ruleId ? 'không có quy tắc cho lĩnh vực và địa bàn này'
        : !areaCode ? 'chưa chọn xã, phường'
          : 'đơn vị theo quy tắc không còn hoạt động hoặc chưa xác định được xã, phường';
    return { unitCode: null, unitName: null, text: `Theo quy tắc phân công: chưa xác định được đơn vị (${why}). Hãy chọn đơn vị xử lý.` };
  }

  /** The ticket for its coordination page: as the API shows it, who returned it and why, what was merged into it. */
  async ticket(user: AuthUser, code: string) {
    const entity = await findVisibleTicket(this.ds.manager, user, code);
    const [ticket, back, merged, modes] = await Promise.all([
      this.tickets.get(user, code), returnInfo(this.ds.manager, entity.id), mergedInto(this.ds.manager, entity.id), this.deadlineModes(),
    ]);
    const units = back?.unitCode ? await loadUnitRefs(this.ds.manager, [back.unitCode]) : new Map();
    const returned: ReturnedBy | null = back ? { ...back, unitName: back.unitCode ? units.get(back.unitCode)?.displayName ?? back.unitCode : null } : null;
    const now = this.clock.now();
    const mode = (entity.categoryCode && modes.get(entity.categoryCode)) || 'working';
    const open = OPEN_STATUSES.includes(entity.status);
    return {
      ticket,
      returned,
      merged,
      open,
      deadline: { dueAt: ticket.dueAt, overdue: ticket.overdue, mode, minutesLeft: open && entity.dueAt ? this.deadlines.minutesLeft(now, entity.dueAt, mode) : null },
    };
  }

  /**
   * Classifies and assigns one ticket: TicketsService.act('assign') with the category, the commune and the unit
   * (none: the rules decide). A ticket a unit returned is not sent back to that unit by default: without a unit
   * chosen, the rules' choice is refused when it is that unit.
   */
  async assign(user: AuthUser, code: string, dto: AssignDto) {
    if (!dto.unitCode) {
      const entity = await findVisibleTicket(this.ds.manager, user, code);
      const back = await returnInfo(this.ds.manager, entity.id);
      if (back?.unitCode) {
        const rule = await this.preview(dto.categoryCode ?? entity.categoryCode ?? '', dto.areaCode ?? entity.areaCode ?? '', back.unitCode);
        if (!rule.unitCode || rule.unitCode === back.unitCode) {
          throw badRequest([{ field: 'unitCode', reason: `hãy chọn đơn vị xử lý: ${rule.unitName ?? 'đơn vị theo quy tắc'} vừa trả lại phản ánh này` }]);
        }
      }
    }
    return this.tickets.act(user, code, { action: 'assign', dto });
  }

  /**
   * Assigns each ticket ticked on the list to one unit, each through the same action with the version its row
   * showed, one at a time: what one ticket meets (changed meanwhile, closed) is reported and the others go on.
   */
  async bulkAssign(user: AuthUser, selection: Array<{ code: string; version?: number }>, unitCode: string): Promise<BulkResult[]> {
    const out: BulkResult[] = [];
    for (const s of selection) {
      try {
        const after = await this.tickets.act(user, s.code, { action: 'assign', dto: { unitCode, version: s.version } });
        out.push({ code: s.code, ok: true, text: `Đã phân công cho ${after.assignedUnit?.name ?? unitCode}.` });
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        const problems = (e.details?.errors as Array<{ reason: string }> | undefined)?.map((p) => p.reason) ?? [];
        out.push({ code: s.code, ok: false, text: `Không phân công được: ${e.message}${problems.length ? ` (${problems.join('; ')})` : ''}` });
      }
    }
    return out;
  }

  reject(user: AuthUser, code: string, dto: RejectDto) {
    return this.tickets.act(user, code, { action: 'reject', dto });
  }

  /** Merges `drop` into `keep`: `drop` rejected as a duplicate of `keep` (the API's merge), at the version shown. */
  async merge(user: AuthUser, keep: string, drop: string, version: number | undefined, note: string) {
    if (keep === drop) throw badRequest([{ field: 'duplicateOf', reason: 'hai phản ánh phải khác nhau' }]);
    return this.tickets.act(user, drop, {
      action: 'reject', dto: { reason: 'duplicate', duplicateOf: keep, version, ...(note.trim() ? { note: note.trim().slice(0, 2000) } : {}) },
    });
  }

  /** A ticket shown on the merge page, with every ticket merged into it. */
  async mergeSide(user: AuthUser, code: string) {
    const page = await this.ticket(user, code);
    return { ...page.ticket, merged: page.merged, deadline: page.deadline, open: page.open };
  }

  rejectLabel(reason: string): string {
    return (REJECT_REASON_LABELS as Record<string, string>)[reason] ?? reason;
  }
}
