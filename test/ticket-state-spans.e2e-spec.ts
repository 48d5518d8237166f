import { stateAtSql } from '../src/tickets/ticket-history.js';
import { bearer, startTestApp, tokensFor, type TestApp } from './support/test-app.js';

/**
 * ticket_state_spans, kept by PostgreSQL from the ticket events, against the definition it replaces: at every instant
 * around every event of a realistic history (API changes, a merge as a duplicate, a reopening, an import in batches, a
 * set-based insert for several tickets in one statement, events inserted out of order and at the same instant, a
 * deletion and an update of events, two transactions adding to one ticket at once), `stateAtSql` gives exactly what
 * the old query over ticket_events gave, with the rejection reason and the handling time the report read from the
 * events per ticket.
 */

/** The definition before ticket_state_spans (src/tickets/ticket-history.ts until then), kept as the oracle. */
const OLD_STATE_AT = `SELECT DISTINCT ON (e.ticket_id) e.ticket_id, e.to_status AS status, e.to_unit_code AS unit_code, e.due_at, e.data
            FROM ticket_events e
           WHERE e.at <= $1 AND e.to_status IS NOT NULL
           ORDER BY e.ticket_id, e.at DESC, e.id DESC`;

/**
 * The oracle's rows: the old state, the reason of the last rejection at or before the instant (as the report's
 * snapshot read it) and the last entry into resolved/closed at or before it (as unitStatistics read it), per ticket.
 */
const ORACLE = `WITH state AS (${OLD_STATE_AT})
  SELECT s.ticket_id, s.status, s.unit_code, s.due_at, t.received_at, r.reason AS reject_reason, h.at AS handled_at
    FROM state s JOIN tickets t ON t.id = s.ticket_id
    LEFT JOIN LATERAL (
         SELECT e.data->>'reason' AS reason
           FROM ticket_events e
          WHERE e.ticket_id = t.id AND e.type = 'rejected' AND e.at <= $1
          ORDER BY e.at DESC, e.id DESC
          LIMIT 1) r ON true
    LEFT JOIN LATERAL (
         SELECT e.at
           FROM ticket_events e
          WHERE e.ticket_id = t.id AND e.at <= $1
            AND e.to_status IN ('resolved', 'closed')
            AND (e.from_status NOT IN ('resolved', 'closed')
                 OR (e.from_status IS NULL AND e.type IN ('resolved', 'closed')))
          ORDER BY e.at DESC, e.id DESC
          LIMIT 1) h ON true
   ORDER BY s.ticket_id`;

const SPANS = `SELECT ticket_id, status, unit_code, due_at, received_at, reject_reason, handled_at
                 FROM (${stateAtSql('$1')}) x ORDER BY ticket_id`;

const BASE = '2026-03-02T09:00:00+07:00';
const at = (local: string) => new Date(`2026-03-02T${local}:00+07:00`);

describe('ticket state spans (e2e)', () => {
  let t: TestApp;
  let coord: string;
  let op: string;
  let staff: string;
  let admin: string;
  const id: Record<string, string> = {};
  const code: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ now: BASE });
    [coord, op, staff, admin] = await tokensFor(t, [
      'coordinator', 'operator', ['unit_staff', 'UB-29401'], 'admin',
    ]);
  });
  afterAll(() => t?.close());

  const create = async (name: string, local: string, body: Record<string, unknown> = {}) => {
    t.clock.set(at(local));
    const res = await t.http().post('/api/tickets').set(bearer(op)).send({
      channel: 'hotline', reporterName: 'Nguyễn Thị Bé', reporterPhone: '0912345678', areaCode: '29401', categoryCode: 'AN-SINH',
      content: `Phản ánh ${name}: gia đình chưa nhận được hỗ trợ lương thực.`, ...body,
    }).expect(201);
    code[name] = res.body.code;
    [{ id: id[name] }] = await t.ds.query('SELECT id FROM tickets WHERE code = $1', [res.body.code]);
  };
  const act = async (token: string, name: string, action: string, local: string, body: Record<string, unknown> = {}) => {
    t.clock.set(at(local));
    const res = await t.http().post(`/api/tickets/${code[name]}/${action}`).set(bearer(token)).send(body);
    if (res.status !== 200) throw new Error(`${action} on ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  };

  /** Every instant worth asking: each event's, a millisecond before and after it, and before and after them all. */
  const instants = async (): Promise<Date[]> => {
    const rows: Array<{ at: Date }> = await t.ds.query('SELECT DISTINCT at FROM ticket_events ORDER BY at');
    const out = [new Date(rows[0].at.getTime() - 86_400_000), new Date(rows.at(-1)!.at.getTime() + 86_400_000)];
    for (const { at: a } of rows) out.push(new Date(a.getTime() - 1), a, new Date(a.getTime() + 1));
    return out;
  };

  /** stateAtSql and the oracle agree at every instant; returns how many instants were compared. */
  const expectSameAsOracle = async (): Promise<number> => {
    const all = await instants();
    for (const instant of all) {
      const [spans, oracle] = await Promise.all([t.ds.query(SPANS, [instant]), t.ds.query(ORACLE, [instant])]);
      expect({ instant, spans }).toEqual({ instant, spans: oracle });
    }
    return all.length;
  };

  /** The table as the triggers left it equals a rebuild from scratch of every ticket's spans. */
  const expectSameAsRebuild = async () => {
    const columns = 'event_id, ticket_id, received_at, valid_from, valid_to, is_first, status, unit_code, due_at, reject_reason, handled_at';
    const kept = await t.ds.query(`SELECT ${columns} FROM ticket_state_spans ORDER BY event_id`);
    const qr = t.ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await qr.query('DELETE FROM ticket_state_spans');
      await qr.query('SELECT ticket_state_spans_rebuild(ARRAY(SELECT id FROM tickets))');
      expect(await qr.query(`SELECT ${columns} FROM ticket_state_spans ORDER BY event_id`)).toEqual(kept);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  };

  it('holds the state at every instant of a history written through the API, an import and set-based inserts', async () => {
    // A: assigned, accepted, resolved, closed, reopened, accepted, resolved again
    await create('A', '09:00');
    await act(staff, 'A', 'accept', '10:00');
    await act(staff, 'A', 'resolve', '10:30', { resolution: 'Đã hỗ trợ 20 kg gạo.' });
    await act(coord, 'A', 'close', '11:00');
    await act(coord, 'A', 'reopen', '12:00', { reason: 'Người dân báo chưa nhận được.' });
    await act(staff, 'A', 'accept', '12:30');
    await act(staff, 'A', 'resolve', '13:00', { resolution: 'Đã giao đủ.' });
    // B: merged into A (rejected as a duplicate), reopened, then rejected as spam
    await create('B', '09:10');
    await act(coord, 'B', 'reject', '11:15', { reason: 'duplicate', duplicateOf: code.A });
    await act(coord, 'B', 'reopen', '11:30', { reason: 'Không trùng.' });
    await act(coord, 'B', 'reject', '11:45', { reason: 'spam' });
    // C: waits for a coordinator, assigned, then accepted and returned at the same instant (the later one wins)
    await create('C', '09:20', { categoryCode: 'KHAC' });
    await act(coord, 'C', 'assign', '09:30', { unitCode: 'UB-29401' });
    await act(staff, 'C', 'accept', '14:00');
    await act(staff, 'C', 'return', '14:00', { reason: 'Không thuộc thẩm quyền của xã.' });
    await create('D', '09:40');
    // a comment carries no state
    t.clock.set(at('14:10'));
    await t.http().post(`/api/tickets/${code.D}/comments`).set(bearer(coord)).send({ text: 'Đã gọi lại cho người dân.' }).expect(201);

    // an import (events inserted in batches): a ticket handled in the old system, and an open one
    t.clock.set(at('14:20'));
    const csv = [
      'code,channel,received_at,reporter_name,reporter_phone,area_code,category_code,content,unit_code,due_at,resolved_at,status,resolution',
      'CU-0001,hotline,2026-02-20T08:00:00+07:00,Lê Văn A,0912345679,29401,AN-SINH,Hỏi về trợ cấp,UB-29401,2026-02-23T08:00:00+07:00,2026-02-21T10:00:00+07:00,resolved,Đã trả lời',
      'CU-0002,hotline,2026-02-25T08:00:00+07:00,Lê Văn B,0912345670,29401,AN-SINH,Hỏi về gạo,UB-29401,2026-02-27T08:00:00+07:00,,in_progress,',
    ].join('\n') + '\n';
    await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(csv).expect(201);

    // one statement adding a state event to several tickets, as the unit merge does (two of them at the same instant)
    await t.ds.query(
      `INSERT INTO ticket_events (ticket_id, type, at, actor_name, from_status, to_status, from_unit_code, to_unit_code, due_at)
       SELECT t.id, 'unit_merged', $2, 'Hệ thống', t.status, t.status, t.assigned_unit_code, 'UB-29402', t.due_at
         FROM tickets t WHERE t.status IN ('assigned', 'in_progress', 'received') AND t.code = ANY($1)`,
      [[code.C, code.D, 'CU-0002'], at('15:00')],
    );
    // events inserted out of order: one in the middle of A's history, one at the very instant of A's first resolution
    // (a later id: it is the state at 10:30), and one before D was created
    await t.ds.query(
      `INSERT INTO ticket_events (ticket_id, type, at, actor_name, from_status, to_status, to_unit_code, due_at)
       VALUES ($1, 'transferred', $2, 'Hệ thống', 'in_progress', 'in_progress', 'UB-29402', $5),
              ($1, 'returned', $3, 'Hệ thống', 'in_progress', 'received', NULL, $5),
              ($4, 'created', $6, 'Hệ thống', NULL, 'received', NULL, NULL)`,
      [id.A, at('10:15'), at('10:30'), id.D, at('11:00'), at('09:35')],
    );

    const [{ n }] = await t.ds.query('SELECT count(*)::int AS n FROM ticket_state_spans');
    const [{ m }] = await t.ds.query('SELECT count(*)::int AS m FROM ticket_events WHERE to_status IS NOT NULL');
    expect(n).toBe(m);
    expect(await expectSameAsOracle()).toBeGreaterThan(60);
    await expectSameAsRebuild();

    // what the report reads: A's handling time is its last entry into resolved (13:00), B's reason the last one
    const [a] = await t.ds.query(`SELECT * FROM (${stateAtSql('$1')}) x WHERE ticket_id = $2`, [at('16:00'), id.A]);
    expect(a).toMatchObject({ status: 'resolved', handled_at: at('13:00') });
    const [b] = await t.ds.query(`SELECT * FROM (${stateAtSql('$1')}) x WHERE ticket_id = $2`, [at('11:20'), id.B]);
    expect(b).toMatchObject({ status: 'rejected', reject_reason: 'duplicate' });
  });

  it('an event appended in order updates only the previous span and adds its own', async () => {
    const qr = t.ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await qr.query(
        `INSERT INTO ticket_events (ticket_id, type, at, actor_name, from_status, to_status, to_unit_code, due_at)
         VALUES ($1, 'closed', $2, 'Hệ thống', 'resolved', 'closed', 'UB-29401', NULL)`, [id.A, at('16:30')]);
      // rows this transaction wrote, of all of A's spans
      const written = await qr.query(
        `SELECT valid_from, valid_to, status FROM ticket_state_spans
          WHERE ticket_id = $1 AND xmin::text = pg_current_xact_id()::text ORDER BY valid_from`, [id.A]);
      expect(written).toEqual([
        { valid_from: at('13:00'), valid_to: at('16:30'), status: 'resolved' },
        { valid_from: at('16:30'), valid_to: null, status: 'closed' },
      ]);
      await qr.commitTransaction();
    } finally {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      await qr.release();
    }
    await expectSameAsOracle();
  });

  it('follows a deletion and an update of events', async () => {
    // the out-of-order transfer goes; the return at 10:30 stops being a state event; C's tied return moves later
    await t.ds.query(`DELETE FROM ticket_events WHERE ticket_id = $1 AND type = 'transferred'`, [id.A]);
    await t.ds.query(`UPDATE ticket_events SET to_status = NULL, to_unit_code = NULL WHERE ticket_id = $1 AND type = 'returned'`, [id.A]);
    await t.ds.query(`UPDATE ticket_events SET at = $2 WHERE ticket_id = $1 AND type = 'returned'`, [id.C, at('14:05')]);
    await expectSameAsOracle();
    await expectSameAsRebuild();
  });

  it('of two transactions adding state events to one ticket at once, the second reads the first one\'s', async () => {
    const first = t.ds.createQueryRunner();
    const second = t.ds.createQueryRunner();
    await Promise.all([first.connect(), second.connect()]);
    const insert = (local: string, status: string) =>
      `INSERT INTO ticket_events (ticket_id, type, at, actor_name, to_status, to_unit_code, due_at)
       VALUES ('${id.D}', 'assigned', '${at(local).toISOString()}', 'Hệ thống', '${status}', 'UB-29401', NULL)`;
    try {
      await first.startTransaction();
      await second.startTransaction();
      await first.query(insert('17:00', 'assigned'));
      const [{ pid }] = await second.query('SELECT pg_backend_pid() AS pid');
      // no writer locked the ticket here: the spans' rebuild does, so the second insert waits for the first commit
      let done = false;
      const waiting = second.query(insert('17:05', 'in_progress')).finally(() => (done = true));
      while (!done) {
        const [row] = await t.ds.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [pid]);
        if (row?.wait_event_type === 'Lock') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await first.commitTransaction();
      await waiting;
      await second.commitTransaction();
    } finally {
      for (const qr of [first, second]) {
        if (qr.isTransactionActive) await qr.rollbackTransaction();
        await qr.release();
      }
    }
    const spans = await t.ds.query(
      `SELECT valid_from, valid_to, status FROM ticket_state_spans WHERE ticket_id = $1 AND valid_from >= $2 ORDER BY valid_from`,
      [id.D, at('17:00')]);
    expect(spans).toEqual([
      { valid_from: at('17:00'), valid_to: at('17:05'), status: 'assigned' },
      { valid_from: at('17:05'), valid_to: null, status: 'in_progress' },
    ]);
    await expectSameAsOracle();
    await expectSameAsRebuild();
  });
});
