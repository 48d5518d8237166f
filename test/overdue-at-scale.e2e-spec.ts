import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { OutboxService } from '../src/notifications/outbox.service.js';
import { OverdueService } from '../src/sla/overdue.service.js';
import { bearer, startTestApp, TEST_PASSWORD, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

/**
 * The deadline watch at scale and under failure (issue 8): any number of tickets falling due at once is flagged,
 * each once, with its notice queued; a sweep that fails is logged, retried and shown by /health, and does not keep
 * the due-soon warnings from running.
 */


const NOW = '2026-03-04T09:00:00+07:00';

/** `n` open tickets of Hòa Lợi's committee with their creation events, due `dueOffset` before (or after) NOW. */
async function insertTickets(t: TestApp, prefix: string, n: number, due: string, warn: string): Promise<void> {
  // the fixture is one statement of 20,000 rows with the triggers they fire: on a slow machine it may take longer
  // than the pool's statement timeout, which is the application's bound, not the fixture's
  await t.ds.transaction((m) => m.query('SET LOCAL statement_timeout = 0').then(() => m.query(
    `WITH t AS (
       INSERT INTO tickets (code, channel, status, reporter_name, area_code, category_code, content, assigned_unit_code,
                            received_at, due_at, warn_at, search_text)
       SELECT $1 || g, 'hotline', 'assigned', 'Người dân ' || g, '29401', 'AN-SINH', 'Chưa nhận được hỗ trợ ' || g, 'UB-29401',
              $2::timestamptz - interval '3 days', $3::timestamptz, $4::timestamptz, lower($1 || g)
         FROM generate_series(1, $5) g
       RETURNING id, received_at, due_at)
     INSERT INTO ticket_events (ticket_id, type, at, actor_name, to_status, to_unit_code, due_at)
     SELECT id, 'created', received_at, 'Tổng đài viên', 'assigned', 'UB-29401', due_at FROM t`,
    [prefix, NOW, due, warn, n],
  )));
}

describe('the deadline watch at scale', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: NOW, env: { MAIL_ONLY_IN_WORKING_TIME: 'false' } });
    await t.ds.query(`UPDATE units SET emails = ARRAY['hoaloi@ubnd.travinh.gov.vn'] WHERE code = 'UB-29401'`);
  });
  afterAll(() => t?.close());

  it('the outbox takes 10,000 messages in one call (more than one INSERT can carry)', async () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => ({
      channel: 'email' as const, dedupeKey: `bulk-test:${i}`,
      payload: { to: ['a@example.gov.vn'], subject: `Thư ${i}`, text: 'Nội dung' },
    }));
    const added = await t.ds.transaction((m) => t.app.get(OutboxService).add(m, entries));
    expect(added).toBe(10_000);
    // the same keys again are written once
    expect(await t.ds.transaction((m) => t.app.get(OutboxService).add(m, entries))).toBe(0);
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM outbox_messages WHERE dedupe_key LIKE 'bulk-test:%'`);
    expect(n).toBe(10_000);
  });

  it('flags 20,000 tickets falling due at once, each once, with one notice each, with two sweeps running together', async () => {
    await insertTickets(t, 'SCALE-', 20_000, '2026-03-03T09:00:00+07:00', '2026-03-02T15:00:00+07:00');
    const overdue = t.app.get(OverdueService);
    const [a, b] = await Promise.all([overdue.sweepOverdue(), overdue.sweepOverdue()]);
    expect(a + b).toBe(20_000);
    const [tickets] = await t.ds.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE overdue_for_due_at = due_at AND overdue_at = due_at)::int AS flagged
         FROM tickets WHERE code LIKE 'SCALE-%'`);
    expect(tickets).toEqual({ n: 20_000, flagged: 20_000 });
    const [events] = await t.ds.query(
      `SELECT count(*)::int AS n, count(DISTINCT e.ticket_id)::int AS tickets
         FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.code LIKE 'SCALE-%' AND e.type = 'overdue'`);
    expect(events).toEqual({ n: 20_000, tickets: 20_000 });
    const [notices] = await t.ds.query(
      `SELECT count(*)::int AS n, count(DISTINCT o.ticket_id)::int AS tickets
         FROM outbox_messages o JOIN tickets t ON t.id = o.ticket_id
        WHERE t.code LIKE 'SCALE-%' AND o.dedupe_key LIKE 'overdue:%' AND o.status = 'pending'`);
    expect(notices).toEqual({ n: 20_000, tickets: 20_000 });
    // nothing new: the next sweeps flag nothing and write nothing
    expect(await overdue.sweepOverdue()).toBe(0);
    expect(await overdue.sweepDueSoon()).toBe(0);
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM ticket_events WHERE type = 'overdue'`);
    expect(n).toBe(20_000);
  }, 180_000);

  it('lists them a page at a time, with exact counts, in the API and on the staff page', async () => {
    const coord = await t.userToken('coordinator');
    // the list of every unit: each unit's count and its 10 oldest
    const overview = (await t.http().get('/api/overdue').set(bearer(coord)).expect(200)).body;
    expect(overview).toMatchObject({ total: 20_000, page: 1, pageSize: 10 });
    expect(overview.units).toHaveLength(1);
    expect(overview.units[0]).toMatchObject({ unit: { code: 'UB-29401' }, count: 20_000 });
    expect(overview.units[0].tickets).toHaveLength(10);
    // one unit's list: pages of 50 by default, beginning with the overview's 10
    const first = (await t.http().get('/api/overdue?unit=UB-29401').set(bearer(coord)).expect(200)).body;
    expect(first).toMatchObject({ total: 20_000, page: 1, pageSize: 50 });
    expect(first.units[0].tickets).toHaveLength(50);
    expect(first.units[0].tickets.slice(0, 10)).toEqual(overview.units[0].tickets);
    // one unit's third page of 200, following on from the second in the same order (oldest deadline first)
    const p2 = (await t.http().get('/api/overdue?unit=UB-29401&page=2&pageSize=200').set(bearer(coord)).expect(200)).body;
    const p3 = (await t.http().get('/api/overdue?unit=UB-29401&page=3&pageSize=200').set(bearer(coord)).expect(200)).body;
    const rows: Array<{ code: string; dueAt: string }> = [...first.units[0].tickets, ...p2.units[0].tickets, ...p3.units[0].tickets];
    expect(rows).toHaveLength(450);
    expect(new Set(rows.map((x) => x.code)).size).toBe(450); // pages do not overlap
    expect(rows.map((x) => x.dueAt)).toEqual(rows.map((x) => x.dueAt).sort());
    expect(p3.units[0].count).toBe(20_000);
    await t.http().get('/api/overdue?pageSize=201').set(bearer(coord)).expect(400);
    await t.http().get('/api/overdue?page=0').set(bearer(coord)).expect(400);
    const none = (await t.http().get('/api/overdue?unit=none').set(bearer(coord)).expect(200)).body;
    expect(none).toMatchObject({ total: 0, units: [] });

    await t.userToken('coordinator', null, 'dieuphoi.trehan');
    const login = await t.http().post('/dang-nhap').type('form').send({ username: 'dieuphoi.trehan', password: TEST_PASSWORD });
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const page = await t.http().get('/tre-han').set('Cookie', cookie).expect(200);
    expect(page.text.match(/<li class="late">/g)).toHaveLength(10);
    expect(page.text).toContain('Xem cả 20000 phản ánh trễ hạn của đơn vị');
    expect(page.text).toContain('href="/tre-han?don-vi=UB-29401&amp;trang=1"');
    const unitPage = await t.http().get('/tre-han?don-vi=UB-29401&trang=1').set('Cookie', cookie).expect(200);
    expect(unitPage.text.match(/<li class="late">/g)).toHaveLength(50);
    expect(unitPage.text).toContain('Trang 1/400');
    expect(unitPage.text).toContain('href="/tre-han?don-vi=UB-29401&amp;trang=2"');
    const next = await t.http().get('/tre-han?don-vi=UB-29401&trang=2').set('Cookie', cookie).expect(200);
    expect(next.text.match(/<li class="late">/g)).toHaveLength(50);
    expect(next.text).toContain('Trang 2/400');
    expect(next.text).toContain('id="trang-sau"');
    for (const bad of ['?trang=abc', '?trang=-1', '?don-vi=' + 'X'.repeat(200)]) await t.http().get(`/tre-han${bad}`).set('Cookie', cookie).expect(200);
  }, 60_000);

  it('the ticket list counts up to 10,000 and says "more than" past it, in the API and on the staff page', async () => {
    const coord = await t.userToken('coordinator');
    const all = (await t.http().get('/api/tickets?pageSize=100').set(bearer(coord)).expect(200)).body;
    expect(all).toMatchObject({ total: 10_000, totalExact: false, page: 1, pageSize: 100 });
    expect(all.items).toHaveLength(100);
    // far past the cap the page is still there
    const far = (await t.http().get('/api/tickets?pageSize=100&page=150').set(bearer(coord)).expect(200)).body;
    expect(far).toMatchObject({ total: 10_000, totalExact: false, page: 150 });
    expect(far.items).toHaveLength(100);
    const narrow = (await t.http().get('/api/tickets').query({ q: 'scale-1999' }).set(bearer(coord)).expect(200)).body;
    expect(narrow).toMatchObject({ total: 11, totalExact: true }); // SCALE-1999 and SCALE-19990 … SCALE-19999
    const login = await t.http().post('/dang-nhap').type('form').send({ username: 'dieuphoi.trehan', password: TEST_PASSWORD });
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const page = await t.http().get('/tickets').set('Cookie', cookie).expect(200);
    expect(page.text).toContain('Có hơn 10000 phản ánh.');
    expect(page.text).toContain('<span id="so-trang">Trang 1</span>');
    expect(page.text).toContain('id="trang-sau"');
  }, 60_000);

  it('finds new work through the partial index, not by reading the table', async () => {
    const plan: Array<{ 'QUERY PLAN': string }> = await t.ds.query(
      `EXPLAIN SELECT id FROM tickets
        WHERE status IN ('received', 'assigned', 'in_progress') AND overdue_for_due_at IS DISTINCT FROM due_at AND due_at < now()
        ORDER BY due_at LIMIT 1000`);
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('idx_tickets_overdue_watch');
  });
});

describe('a deadline watch that fails', () => {
  let a: TestApp;
  let workers: TestApp | undefined;

  beforeAll(async () => {
    a = await startTestApp({ now: NOW, env: { MAIL_ONLY_IN_WORKING_TIME: 'false', OVERDUE_SWEEP_SECONDS: '3600' } });
    await a.ds.query(`UPDATE units SET emails = ARRAY['hoaloi@ubnd.travinh.gov.vn'] WHERE code = 'UB-29401'`);
  });
  afterAll(async () => {
    await workers?.close();
    await a?.close();
  });

  it('is logged, retried and shown by /health, while the due-soon warnings still go out; a later success clears it', async () => {
    await insertTickets(a, 'LATE-', 3, '2026-03-03T09:00:00+07:00', '2026-03-02T15:00:00+07:00');
    await insertTickets(a, 'SOON-', 2, '2026-03-05T09:00:00+07:00', '2026-03-04T08:00:00+07:00');
    // the database refuses the overdue events, as a broken constraint or a full disk would
    await a.ds.query(`CREATE FUNCTION refuse_overdue() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.type = 'overdue' THEN RAISE EXCEPTION 'overdue events refused (drill)'; END IF; RETURN NEW; END $$`);
    await a.ds.query(`CREATE TRIGGER refuse_overdue BEFORE INSERT ON ticket_events FOR EACH ROW EXECUTE FUNCTION refuse_overdue()`);
    expect((await a.http().get('/health').expect(200)).body).toEqual({ status: 'ok', database: 'up', redis: 'up' });

    // an instance with the workers on: its first tick runs at start-up, fails, and is tried again
    workers = await startTestApp({ alongside: a, clock: a.clock, env: { WORKERS_ENABLED: 'true' } });
    const failing = await waitFor('two failed runs recorded', async () => {
      const [row] = await a.ds.query(`SELECT consecutive_failures, last_error FROM job_health WHERE name = 'deadline-watch'`);
      return row && row.consecutive_failures >= 2 ? row : null;
    });
    expect(failing.last_error).toContain('overdue events refused (drill)');
    const health = await a.http().get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'degraded', database: 'up', redis: 'up' });
    expect(health.body.failingJobs).toEqual([expect.objectContaining({ name: 'deadline-watch', lastError: expect.stringContaining('overdue events refused') })]);
    expect(health.body.failingJobs[0].consecutiveFailures).toBeGreaterThanOrEqual(2);
    // the other steps of the tick ran: the tickets due soon were warned, the late ones are still unflagged
    const [soon] = await a.ds.query(`SELECT count(*) FILTER (WHERE warned_for_due_at = due_at)::int AS warned FROM tickets WHERE code LIKE 'SOON-%'`);
    expect(soon.warned).toBe(2);
    const [late] = await a.ds.query(`SELECT count(*) FILTER (WHERE overdue_for_due_at IS NOT NULL)::int AS flagged FROM tickets WHERE code LIKE 'LATE-%'`);
    expect(late.flagged).toBe(0);

    // mended: the next run flags them and /health is clear again
    await a.ds.query(`DROP TRIGGER refuse_overdue ON ticket_events`);
    await workers.app.get<Queue>(getQueueToken('sla')).add('tick', {}, { removeOnComplete: true });
    await waitFor('the late tickets flagged', async () => {
      const [r] = await a.ds.query(`SELECT count(*) FILTER (WHERE overdue_for_due_at = due_at)::int AS flagged FROM tickets WHERE code LIKE 'LATE-%'`);
      return r.flagged === 3;
    });
    await waitFor('/health clear', async () => (await a.http().get('/health')).body.status === 'ok');
    const [row] = await a.ds.query(`SELECT consecutive_failures, last_succeeded_at FROM job_health WHERE name = 'deadline-watch'`);
    expect(row.consecutive_failures).toBe(0);
    expect(row.last_succeeded_at).not.toBeNull();
  }, 60_000);
});
