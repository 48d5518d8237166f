import type { EntityManager } from 'typeorm';
import { ReportService } from '../src/reports/report.service.js';
import { earliestOverdueByUnit, ticketsWithState, unhandledSpansByUnit } from '../src/tickets/ticket-report-queries.js';
import { saveStateCountCheckpoint, stateCountsAt, type StateCountsAt } from '../src/tickets/ticket-state-counts.js';
import { contributions } from '../migrations/1796401800000-TicketStateCounts.js';
import { bearer, startTestApp, tokensFor, type TestApp } from './support/test-app.js';

/**
 * The report's counts kept by hour (ticket_state_counts, migration TicketStateCounts) against the spans they replace
 * in the report: at every whole hour of a random history (tickets created through the API, then state events written
 * straight into ticket_events: out of order, at the same instant, on and off the hour, before the ticket's reception,
 * rejections as duplicates and as spam, reopenings, moves between units, deadlines on and off the hour, deleted and
 * updated events), the counts per unit (open, overdue, rejected, merged) and the tickets received equal what the
 * spans give, with no checkpoint, from checkpoints on either side of the instant, after changes the checkpoints did
 * not see (late events, deletions, a transaction that committed after a checkpoint's snapshot was taken), and the
 * earliest overdue deadline per unit equals the spans'.
 */

const DAY0 = '2026-03-02';
const local = (day: number, time: string) => new Date(new Date(`${DAY0}T${time}:00+07:00`).getTime() + day * 86_400_000);
const UNITS = ['UB-29401', 'UB-29402', 'SO-YT', null];
const HOUR = 3_600_000;

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Figures = { received: number; units: Record<string, { open: number; overdue: number; rejected: number; merged: number }> };

/** The figures at `at` from the spans, as the report read them before the counts (and still does off the hour). */
async function fromSpans(m: EntityManager, at: Date): Promise<Figures> {
  const rows = await unhandledSpansByUnit(m, at, at, new Date(0));
  const had = await ticketsWithState(m, at, at, new Date(0));
  const units: Figures['units'] = {};
  for (const r of rows) {
    if (r.open_now + r.overdue_now + r.rejected_now + r.merged_now === 0) continue;
    units[r.unit_code ?? ''] = { open: r.open_now, overdue: r.overdue_now, rejected: r.rejected_now, merged: r.merged_now };
  }
  return { received: had.now, units };
}

function fromCounts(counts: StateCountsAt): Figures {
  const units: Figures['units'] = {};
  let received = 0;
  for (const r of counts.rows) {
    if (r.kind === 'received') {
      received += r.n;
      continue;
    }
    units[r.unit_key] ??= { open: 0, overdue: 0, rejected: 0, merged: 0 };
    units[r.unit_key][r.kind] += r.n;
  }
  return { received, units };
}

describe('ticket state counts (e2e)', () => {
  let t: TestApp;
  let op: string;
  const ids: string[] = [];
  // COUNTS_SEED replays another history
  const next = random(Number(process.env.COUNTS_SEED ?? 20261204));
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];

  beforeAll(async () => {
    t = await startTestApp({ now: local(0, '07:00').toISOString(), env: { TOKEN_TTL_HOURS: '720' } });
    [op] = await tokensFor(t, ['operator']);
  });
  afterAll(() => t?.close());

  /** In one REPEATABLE READ transaction, so that both sides read one snapshot. */
  const inSnapshot = <T,>(work: (m: EntityManager) => Promise<T>) => t.ds.transaction('REPEATABLE READ', work);

  /** A random instant over three days: on the hour, on a half hour, or anywhere. */
  const instant = (): Date => {
    const base = local(0, '07:00').getTime() + Math.floor(next() * 60) * HOUR;
    const r = next();
    return new Date(r < 0.35 ? base : r < 0.5 ? base + HOUR / 2 : base + Math.floor(next() * HOUR));
  };

  /** `n` state events for random tickets, each with random values, in one statement (the spans rebuild them all). */
  const randomEvents = async (n: number) => {
    const rows = Array.from({ length: n }, () => {
      const status = pick(['received', 'assigned', 'in_progress', 'in_progress', 'resolved', 'closed', 'rejected', 'rejected']);
      const at = instant();
      const due = next() < 0.2 ? null : new Date(at.getTime() + Math.floor((next() - 0.4) * 30) * HOUR + (next() < 0.5 ? 0 : Math.floor(next() * HOUR)));
      const reason = status === 'rejected' ? pick(['duplicate', 'spam', 'out_of_scope']) : null;
      return [pick(ids), status === 'rejected' ? 'rejected' : 'status_changed', at.toISOString(), status, pick(UNITS), due?.toISOString() ?? null, reason];
    });
    await t.ds.query(
      `INSERT INTO ticket_events (ticket_id, type, at, actor_name, to_status, to_unit_code, due_at, data)
       SELECT x.ticket_id::uuid, x.type, x.at::timestamptz, 'Hệ thống', x.status, x.unit, x.due::timestamptz,
              CASE WHEN x.reason IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('reason', x.reason) END
         FROM jsonb_to_recordset($1::jsonb) AS x(ticket_id text, type text, at text, status text, unit text, due text, reason text)`,
      [JSON.stringify(rows.map(([ticket_id, type, at, status, unit, due, reason]) => ({ ticket_id, type, at, status, unit, due, reason })))],
    );
  };

  /** Every whole hour from a day before the first event to a day after the last. */
  const hours = async (): Promise<Date[]> => {
    const [{ first, last }] = await t.ds.query(`SELECT min(least(at, due_at)) AS first, max(greatest(at, due_at)) AS last FROM ticket_events`);
    const out: Date[] = [];
    for (let h = Math.floor(first.getTime() / HOUR) * HOUR - 24 * HOUR; h <= last.getTime() + 24 * HOUR; h += HOUR) out.push(new Date(h));
    return out;
  };

  /** The counts and the spans agree at every whole hour, and so do the units' earliest overdue deadlines. */
  const expectSameAsSpans = async (): Promise<number> => {
    const all = await hours();
    let late = 0;
    for (const at of all) {
      await inSnapshot(async (m) => {
        const spans = await fromSpans(m, at);
        const counts = await stateCountsAt(m, at);
        expect({ at, figures: fromCounts(counts) }).toEqual({ at, figures: spans });
        const rows = await unhandledSpansByUnit(m, at, at, new Date(0));
        const expected = new Map(rows.filter((r) => r.overdue_now > 0).map((r) => [r.unit_code ?? '', new Date(r.first_due_now!)]));
        late += expected.size;
        expect({ at, first: await earliestOverdueByUnit(m, at, [...expected.keys()]) }).toEqual({ at, first: expected });
      });
    }
    expect(late).toBeGreaterThan(10);
    return all.length;
  };

  /** The changes as the triggers kept them sum, per hour, unit and kind, to a recount from the spans as they are. */
  const expectSameAsRecount = async () => {
    const sums = (rows: string) => `SELECT hour, unit_key, kind, sum(n)::int AS n FROM (${rows}) x GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3`;
    const [kept, recount] = await inSnapshot((m) => Promise.all([
      m.query(sums('SELECT hour, unit_key, kind, n FROM ticket_state_counts')), m.query(sums(contributions('ticket_state_spans', 1))),
    ]));
    expect(kept.length).toBeGreaterThan(50);
    expect(kept).toEqual(recount);
  };

  const checkpoint = (at: Date) => inSnapshot((m) => stateCountsAt(m, at)).then((counts) => saveStateCountCheckpoint(t.ds.manager, counts));

  it('equal the spans at every whole hour of a random history, with and without checkpoints', async () => {
    for (let i = 0; i < 30; i++) {
      // some tickets received on the hour, the others anywhere in it
      t.clock.set(new Date(local(0, '07:00').getTime() + i * HOUR * 0.8 + (i % 3 === 0 ? 0 : Math.floor(next() * HOUR))));
      const res = await t.http().post('/api/tickets').set(bearer(op)).send({
        channel: 'hotline', reporterName: 'Nguyễn Thị Bé', reporterPhone: '0912345678', areaCode: '29401', categoryCode: 'AN-SINH',
        content: `Phản ánh số ${i}: gia đình chưa nhận được hỗ trợ lương thực.`,
      }).expect(201);
      const [{ id }] = await t.ds.query('SELECT id FROM tickets WHERE code = $1', [res.body.code]);
      ids.push(id);
    }
    for (let i = 0; i < 8; i++) await randomEvents(25);
    // no checkpoint: every change up to the hour
    expect(await expectSameAsSpans()).toBeGreaterThan(100);
    await expectSameAsRecount();

    // checkpoints on the hours of the history, then changes they did not see
    for (const at of [local(0, '16:00'), local(1, '16:00'), local(2, '09:00')]) await checkpoint(at);
    expect(await t.ds.query(`SELECT count(*)::int AS n FROM ticket_state_count_checkpoints`)).toEqual([{ n: 3 }]);
    await expectSameAsSpans();
    for (let i = 0; i < 4; i++) await randomEvents(20);
    await t.ds.query(`DELETE FROM ticket_events WHERE id IN (SELECT id FROM ticket_events WHERE type = 'status_changed' ORDER BY id DESC LIMIT 15)`);
    await t.ds.query(`UPDATE ticket_events SET at = at - interval '7 hours 10 minutes'
                       WHERE id IN (SELECT id FROM ticket_events WHERE type = 'rejected' ORDER BY id LIMIT 10)`);
    await t.ds.query(`UPDATE ticket_events SET due_at = date_trunc('hour', at) + interval '3 hours'
                       WHERE id IN (SELECT id FROM ticket_events WHERE due_at IS NOT NULL ORDER BY id LIMIT 10)`);
    // a reception moved (the spans copy it)
    await t.ds.query(`UPDATE tickets SET received_at = received_at + interval '2 hours' WHERE id = $1`, [ids[3]]);
    await expectSameAsSpans();
    await expectSameAsRecount();
  });

  it('counts a transaction that committed after a checkpoint\'s snapshot, whatever the hour it wrote at', async () => {
    const writer = t.ds.createQueryRunner();
    await writer.connect();
    try {
      await writer.startTransaction();
      // in progress while the checkpoint is counted: not in its snapshot; the events are before its instant
      await writer.query(
        `INSERT INTO ticket_events (ticket_id, type, at, actor_name, to_status, to_unit_code, due_at)
         SELECT id, 'status_changed', $2, 'Hệ thống', 'in_progress', 'SO-YT', $3 FROM tickets WHERE id = ANY($1::uuid[])`,
        [ids.slice(0, 6), local(1, '08:20'), local(1, '09:00')],
      );
      const counts = await inSnapshot((m) => stateCountsAt(m, local(1, '16:00')));
      await writer.commitTransaction();
      await saveStateCountCheckpoint(t.ds.manager, counts);
    } finally {
      if (writer.isTransactionActive) await writer.rollbackTransaction();
      await writer.release();
    }
    const [{ n }] = await t.ds.query(
      `SELECT count(*)::int AS n FROM ticket_state_counts c, ticket_state_count_checkpoints k
        WHERE k.at = $1 AND c.hour <= k.at AND NOT pg_visible_in_snapshot(c.tx, k.snapshot)`, [local(1, '16:00')]);
    expect(n).toBeGreaterThan(0);
    await expectSameAsSpans();
  });

  it('reads the nearest checkpoint, and a report keeps its two instants as checkpoints', async () => {
    const at = local(1, '18:00');
    const before = await inSnapshot((m) => stateCountsAt(m, at));
    // a checkpoint's own counts are what it adds: a wrong one shows in the counts near it
    await t.ds.query(`UPDATE ticket_state_count_checkpoints
                         SET counts = counts || '[{"unit_key": "", "kind": "received", "n": 1000}]'::jsonb WHERE at = $1`, [local(1, '16:00')]);
    const skewed = await inSnapshot((m) => stateCountsAt(m, at));
    expect(fromCounts(skewed).received).toBe(fromCounts(before).received + 1000);
    await t.ds.query(`DELETE FROM ticket_state_count_checkpoints`);

    t.clock.set(local(3, '17:00'));
    const report = await t.app.get(ReportService).build('daily', '2026-03-04');
    const kept: Array<{ at: Date }> = await t.ds.query(`SELECT at FROM ticket_state_count_checkpoints ORDER BY at`);
    expect(kept.map((k) => k.at)).toEqual([local(1, '16:00'), local(2, '16:00')]);
    const spans = await inSnapshot((m) => fromSpans(m, local(2, '16:00')));
    const total = (f: Figures, kind: 'open' | 'overdue' | 'rejected' | 'merged') => Object.values(f.units).reduce((n, u) => n + u[kind], 0);
    expect(report.figures.open).toBe(total(spans, 'open'));
    expect(report.figures.overdue.current).toBe(total(spans, 'overdue'));
    expect(report.figures.receivedTotal.current).toBe(spans.received);
    expect(report.figures.overdueUnits.map((u) => [u.unitCode, u.count]).sort())
      .toEqual(Object.entries(spans.units).filter(([, u]) => u.overdue > 0).map(([code, u]) => [code, u.overdue]).sort());
    // the same report again reads from its own checkpoints and says the same
    expect((await t.app.get(ReportService).build('daily', '2026-03-04')).figures).toEqual(report.figures);
  });

  it('after a restore into another cluster, adopts the kept changes before counting', async () => {
    // what a restore leaves: transaction ids of the old cluster (here beyond this one's), another cluster's identifier
    await t.ds.query(`UPDATE ticket_state_counts SET tx = (pg_current_xact_id()::text::bigint + 1000000)::text::xid8`);
    await t.ds.query(`UPDATE ticket_state_counts_origin SET system_id = system_id + 1`);
    expect(await t.ds.query(`SELECT count(*)::int AS n FROM ticket_state_count_checkpoints WHERE generation = 1`)).toEqual([{ n: 2 }]);

    const report = await t.app.get(ReportService).build('daily', '2026-03-04');
    const spans = await inSnapshot((m) => fromSpans(m, local(2, '16:00')));
    expect(report.figures.receivedTotal.current).toBe(spans.received);
    expect(report.figures.open).toBe(Object.values(spans.units).reduce((n, u) => n + u.open, 0));
    expect(await t.ds.query(`SELECT o.generation, o.system_id = c.system_identifier AS ours FROM ticket_state_counts_origin o, pg_control_system() c`))
      .toEqual([{ generation: 2, ours: true }]);
    expect(await t.ds.query(`SELECT generation, count(*)::int AS n FROM ticket_state_count_checkpoints GROUP BY 1`)).toEqual([{ generation: 2, n: 2 }]);
    await randomEvents(20);
    await expectSameAsSpans();
  });

  it('is emptied with the spans by a TRUNCATE', async () => {
    await t.ds.query(`TRUNCATE tickets CASCADE`);
    expect(await t.ds.query(`SELECT (SELECT count(*) FROM ticket_state_counts)::int AS changes,
                                    (SELECT count(*) FROM ticket_state_count_checkpoints)::int AS checkpoints`))
      .toEqual([{ changes: 0, checkpoints: 0 }]);
  });
});
