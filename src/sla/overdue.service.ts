import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Settings } from '../../config/settings.js';
import type { AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { TicketLifecycle } from '../tickets/ticket-lifecycle.js';
import { atLocalTime, localDate } from '../common/vn-time.js';
import { loadUnitRefs } from '../directory/unit-label.js';
import { OutboxService, type EmailPayload, type OutboxEntry } from '../notifications/outbox.service.js';
import { RecipientListsService } from '../notifications/recipient-lists.service.js';
import { claimRun } from '../scheduler/scheduled-runs.js';
import {
  compactOverdueCounts, overdueListRows, overdueTicketsForDigest, SWEEP_BATCH, type FlaggedTicketRow,
} from '../tickets/ticket-deadline-watch.js';
import { CalendarService } from '../calendar/calendar.service.js';
import { digestMail, dueSoonMail, overdueMail, type NoticeTicket } from './sla-mail.js';
import { LONG_READ_STATEMENT_TIMEOUT } from '../common/long-reads.js';

/** Tickets listed in one unit's morning digest (the oldest); the digest says how many there are in all. */
export const DIGEST_MAX_TICKETS = 200;

/**
 * Batches a sweep runs at once when more than one batch has fallen due: the statements are the database's work, one
 * core each, so two keep a two-core server busy while leaving the requests their share of the connection pool.
 */
export const SWEEP_LOOPS = 2;

/** Tickets in one page of one unit's overdue list (`unit` given). */
export const OVERDUE_PAGE_SIZE = 50;

/**
 * Tickets of each unit in the list of every unit (no `unit`): its oldest, beside its exact count; the unit's own list
 * pages through the rest. The overview stays the same size however many tickets are late (132 units × 10 lines).
 */
export const OVERDUE_OVERVIEW_PAGE_SIZE = 10;

export interface OverdueListTicket {
  code: string; status: string; categoryCode: string | null; receivedAt: string; dueAt: string; daysLate: number;
}

/**
 * The deadline watch: flags overdue tickets (once per ticket and deadline, with the deadline as the overdue time),
 * sends due-soon warnings and overdue notices, and the morning digest per unit; and the per-unit overdue list at
 * any instant, reconstructed from the ticket events.
 */
@Injectable()
export class OverdueService {
  private readonly logger = new Logger(OverdueService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly outbox: OutboxService,
    private readonly calendars: CalendarService,
    private readonly lists: RecipientListsService,
    private readonly tickets: TicketLifecycle,
  ) {}

  /**
   * One tick of the sweeps (every OVERDUE_SWEEP_SECONDS). Every step is idempotent, so ticks may overlap or repeat.
   * The steps are independent: one that fails does not keep the others from running; the tick then fails with every
   * step's error, so that the job is logged, retried and shown by /health. The morning digest has a schedule of its
   * own at DIGEST_TIME (sla.processor.ts); the tick checks it too, so that a digest that is due and not yet claimed
   * (its run missed or failed) goes out at the next sweep: once claimed for the day, the check does nothing.
   */
  async tick(): Promise<{ overdue: number; warned: number; digests: number }> {
    const now = this.clock.now();
    const errors: string[] = [];
    const step = async (name: string, run: () => Promise<number>): Promise<number> => {
      try {
        return await run();
      } catch (e) {
        this.logger.error(`${name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
        return 0;
      }
    };
    const overdue = await step('overdue sweep', () => this.sweepOverdue(now));
    const warned = await step('due-soon sweep', () => this.sweepDueSoon(now));
    const digests = await step('morning digest', () => this.morningDigest(now));
    await step('overdue counts', () => compactOverdueCounts(this.ds.manager));
    if (overdue || warned || digests) this.logger.log(`flagged ${overdue} overdue, warned ${warned}, ${digests} digest(s)`);
    if (errors.length) throw new Error(errors.join('; '));
    return { overdue, warned, digests };
  }

  /** When a notice may go out: now, or the start of the next working period when mail waits for working time. */
  private mailTime(now: Date): Date {
    return this.settings.MAIL_ONLY_IN_WORKING_TIME ? this.calendars.current().nextWorkingStart(now) : now;
  }

  /**
   * Runs `batch` in transactions of its own until it returns fewer than SWEEP_BATCH rows (the most a sweep statement
   * takes, ticket-deadline-watch.ts), in SWEEP_LOOPS loops once a first batch came back full, so that any number of
   * tickets falling due at once is flagged in bounded statements and bounded memory, and what is done is committed as
   * it goes. Rows are taken with SKIP LOCKED: the loops, and two sweeps at once, share the work, and a ticket held by
   * a user's change is taken at the next tick.
   */
  private async inBatches(batch: (m: EntityManager) => Promise<number>): Promise<number> {
    const loop = async () => {
      let total = 0;
      for (;;) {
        const n = await this.ds.transaction(batch);
        total += n;
        if (n < SWEEP_BATCH) return total;
      }
    };
    // a full first batch means many fell due at once (a weekend's outage, an import): SWEEP_LOOPS loops share the
    // rest, each taking the next unlocked rows, so that the database's cores work on it together
    const first = await this.ds.transaction(batch);
    if (first < SWEEP_BATCH) return first;
    const loops = await Promise.all(Array.from({ length: SWEEP_LOOPS }, loop));
    return loops.reduce((a, b) => a + b, first);
  }

  /**
   * Flags every open ticket past its deadline, once per ticket and deadline, and writes one "overdue" event and one
   * notice each. New work is found through the partial index idx_tickets_overdue_watch (open tickets not flagged for
   * their deadline): when nothing is new, the sweep reads a few index pages whatever the size of the table.
   */
  sweepOverdue(now: Date = this.clock.now()): Promise<number> {
    return this.inBatches(async (m) => {
      // the tickets' flag and their "overdue" events, one statement (ticket-deadline-watch.ts)
      const rows = await this.tickets.flagOverdue(m, now);
      // a due-soon warning still waiting for working time would now arrive after (or with) the overdue notice
      if (rows.length) {
        await m.query(
          `UPDATE outbox_messages SET status = 'cancelled', last_error = 'superseded by the overdue notice'
            WHERE status = 'pending' AND ticket_id = ANY($1) AND dedupe_key LIKE 'due-soon:%'`,
          [rows.map((r) => r.id)],
        );
      }
      await this.notify(m, rows, now, (r, ticket, coordinators) => {
        // to the unit, copied to the coordinators; to the coordinators when the unit has no address
        const unitEmails = r.emails ?? [];
        const to = unitEmails.length ? unitEmails : coordinators;
        return to.length ? { key: 'overdue', payload: overdueMail(to, unitEmails.length ? coordinators : [], ticket, this.settings.PUBLIC_URL) } : null;
      });
      return rows.length;
    });
  }

  /**
   * Warns the unit once per ticket and deadline when DUE_SOON_PERCENT of the allowed time has passed; new work is
   * found through the partial index idx_tickets_due_soon_watch.
   */
  sweepDueSoon(now: Date = this.clock.now()): Promise<number> {
    return this.inBatches(async (m) => {
      const rows = await this.tickets.markDueSoon(m, now);
      await this.notify(m, rows, now, (r, ticket, coordinators) => {
        const to = r.emails?.length ? r.emails : coordinators;
        return to.length ? { key: 'due-soon', payload: dueSoonMail(to, ticket, this.settings.PUBLIC_URL) } : null;
      });
      return rows.length;
    });
  }

  /**
   * Once per working day, from DIGEST_TIME on (its cron schedule's run, and each tick): one digest per unit with
   * overdue tickets, oldest first; the claim in scheduled_runs makes it once whoever runs it.
   */
  async morningDigest(now: Date = this.clock.now()): Promise<number> {
    const today = localDate(now);
    if (!this.calendars.current().isWorkingDay(today)) return 0;
    if (now < atLocalTime(today, this.settings.DIGEST_TIME)) return 0;
    return this.ds.transaction(async (m) => {
      if (!(await claimRun(m, 'morning-digest', today, now))) return 0;
      // one pass over the overdue tickets; each unit's digest lists its DIGEST_MAX_TICKETS oldest and says how many
      // there are in all, so a unit with thousands late gets a mail one can read (and memory stays bounded)
      const rows = await overdueTicketsForDigest(m, now, DIGEST_MAX_TICKETS);
      const tickets = await this.noticeTickets(m, rows);
      const byUnit = new Map<string, { emails: string[]; total: number; tickets: NoticeTicket[] }>();
      rows.forEach((r, i) => {
        const entry = byUnit.get(r.assigned_unit_code!) ?? { emails: r.emails ?? [], total: r.unit_total, tickets: [] };
        entry.tickets.push(tickets[i]);
        byUnit.set(r.assigned_unit_code!, entry);
      });
      const entries: OutboxEntry[] = [...byUnit.entries()].map(([unit, e]) => ({
        channel: 'email', dedupeKey: `digest:${unit}:${today}`,
        payload: digestMail(e.emails, e.tickets[0].unitName ?? unit, now, e.tickets, now, this.settings.PUBLIC_URL, e.total) as never,
        availableAt: this.mailTime(now),
      }));
      await this.outbox.add(m, entries);
      return entries.length;
    });
  }

  /** Writes one notice per ticket (once per ticket and deadline: the outbox key), held until working time if set. */
  private async notify(
    m: EntityManager, rows: FlaggedTicketRow[], now: Date,
    build: (r: FlaggedTicketRow, ticket: NoticeTicket, coordinators: string[]) => { key: string; payload: EmailPayload } | null,
  ): Promise<void> {
    if (!rows.length) return;
    const coordinators = await this.lists.emails('coordinators', m);
    const tickets = await this.noticeTickets(m, rows);
    const entries: OutboxEntry[] = [];
    rows.forEach((r, i) => {
      const notice = build(r, tickets[i], coordinators);
      if (!notice) return;
      entries.push({
        channel: 'email', ticketId: r.id, dedupeKey: `${notice.key}:${r.id}:${new Date(r.due_at).getTime()}`,
        payload: notice.payload as never, availableAt: this.mailTime(now),
      });
    });
    await this.outbox.add(m, entries);
  }

  private async noticeTickets(m: EntityManager, rows: FlaggedTicketRow[]): Promise<NoticeTicket[]> {
    const units = await loadUnitRefs(m, rows.map((r) => r.assigned_unit_code));
    return rows.map((r) => ({
      code: r.code, content: r.content, dueAt: new Date(r.due_at), receivedAt: new Date(r.received_at),
      unitName: r.assigned_unit_code ? units.get(r.assigned_unit_code)?.displayName ?? r.assigned_unit_code : null,
      categoryName: r.category_name,
    }));
  }

  /**
   * Every unit with at least one ticket open and past its deadline at `at`, with how many, and one page of its
   * tickets (oldest deadline first; `pageSize` a page, OVERDUE_OVERVIEW_PAGE_SIZE by default; `page` 1 by default),
   * or only the unit `unit` ('' for the tickets with no unit; OVERDUE_PAGE_SIZE a page by default). Reconstructed from the ticket history (status, unit and deadline in force at that
   * instant), so a past instant gives the same answer later. A leader bound to a unit sees that unit's subtree.
   * The counts are exact; only one page of tickets per unit leaves the database, whatever the number late. With
   * `current` (`at` is the present: the list without an instant asked for), the counts are read from the counts
   * PostgreSQL keeps as the tickets change (ticket-deadline-watch.ts), in about the same time at any size.
   */
  async overdueAt(at: Date, user?: AuthUser, opts: { unit?: string; page?: number; pageSize?: number; current?: boolean } = {}) {
    const scoped = user?.role === 'leader' && user.unitCode ? user.unitCode : null;
    const page = opts.page ?? 1;
    const pageSize = opts.pageSize ?? (opts.unit === undefined ? OVERDUE_OVERVIEW_PAGE_SIZE : OVERDUE_PAGE_SIZE);
    const rows = await this.ds.transaction('REPEATABLE READ', async (m) => {
      await m.query(`SET LOCAL statement_timeout = '${LONG_READ_STATEMENT_TIMEOUT}'`);
      return overdueListRows(m, at, { current: opts.current, subtreeOf: scoped, unit: opts.unit, page, pageSize });
    });
    const units = await loadUnitRefs(this.ds.manager, rows.map((r) => r.unit_code));
    const groups = new Map<string, { unit: { code: string; name: string; level: string } | null; count: number; tickets: OverdueListTicket[] }>();
    for (const r of rows) {
      const key = r.unit_code ?? '';
      const u = r.unit_code ? units.get(r.unit_code) : undefined;
      const g = groups.get(key) ?? {
        unit: r.unit_code ? { code: r.unit_code, name: u?.displayName ?? r.unit_code, level: u?.level ?? '' } : null,
        count: r.unit_count, tickets: [],
      };
      if (r.in_page) {
        g.tickets.push({
          code: r.code, status: r.status, categoryCode: r.category_code,
          receivedAt: new Date(r.received_at).toISOString(), dueAt: new Date(r.due_at).toISOString(),
          daysLate: Math.floor((at.getTime() - new Date(r.due_at).getTime()) / 86_400_000),
        });
      }
      groups.set(key, g);
    }
    const list = [...groups.values()].sort((a, b) => b.count - a.count || (a.unit?.name ?? '').localeCompare(b.unit?.name ?? '', 'vi'));
    return { at: at.toISOString(), total: list.reduce((n, g) => n + g.count, 0), page, pageSize, units: list };
  }
}
