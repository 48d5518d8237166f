import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Settings } from '../../config/settings.js';
import type { AuthUser } from '../auth/auth-user.js';
import { Clock } from '../common/clock.js';
import { atLocalTime, localDate } from '../common/vn-time.js';
import { loadUnitRefs } from '../directory/unit-label.js';
import { OutboxService, type EmailPayload, type OutboxEntry } from '../notifications/outbox.service.js';
import { RecipientListsService } from '../notifications/recipient-lists.service.js';
import { claimRun } from '../scheduler/scheduled-runs.js';
import { overdueSpansSql } from '../tickets/ticket-history.js';
import { OPEN_STATUSES } from '../tickets/ticket.entity.js';
import { CalendarService } from '../calendar/calendar.service.js';
import { digestMail, dueSoonMail, overdueMail, type NoticeTicket } from './sla-mail.js';
import { LONG_READ_STATEMENT_TIMEOUT } from '../database/data-source.js';

interface FlaggedRow {
  id: string; code: string; content: string; due_at: Date; received_at: Date;
  assigned_unit_code: string | null; category_name: string | null; emails: string[] | null;
}

/** Tickets flagged (or warned) per transaction: bounded statements and memory however many fall due at once. */
export const SWEEP_BATCH = 1000;

/** Tickets listed in one unit's morning digest (the oldest); the digest says how many there are in all. */
export const DIGEST_MAX_TICKETS = 200;

/** Tickets of one unit in one page of the overdue list. */
export const OVERDUE_PAGE_SIZE = 50;

export interface OverdueListTicket {
  code: string; status: string; categoryCode: string | null; receivedAt: string; dueAt: string; daysLate: number;
}

/** The open statuses as SQL literals: the sweeps' partial indexes are matched only by a literal predicate. */
const OPEN_SQL = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/** Subtree of a leader's unit, as SQL over units (used to narrow the overdue list). */
const SUBTREE = `SELECT code FROM (WITH RECURSIVE sub AS (SELECT code FROM units WHERE code = $2::varchar
  UNION ALL SELECT u.code FROM units u JOIN sub ON u.parent_code = sub.code) SELECT code FROM sub) s`;

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
  ) {}

  /**
   * One scheduler tick. Every step is idempotent, so ticks may overlap or repeat. The steps are independent: one
   * that fails does not keep the others from running; the tick then fails with every step's error, so that the job
   * is logged, retried and shown by /health.
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
    if (overdue || warned || digests) this.logger.log(`flagged ${overdue} overdue, warned ${warned}, ${digests} digest(s)`);
    if (errors.length) throw new Error(errors.join('; '));
    return { overdue, warned, digests };
  }

  /** When a notice may go out: now, or the start of the next working period when mail waits for working time. */
  private mailTime(now: Date): Date {
    return this.settings.MAIL_ONLY_IN_WORKING_TIME ? this.calendars.current().nextWorkingStart(now) : now;
  }

  /**
   * Runs `batch` in transactions of its own until it returns fewer than SWEEP_BATCH rows, so that any number of
   * tickets falling due at once is flagged in bounded statements and bounded memory, and what is done is committed
   * as it goes. Rows are taken with SKIP LOCKED: two sweeps at once share the work, and a ticket held by a user's
   * change is taken at the next tick.
   */
  private async inBatches(batch: (m: EntityManager) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.ds.transaction(batch);
      total += n;
      if (n < SWEEP_BATCH) return total;
    }
  }

  /**
   * Flags every open ticket past its deadline, once per ticket and deadline, and writes one "overdue" event and one
   * notice each. New work is found through the partial index idx_tickets_overdue_watch (open tickets not flagged for
   * their deadline): when nothing is new, the sweep reads a few index pages whatever the size of the table.
   */
  sweepOverdue(now: Date = this.clock.now()): Promise<number> {
    return this.inBatches(async (m) => {
      const rows: FlaggedRow[] = await m.query(
        // it became overdue at its deadline, or, when it was reopened after the deadline, at the reopening (it was
        // not open, so not overdue, in between); GREATEST ignores the NULL of a ticket never reopened. A ticket
        // flagged overdue needs no due-soon warning for that deadline any more: it leaves that sweep's index too.
        `WITH due AS (
           SELECT id FROM tickets
            WHERE status IN (${OPEN_SQL}) AND overdue_for_due_at IS DISTINCT FROM due_at AND due_at < $1
            ORDER BY due_at
            LIMIT $2
              FOR UPDATE SKIP LOCKED),
         flagged AS (
           UPDATE tickets SET overdue_for_due_at = due_at, warned_for_due_at = due_at,
                  overdue_at = GREATEST(due_at, (SELECT max(e.at) FROM ticket_events e WHERE e.ticket_id = tickets.id AND e.type = 'reopened'))
            WHERE id IN (SELECT id FROM due)
           RETURNING id, code, content, due_at, overdue_at, received_at, assigned_unit_code, category_code),
         ev AS (
           INSERT INTO ticket_events (ticket_id, type, at, actor_name, from_unit_code, to_unit_code, note, data)
           SELECT id, 'overdue', overdue_at, 'Hệ thống', assigned_unit_code, assigned_unit_code, 'Phản ánh đã quá hạn xử lý.',
                  jsonb_build_object('dueAt', due_at)
             FROM flagged)
         SELECT f.id, f.code, f.content, f.due_at, f.received_at, f.assigned_unit_code, c.name AS category_name, u.emails
           FROM flagged f LEFT JOIN units u ON u.code = f.assigned_unit_code LEFT JOIN categories c ON c.code = f.category_code`,
        [now, SWEEP_BATCH],
      );
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
      const rows: FlaggedRow[] = await m.query(
        `WITH due AS (
           SELECT id FROM tickets
            WHERE status IN (${OPEN_SQL}) AND warned_for_due_at IS DISTINCT FROM due_at AND warn_at <= $1 AND due_at > $1
            ORDER BY warn_at
            LIMIT $2
              FOR UPDATE SKIP LOCKED),
         warned AS (
           UPDATE tickets SET warned_for_due_at = due_at
            WHERE id IN (SELECT id FROM due)
           RETURNING id, code, content, due_at, received_at, assigned_unit_code, category_code)
         SELECT w.id, w.code, w.content, w.due_at, w.received_at, w.assigned_unit_code, c.name AS category_name, u.emails
           FROM warned w LEFT JOIN units u ON u.code = w.assigned_unit_code LEFT JOIN categories c ON c.code = w.category_code`,
        [now, SWEEP_BATCH],
      );
      await this.notify(m, rows, now, (r, ticket, coordinators) => {
        const to = r.emails?.length ? r.emails : coordinators;
        return to.length ? { key: 'due-soon', payload: dueSoonMail(to, ticket, this.settings.PUBLIC_URL) } : null;
      });
      return rows.length;
    });
  }

  /** Once per working day, from DIGEST_TIME on: one digest per unit with overdue tickets, oldest first. */
  async morningDigest(now: Date = this.clock.now()): Promise<number> {
    const today = localDate(now);
    if (!this.calendars.current().isWorkingDay(today)) return 0;
    if (now < atLocalTime(today, this.settings.DIGEST_TIME)) return 0;
    return this.ds.transaction(async (m) => {
      if (!(await claimRun(m, 'morning-digest', today, now))) return 0;
      // one pass over the overdue tickets; each unit's digest lists its DIGEST_MAX_TICKETS oldest and says how many
      // there are in all, so a unit with thousands late gets a mail one can read (and memory stays bounded)
      const rows: Array<FlaggedRow & { unit_total: number }> = await m.query(
        `SELECT * FROM (
           SELECT t.id, t.code, t.content, t.due_at, t.received_at, t.assigned_unit_code, c.name AS category_name, u.emails,
                  count(*) OVER (PARTITION BY t.assigned_unit_code)::int AS unit_total,
                  row_number() OVER (PARTITION BY t.assigned_unit_code ORDER BY t.due_at, t.code) AS rn
             FROM tickets t JOIN units u ON u.code = t.assigned_unit_code LEFT JOIN categories c ON c.code = t.category_code
            WHERE t.status IN (${OPEN_SQL}) AND t.due_at < $1 AND cardinality(u.emails) > 0) d
          WHERE d.rn <= $2
          ORDER BY d.assigned_unit_code, d.due_at, d.code`,
        [now, DIGEST_MAX_TICKETS],
      );
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
    m: EntityManager, rows: FlaggedRow[], now: Date,
    build: (r: FlaggedRow, ticket: NoticeTicket, coordinators: string[]) => { key: string; payload: EmailPayload } | null,
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

  private async noticeTickets(m: EntityManager, rows: FlaggedRow[]): Promise<NoticeTicket[]> {
    const units = await loadUnitRefs(m, rows.map((r) => r.assigned_unit_code));
    return rows.map((r) => ({
      code: r.code, content: r.content, dueAt: new Date(r.due_at), receivedAt: new Date(r.received_at),
      unitName: r.assigned_unit_code ? units.get(r.assigned_unit_code)?.displayName ?? r.assigned_unit_code : null,
      categoryName: r.category_name,
    }));
  }

  /**
   * Every unit with at least one ticket open and past its deadline at `at`, with how many, and one page of its
   * tickets (oldest deadline first; `pageSize` a page, `page` 1 by default), or only the unit `unit` ('' for the
   * tickets with no unit). Reconstructed from the ticket history (status, unit and deadline in force at that
   * instant), so a past instant gives the same answer later. A leader bound to a unit sees that unit's subtree.
   * The counts are exact; only one page of tickets per unit leaves the database, whatever the number late.
   */
  async overdueAt(at: Date, user?: AuthUser, opts: { unit?: string; page?: number; pageSize?: number } = {}) {
    const scoped = user?.role === 'leader' && user.unitCode ? user.unitCode : null;
    const page = opts.page ?? 1;
    const pageSize = opts.pageSize ?? OVERDUE_PAGE_SIZE;
    // one unit (or the tickets with no unit, ''), within a leader's subtree
    const only = opts.unit === undefined ? '$3::varchar IS NULL' : opts.unit === '' ? '$3::varchar IS NOT NULL AND s.unit_code IS NULL' : 's.unit_code = $3::varchar';
    const within = `($2::varchar IS NULL OR s.unit_code IN (${SUBTREE}))`;
    const rows: Array<{ unit_code: string | null; code: string; received_at: Date; due_at: Date; category_code: string | null; status: string; unit_count: number; in_page: boolean }> =
      await this.ds.transaction('REPEATABLE READ', async (m) => {
        await m.query(`SET LOCAL statement_timeout = '${LONG_READ_STATEMENT_TIMEOUT}'`);
        // the count of each unit's late tickets: index-only over the spans in force (overdueSpansSql)
        const counts: Array<{ unit_code: string | null; n: number }> = await m.query(
          `SELECT l.unit_code, count(*)::int AS n FROM (${overdueSpansSql('$1', 's.unit_code', `${within} AND ${only}`)}) l GROUP BY l.unit_code`,
          [at, scoped, opts.unit ?? null],
        );
        if (!counts.length) return [];
        // then one page per unit, read in deadline order from the same index, and only those rows joined to tickets
        const codes = counts.filter((c) => c.unit_code !== null).map((c) => c.unit_code);
        const pageOf = (unit: string) => `SELECT x.ticket_id, x.unit_code, x.due_at, x.status
            FROM (${overdueSpansSql('$1', 's.ticket_id, s.unit_code, s.due_at, s.status', unit, 'ORDER BY s.due_at, s.ticket_id LIMIT $3::int + $4::int')}) x
           ORDER BY x.due_at, x.ticket_id OFFSET $3::int LIMIT $4::int`;
        const pages: Array<{ ticket_id: string; unit_code: string | null; due_at: Date; status: string }> = await m.query(
          `SELECT * FROM (SELECT p.* FROM unnest($2::varchar[]) u(code) CROSS JOIN LATERAL (${pageOf('s.unit_code = u.code')}) p
           ${counts.some((c) => c.unit_code === null) ? `UNION ALL (${pageOf('s.unit_code IS NULL')})` : ''}) q
           ORDER BY q.unit_code, q.due_at, q.ticket_id`,
          [at, codes, (page - 1) * pageSize, pageSize],
        );
        const tickets: Array<{ id: string; code: string; received_at: Date; category_code: string | null }> = pages.length
          ? await m.query(`SELECT id, code, received_at, category_code FROM tickets WHERE id = ANY($1::uuid[])`, [pages.map((p) => p.ticket_id)])
          : [];
        const byId = new Map(tickets.map((t) => [t.id, t]));
        const countOf = new Map(counts.map((c) => [c.unit_code, c.n]));
        // every unit with late tickets comes back, with its count, even when its page is past its end
        const empty = counts.filter((c) => !pages.some((p) => p.unit_code === c.unit_code))
          .map((c) => ({ unit_code: c.unit_code, code: '', received_at: at, due_at: at, category_code: null, status: '', unit_count: c.n, in_page: false }));
        return [
          ...pages.map((p) => {
            const t = byId.get(p.ticket_id)!;
            return { unit_code: p.unit_code, code: t.code, received_at: t.received_at, due_at: p.due_at, category_code: t.category_code, status: p.status, unit_count: countOf.get(p.unit_code)!, in_page: true };
          }),
          ...empty,
        ];
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
