import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Settings } from '../../../config/settings.js';
import type { AuthUser } from '../../common/auth-user.js';
import { Clock } from '../../common/clock.js';
import { forbidden } from '../../common/errors.js';
import { LONG_READ_STATEMENT_TIMEOUT } from '../../common/long-reads.js';
import { addDays } from '../../common/vn-time.js';
import { DirectoryService } from '../../directory/directory.service.js';
import { loadUnitRefs } from '../../directory/unit-label.js';
import { reportView, type ReportView } from '../../reports/report-html.js';
import { RecipientListsService } from '../../notifications/recipient-lists.service.js';
import { ReportMailerService } from '../../reports/report-mailer.service.js';
import { cutoffOf, ReportService } from '../../reports/report.service.js';
import { feedbackInPeriod, handledInPeriod, openByUnitAt, overduePerCutoff, receivedPerReportDay, type DayFigure } from '../../tickets/ticket-trends.js';
import { subtree } from '../staff-pages.service.js';

/** Who reads the dashboard, its downloads and the list of sent reports. */
export const DASHBOARD_ROLES = ['leader', 'coordinator', 'admin'] as const;

export function requireDashboardRole(user: AuthUser): void {
  if (!(DASHBOARD_ROLES as readonly string[]).includes(user.role)) {
    throw forbidden('Trang báo cáo dành cho lãnh đạo, điều phối viên và quản trị hệ thống.');
  }
}

/** Days of the trend and of the on-time share: the 30 report days up to the chosen one. */
export const TREND_DAYS = 30;

/** Where a unit's overdue tickets are listed ('' is the tickets with no unit). */
export const overdueHref = (unitCode: string | null) => `/tre-han?don-vi=${encodeURIComponent(unitCode || 'none')}`;

export interface TrendDay {
  /** 'YYYY-MM-DD' */
  day: string;
  received: number;
  handled: number;
  /** Open and past their deadline at the day's cut-off. */
  overdue: number;
}

/** A unit's line of the on-time share over the period. */
export interface OnTimeRow {
  unitCode: string | null;
  unitName: string;
  handled: number;
  handledOnTime: number;
  /** Of those on time, how many only by a deadline extended before they were handled. */
  handledOnTimeExtended: number;
  /** Open at the end of the period, and of them past their deadline. */
  open: number;
  overdue: number;
  /** handledOnTime ÷ (handled + overdue); null when both are zero. */
  share: number | null;
}

export interface DashboardFigures {
  date: string;
  cutoff: Date;
  /** The period of the trend and of the on-time share: (from, to], the cut-offs of the day before the first day and of `date`. */
  from: Date;
  to: Date;
  report: ReportView;
  /** The report's overdue units (its figures), in the report's order. */
  overdueUnits: Array<{ unitCode: string | null; name: string; count: number; href: string | null }>;
  trend: TrendDay[];
  onTime: OnTimeRow[];
  totals: { handled: number; handledOnTime: number; handledOnTimeExtended: number; open: number; overdue: number; share: number | null };
  /** The citizens' answers about the resolutions, received in the period, per unit that answered (the fewest settled first). */
  satisfaction: SatisfactionRow[];
  satisfactionTotals: Omit<SatisfactionRow, 'unitCode' | 'unitName'>;
}

/** A unit's citizen answers in the period: how many rated, settled or not, the mean rating and the share settled. */
export interface SatisfactionRow {
  unitCode: string | null;
  unitName: string;
  answered: number;
  settled: number;
  notSettled: number;
  /** settled ÷ answered; null without answers. */
  share: number | null;
  /** Mean of the ratings (1–5); null without answers. */
  meanRating: number | null;
}

const UNASSIGNED = 'Chưa phân công đơn vị';

/**
 * The leadership dashboard's figures for a report date: the hotline section exactly as the report computes it
 * (ReportService.build), and beside it the 30-day trend and the per-unit on-time share from set-based statements
 * (src/tickets/ticket-trends.ts), counted with the report's own operation start and cut-off hour.
 *
 * The report and the statistics are the province's: every reader sees them whole; a leader bound to a unit gets the
 * links to the overdue tickets of the units of their subtree only (the overdue list shows them no other).
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly ds: DataSource,
    private readonly settings: Settings,
    private readonly clock: Clock,
    private readonly reports: ReportService,
    private readonly mailer: ReportMailerService,
    private readonly directory: DirectoryService,
    private readonly lists: RecipientListsService,
  ) {}

  /** The period of the trend and of the on-time share for a report date: (cut-off of the day before its 30 days, its cut-off]. */
  period(date: string): { firstDay: string; from: Date; to: Date } {
    const hour = this.settings.REPORT_CUTOFF_HOUR;
    const firstDay = addDays(date, -(TREND_DAYS - 1));
    return { firstDay, from: cutoffOf(addDays(firstDay, -1), hour), to: cutoffOf(date, hour) };
  }

  /** The most recent report date whose cut-off has passed. */
  latestDate(): string {
    return this.reports.latestReportDate(this.clock.now());
  }

  /** Units whose overdue tickets this person may open: null for everyone; a leader bound to a unit, its subtree. */
  private async reachableUnits(user: AuthUser): Promise<Set<string> | null> {
    if (user.role !== 'leader' || !user.unitCode) return null;
    return new Set(subtree(await this.directory.listUnits({}), user.unitCode).map((u) => u.code));
  }

  /** A read of the statistics in one REPEATABLE READ snapshot, with the long reads' statement timeout. */
  private read<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction('REPEATABLE READ', async (m) => {
      await m.query(`SET LOCAL statement_timeout = '${LONG_READ_STATEMENT_TIMEOUT}'`);
      return work(m);
    });
  }

  async figures(user: AuthUser, date: string): Promise<DashboardFigures> {
    const hour = this.settings.REPORT_CUTOFF_HOUR;
    const reachable = await this.reachableUnits(user);
    const href = (code: string | null) => (reachable && !(code && reachable.has(code)) ? null : overdueHref(code));
    // the section, counted by the report itself (its own REPEATABLE READ snapshot; the overdue ticket list is not
    // read); meanwhile the flows of the period; then the overdue per cut-off and the open tickets per unit, which count
    // from the report's operation start. Each group in one snapshot; the three run side by side.
    const { firstDay, from, to } = this.period(date);
    const section = this.reports.build('daily', date, async (doc) => ({ report: reportView(doc, overdueHref), figures: doc.figures }));
    const flows = this.read(async (m) => ({
      received: await receivedPerReportDay(m, from, to, hour), handled: await handledInPeriod(m, from, to, hour), feedback: await feedbackInPeriod(m, from, to),
    }));
    const stock = section.then(({ figures: f }) => this.read(async (m) => ({
      overdue: await overduePerCutoff(m, firstDay, cutoffOf(firstDay, hour), to, f.operationStart),
      open: await openByUnitAt(m, to, f.operationStart),
    })));
    const [{ report, figures }, { received, handled, feedback }, { overdue, open }] = await Promise.all([section, flows, stock]);
    for (const u of report.overdueUnits) u.href = href(u.code || null) ?? undefined;

    const byDay = (list: DayFigure[]) => new Map(list.map((d) => [d.day, d.n]));
    const [r, h, o] = [byDay(received), byDay(handled.perDay), byDay(overdue)];
    const trend = Array.from({ length: TREND_DAYS }, (_, i) => {
      const day = addDays(firstDay, i);
      return { day, received: r.get(day) ?? 0, handled: h.get(day) ?? 0, overdue: o.get(day) ?? 0 };
    });

    const lines = new Map<string, Omit<OnTimeRow, 'unitName' | 'share'>>();
    const line = (code: string | null) => {
      const key = code ?? '';
      let l = lines.get(key);
      if (!l) lines.set(key, (l = { unitCode: code, handled: 0, handledOnTime: 0, handledOnTimeExtended: 0, open: 0, overdue: 0 }));
      return l;
    };
    for (const u of handled.perUnit) Object.assign(line(u.unit_code), { handled: u.handled, handledOnTime: u.handled_on_time, handledOnTimeExtended: u.handled_on_time_extended });
    for (const u of open) Object.assign(line(u.unit_code), { open: u.open, overdue: u.overdue });
    const refs = await loadUnitRefs(this.ds.manager, [...[...lines.values()].map((l) => l.unitCode), ...feedback.map((f) => f.unit_code)]);
    const share = (onTime: number, handledN: number, overdueN: number) => (handledN + overdueN ? onTime / (handledN + overdueN) : null);
    const onTime = [...lines.values()]
      .map((l) => ({
        ...l,
        unitName: l.unitCode ? refs.get(l.unitCode)?.displayName ?? l.unitCode : UNASSIGNED,
        share: share(l.handledOnTime, l.handled, l.overdue),
      }))
      // the weakest first: lowest share, then the most overdue, then by name
      .sort((a, b) => (a.share ?? 2) - (b.share ?? 2) || b.overdue - a.overdue || a.unitName.localeCompare(b.unitName, 'vi'));
    const sum = (pick: (l: OnTimeRow) => number) => onTime.reduce((n, l) => n + pick(l), 0);
    const totals = {
      handled: sum((l) => l.handled), handledOnTime: sum((l) => l.handledOnTime), handledOnTimeExtended: sum((l) => l.handledOnTimeExtended),
      open: sum((l) => l.open), overdue: sum((l) => l.overdue),
    };
    const satisfactionOf = (answered: number, settled: number, notSettled: number, ratingSum: number) => ({
      answered, settled, notSettled, share: answered ? settled / answered : null, meanRating: answered ? ratingSum / answered : null,
    });
    const satisfaction = feedback
      .map((f) => ({
        unitCode: f.unit_code,
        unitName: f.unit_code ? refs.get(f.unit_code)?.displayName ?? f.unit_code : UNASSIGNED,
        ...satisfactionOf(f.answered, f.settled, f.not_settled, f.rating_sum),
      }))
      // the least satisfied first
      .sort((a, b) => (a.share ?? 2) - (b.share ?? 2) || b.notSettled - a.notSettled || a.unitName.localeCompare(b.unitName, 'vi'));
    const fsum = (pick: (r: (typeof feedback)[number]) => number) => feedback.reduce((k, r) => k + pick(r), 0);

    return {
      date,
      cutoff: figures.cutoff,
      from,
      to,
      report,
      overdueUnits: report.overdueUnits.map((u) => ({
        unitCode: u.code || null,
        name: u.name,
        count: figures.overdueUnits.find((f) => f.unitCode === (u.code ?? ''))?.count ?? 0,
        href: u.href ?? null,
      })),
      trend,
      onTime,
      totals: { ...totals, share: share(totals.handledOnTime, totals.handled, totals.overdue) },
      satisfaction,
      satisfactionTotals: satisfactionOf(fsum((r) => r.answered), fsum((r) => r.settled), fsum((r) => r.not_settled), fsum((r) => r.rating_sum)),
    };
  }

  /** The reports e-mailed so far (the 200 most recent), with their recipients, time and delivery. */
  sent() {
    return this.mailer.listSent();
  }

  /** One e-mailed report (404 when there is none with that id). */
  sentReport(id: string) {
    return this.mailer.getSent(id);
  }

  /** Who a resend goes to: the leadership list as it is now. */
  recipients(): Promise<string[]> {
    return this.lists.emails('leadership');
  }
}
