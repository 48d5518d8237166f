/**
 * `npm run bench`: times the queries that grow with the data (overdue sweep, the official report as of an instant,
 * the overdue list, text search) on a scratch database of BENCH_TICKETS tickets, and prints each as a ratio to a
 * baseline measured in the same run (a sequential count over the tickets table), so results compare across
 * machines. Nothing here asserts a time.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadSettings } from '../config/settings.js';
import { FixedClock } from '../src/common/clock.js';
import { createDataSource } from '../src/database/data-source.js';
import { resolveScratchServer, withDatabaseName } from '../src/database/database-url.js';
import { seedReferenceData } from '../src/directory/reference-data.seeder.js';
import { ReportService } from '../src/reports/report.service.js';
import { OutboxService } from '../src/notifications/outbox.service.js';
import { RecipientListsService } from '../src/notifications/recipient-lists.service.js';
import { CalendarService } from '../src/sla/calendar.service.js';
import { OverdueService } from '../src/sla/overdue.service.js';
import { OPEN_STATUSES } from '../src/tickets/ticket.entity.js';
import { stateAtSql } from '../src/tickets/ticket-history.js';

const N = Number(process.env.BENCH_TICKETS ?? 20000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

async function timeIt(fn: () => Promise<unknown>, before?: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (before) await before();
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

async function main() {
  const { adminUrl, server } = await resolveScratchServer();
  const name = `hotline_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const ds = createDataSource(withDatabaseName(adminUrl, name));
  try {
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await seedReferenceData(ds);
    const now = new Date('2022-01-12T09:00:00Z');
    // N tickets over 60 days across communes and categories; a third resolved, the rest open with varied deadlines
    await ds.query(
      `INSERT INTO tickets (code, channel, status, reporter_name, reporter_phone, area_code, category_code, content, assigned_unit_code,
                            received_at, due_at, resolved_at, resolution, search_text)
       SELECT 'B-' || g, (ARRAY['hotline','walk_in','app','web','email','zalo','facebook'])[1 + g % 7],
              CASE WHEN g % 3 = 0 THEN 'resolved' ELSE 'in_progress' END,
              'Người dân ' || g, '+8491' || lpad((g % 10000000)::text, 7, '0'), a.code, (ARRAY['Y-TE','AN-SINH','TIEM-CHUNG','KHAC'])[1 + g % 4],
              'Nội dung phản ánh số ' || g, 'UB-' || a.code,
              $1::timestamptz - (g % 1440) * interval '1 hour', $1::timestamptz - (g % 1440) * interval '1 hour' + interval '72 hours',
              CASE WHEN g % 3 = 0 THEN $1::timestamptz - (g % 1440) * interval '1 hour' + interval '24 hours' END,
              CASE WHEN g % 3 = 0 THEN 'Đã xử lý' END,
              'b-' || g || ' nguoi dan ' || g || ' noi dung phan anh so ' || g || ' ' || lower(a.name)
         FROM generate_series(1, $2) g
         JOIN LATERAL (SELECT code, name FROM areas WHERE level = 'commune' ORDER BY code OFFSET (g % 106) LIMIT 1) a ON true`,
      [now, N],
    );
    await ds.query(
      `INSERT INTO ticket_events (ticket_id, type, at, actor_name, to_status, to_unit_code, due_at)
       SELECT id, 'created', received_at, 'bench', 'assigned', assigned_unit_code, due_at FROM tickets
       UNION ALL
       SELECT id, 'resolved', resolved_at, 'bench', 'resolved', assigned_unit_code, due_at FROM tickets WHERE resolved_at IS NOT NULL`,
    );
    await ds.query('ANALYZE');
    const settings = loadSettings({ REPORT_OPERATION_START: '2021-10-01T16:00:00+07:00' });
    const reports = new ReportService(ds, settings);
    const clock = new FixedClock(now);
    const calendars = new CalendarService(ds, settings);
    await calendars.reload();
    // the sweep as the application runs it; the outbox's queue is not used to write rows
    const outbox = new OutboxService(ds, clock, settings, null as never);
    const overdue = new OverdueService(ds, clock, settings, outbox, calendars, new RecipientListsService(ds));

    const results: Array<[string, number]> = [];
    const baseline = await timeIt(() => ds.query(`SELECT count(*) FROM tickets WHERE content <> ''`));
    results.push(['baseline: sequential count over tickets', baseline]);
    const flagged = await overdue.sweepOverdue(now);
    results.push([`overdue sweep, ${flagged} tickets falling due at once`, await timeIt(
      () => overdue.sweepOverdue(now),
      async () => {
        await ds.query(`UPDATE tickets SET overdue_at = NULL, overdue_for_due_at = NULL WHERE overdue_for_due_at IS NOT NULL`);
        await ds.query(`DELETE FROM ticket_events WHERE type = 'overdue'`);
      },
    )]);
    results.push(['overdue sweep with nothing new (the usual minute)', await timeIt(() => overdue.sweepOverdue(now))]);
    results.push(['state of every ticket at an instant (events)', await timeIt(
      () => ds.query(`WITH state AS (${stateAtSql('$1')}) SELECT count(*) FROM state WHERE status = ANY($2) AND due_at < $1`, [now, OPEN_STATUSES]),
    )]);
    results.push(['official daily report (two instants, per-unit list)', await timeIt(() => reports.build('daily', '2022-01-12'))]);
    results.push(['text search "hoa loi" (trigram index)', await timeIt(() => ds.query(`SELECT count(*) FROM tickets WHERE search_text LIKE '%hoa loi%'`))]);
    results.push(['tickets of one phone number', await timeIt(() => ds.query(`SELECT code FROM tickets WHERE reporter_phone = '+84910001234'`))]);

    console.log(`\n${N} tickets, median of ${ROUNDS} rounds; ratio = time / baseline (lower is better)\n`);
    for (const [label, ms] of results) console.log(`${label.padEnd(55)} ${ms.toFixed(2).padStart(9)} ms   ×${(ms / baseline).toFixed(2)}`);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    await server?.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
