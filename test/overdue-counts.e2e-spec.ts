import { OverdueService } from '../src/sla/overdue.service.js';
import { bearer, startTestApp, type TestApp } from './support/test-app.js';

/**
 * The overdue list of "now" counts late tickets per unit from ticket_overdue_counts, which PostgreSQL keeps as the
 * tickets change (migration OverdueCounts), instead of reading every late ticket (issue 8). These tests hold the
 * kept counts to the tickets themselves through every kind of change, under concurrent writers and the sweep's
 * folding of the rows, and hold the list of "now" to the list reconstructed from the history for the same instant.
 */

const NOW = '2026-03-04T09:00:00+07:00';

/** `n` open tickets of `unit` with their creation events, received three days before NOW, due at `due`. */
async function insertTickets(t: TestApp, prefix: string, n: number, unit: string, area: string, due: string): Promise<void> {
  await t.ds.query(
    `WITH t AS (
       INSERT INTO tickets (code, channel, status, reporter_name, area_code, category_code, content, assigned_unit_code,
                            received_at, due_at, warn_at, search_text)
       SELECT $1 || g, 'hotline', 'assigned', 'Người dân ' || g, $6, 'AN-SINH', 'Chưa nhận được hỗ trợ ' || g, $5,
              $2::timestamptz - interval '3 days', $3::timestamptz, $3::timestamptz - interval '1 day', lower($1 || g)
         FROM generate_series(1, $4) g
       RETURNING id, received_at, due_at)
     INSERT INTO ticket_events (ticket_id, type, at, actor_name, to_status, to_unit_code, due_at)
     SELECT id, 'created', received_at, 'Tổng đài viên', 'assigned', $5, due_at FROM t`,
    [prefix, NOW, due, n, unit, area],
  );
}

interface OverdueList { at: string; total: number; units: Array<{ unit: { code: string } | null; count: number }> }

describe('the kept overdue counts', () => {
  let t: TestApp;
  let coord: string;
  let hoaLoi: string;

  beforeAll(async () => {
    t = await startTestApp({ now: NOW, env: { MAIL_ONLY_IN_WORKING_TIME: 'false' } });
    [coord, hoaLoi] = await Promise.all([t.userToken('coordinator'), t.userToken('unit_staff', 'UB-29401')]);
  });
  afterAll(() => t?.close());

  /** The kept counts summed per unit ('' for none), and the flagged open tickets counted from the tickets. */
  const kept = async () => Object.fromEntries(
    (await t.ds.query(`SELECT unit_key, sum(n)::int AS n FROM ticket_overdue_counts GROUP BY unit_key HAVING sum(n) <> 0`))
      .map((r: { unit_key: string; n: number }) => [r.unit_key, r.n]));
  const flagged = async () => Object.fromEntries(
    (await t.ds.query(
      `SELECT coalesce(assigned_unit_code, '') AS unit_key, count(*)::int AS n FROM tickets
        WHERE status IN ('received', 'assigned', 'in_progress') AND overdue_for_due_at = due_at GROUP BY 1`))
      .map((r: { unit_key: string; n: number }) => [r.unit_key, r.n]));
  /** The open tickets past their deadline now, per unit ('-' for none), counted from the tickets. */
  const lateNow = async () => Object.fromEntries(
    (await t.ds.query(
      `SELECT coalesce(assigned_unit_code, '-') AS unit, count(*)::int AS n FROM tickets
        WHERE status IN ('received', 'assigned', 'in_progress') AND due_at < $1 GROUP BY 1`, [new Date(NOW)]))
      .map((r: { unit: string; n: number }) => [r.unit, r.n]));
  const list = async (query = '', token = coord): Promise<OverdueList> => (await t.http().get(`/api/overdue${query}`).set(bearer(token)).expect(200)).body;
  const counts = (l: OverdueList) => Object.fromEntries(l.units.map((u) => [u.unit?.code ?? '-', u.count]));
  /** The list of now (kept counts) and the list reconstructed from the history at the same instant agree. */
  const agree = async (token = coord) => {
    const now = await list('', token);
    const history = await list(`?at=${encodeURIComponent(now.at)}`, token);
    expect(counts(now)).toEqual(counts(history));
    expect(now.total).toBe(history.total);
    return now;
  };

  it('follow the sweep, resolutions, transfers, extensions, reopenings and deletions', async () => {
    await insertTickets(t, 'KC-A', 300, 'UB-29401', '29401', '2026-03-03T09:00:00+07:00');
    await insertTickets(t, 'KC-B', 120, 'UB-29404', '29404', '2026-03-02T09:00:00+07:00');
    // late but not yet swept: counted from the sweep's work list
    expect(await kept()).toEqual({});
    expect(counts(await agree())).toEqual({ 'UB-29401': 300, 'UB-29404': 120 });

    expect(await t.app.get(OverdueService).sweepOverdue()).toBe(420);
    expect(await kept()).toEqual({ 'UB-29401': 300, 'UB-29404': 120 });
    expect(await kept()).toEqual(await flagged());

    // through the application: accept and resolve, transfer, extend
    for (const code of ['KC-A1', 'KC-A2', 'KC-A3']) {
      await t.http().post(`/api/tickets/${code}/accept`).set(bearer(hoaLoi)).send({}).expect(200);
      await t.http().post(`/api/tickets/${code}/resolve`).set(bearer(hoaLoi)).send({ resolution: 'Đã hỗ trợ.' }).expect(200);
    }
    await t.http().post('/api/tickets/KC-A4/assign').set(bearer(coord)).send({ unitCode: 'UB-29404' }).expect(200);
    await t.http().post('/api/tickets/KC-A5/extend').set(bearer(coord))
      .send({ dueAt: '2026-03-10T17:00:00+07:00', reason: 'Chờ danh sách hộ nghèo của ấp' }).expect(200);
    expect(await kept()).toEqual(await flagged());
    expect(counts(await agree())).toEqual(await flagged());
    expect((await flagged())['UB-29401']).toBe(295);
  }, 60_000);

  it('are what the list of now reads, and an instant before the last sweep takes off what was not late yet', async () => {
    const before = counts(await list());
    // a wrong kept count shows in the list of now, not in the list rebuilt from the history
    const [{ id }] = await t.ds.query(`INSERT INTO ticket_overdue_counts (unit_key, n) VALUES ('UB-29401', 7) RETURNING id`);
    expect(counts(await list())['UB-29401']).toBe(before['UB-29401'] + 7);
    await t.ds.query(`DELETE FROM ticket_overdue_counts WHERE id = $1`, [id]);
    expect(counts(await list())).toEqual(before);

    // swept a day later; the list of an earlier "now" does not count the tickets due in between
    await insertTickets(t, 'KC-C', 40, 'UB-29401', '29401', '2026-03-05T09:00:00+07:00');
    expect(await t.app.get(OverdueService).sweepOverdue(new Date('2026-03-05T10:00:00+07:00'))).toBe(40);
    expect(counts(await agree())).toEqual(before);
    t.clock.set('2026-03-05T10:00:00+07:00');
    try {
      // a session of that day (the morning's has expired by then)
      const later = await t.userToken('coordinator', null, 'dieuphoi.hommai');
      expect(counts(await agree(later))['UB-29401']).toBe(before['UB-29401'] + 40);
    } finally {
      t.clock.set(NOW);
    }
  });

  it('follow any writer of tickets: a bulk resolution, a move to no unit, a reopening, a deletion', async () => {
    // statements outside the lifecycle write no history: the list of now is held to the tickets themselves
    await t.ds.query(`UPDATE tickets SET status = 'resolved' WHERE code LIKE 'KC-B1_'`);
    await t.ds.query(`UPDATE tickets SET assigned_unit_code = NULL, status = 'received' WHERE code IN ('KC-B20', 'KC-B21')`);
    await t.ds.query(`UPDATE tickets SET status = 'in_progress' WHERE code = 'KC-A1'`);
    await t.ds.query(`DELETE FROM tickets WHERE code IN ('KC-B30', 'KC-B31', 'KC-B32')`);
    expect(await kept()).toEqual(await flagged());
    expect(await kept()).toMatchObject({ '': 2, 'UB-29404': 106 }); // 120, 10 resolved, 2 to no unit, 3 deleted, and KC-A4
    expect(counts(await list())).toEqual(await lateNow());
  });

  it('stay exact under concurrent writers while the sweep folds them into one row per unit', async () => {
    const codes: string[] = (await t.ds.query(
      `SELECT code FROM tickets WHERE status IN ('assigned', 'in_progress') AND overdue_for_due_at = due_at ORDER BY code LIMIT 120`))
      .map((r: { code: string }) => r.code);
    const overdue = t.app.get(OverdueService);
    // forty writers at once, each resolving three tickets of the same units, and folds running among them
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => t.ds.transaction(async (m) => {
        for (const code of codes.slice(i * 3, i * 3 + 3)) await m.query(`UPDATE tickets SET status = 'resolved' WHERE code = $1`, [code]);
      })),
      overdue.tick(), overdue.tick(),
    ]);
    expect(await kept()).toEqual(await flagged());
    await overdue.tick();
    const rows: Array<{ unit_key: string; rows: number }> = await t.ds.query(
      `SELECT unit_key, count(*)::int AS rows FROM ticket_overdue_counts GROUP BY unit_key`);
    expect(rows.every((r) => r.rows === 1)).toBe(true);
    expect(await kept()).toEqual(await flagged());
    expect(counts(await list())).toEqual(await lateNow());
  }, 60_000);

  it('are emptied with the tickets', async () => {
    await t.ds.query(`TRUNCATE tickets CASCADE`);
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM ticket_overdue_counts`);
    expect(n).toBe(0);
    expect(await list()).toMatchObject({ total: 0, units: [] });
  });
});
