import type pg from 'pg';
import { ticketSearchText } from '../src/tickets/ticket-view.js';
import { bearer, startTestApp, tokensFor, type TestApp } from './support/test-app.js';
import { sleep } from './support/wait.js';

/**
 * Ticket creation does its work once (real app, real PostgreSQL): the statements one POST /api/tickets sends, counted
 * on the wire; the answer built from what was written, equal to what GET /api/tickets/:code shows; the likely-duplicate
 * search in a commune and category with thousands of similar tickets (a crisis); a unit merged while a creation waits
 * for it.
 */

const HOUR = 3600_000;

describe('ticket creation (e2e)', () => {
  let t: TestApp;
  let op: string;
  let coord: string;
  /** Statements sent by the application's pool while `recording`. */
  const sent: string[] = [];
  let recording = false;

  beforeAll(async () => {
    t = await startTestApp();
    [op, coord] = await tokensFor(t, ['operator', 'coordinator']);
    // every client of the application's pool, as it is checked out, reports the statements it sends to PostgreSQL
    const pool = (t.ds.driver as unknown as { master: pg.Pool }).master;
    const wrapped = new WeakSet<object>();
    pool.on('acquire', (client) => {
      if (wrapped.has(client)) return;
      wrapped.add(client);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const q = args[0] as string | { text: string };
        if (recording) sent.push(typeof q === 'string' ? q : q.text);
        return query(...args);
      };
    });
  });
  afterAll(() => t.close());

  async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
    sent.length = 0;
    recording = true;
    try {
      await fn();
    } finally {
      recording = false;
    }
    return sent.map((s) => s.replace(/\s+/g, ' ').trim());
  }

  const create = (token: string, body: Record<string, unknown>) =>
    t.http().post('/api/tickets').set(bearer(token)).send({ channel: 'hotline', reporterName: 'Nguyễn Văn An', content: 'Phản ánh để thử tạo mới.', ...body });
  const get = async (code: string, token: string) => (await t.http().get(`/api/tickets/${code}`).set(bearer(token)).expect(200)).body;

  describe('statements per creation', () => {
    // one to authenticate (the guard reads the user), the references with the routing decision, and one that holds
    // the unit, finds the likely duplicates and writes the ticket with its event (being one statement, it needs no
    // BEGIN and COMMIT)
    const MAX_STATEMENTS = 3;

    it.each([
      ['routed to a commune committee, with a likely duplicate', { areaCode: '29401', categoryCode: 'AN-SINH', reporterPhone: '0912555001' }],
      ['routed to a unit named by a rule', { areaCode: '29242', categoryCode: 'Y-TE', reporterPhone: '0912555002', reporterEmail: 'An@Example.vn' }],
      ['without category or area: waits for a coordinator', {}],
    ])('%s', async (_name, body) => {
      await create(op, { ...body, content: 'Xóm tôi mất nước sinh hoạt ba ngày nay.' }).expect(201);
      const statements = await statementsOf(() => create(op, { ...body, content: 'Xóm tôi mất nước sinh hoạt ba ngày nay rồi.' }).expect(201));
      // (on failure, the statements beyond the allowed number are shown)
      expect(statements.slice(MAX_STATEMENTS)).toEqual([]);
      // the duplicate search runs once, in the statement that writes, and nothing is read back after it
      expect(statements.filter((s) => s.includes('similarity('))).toHaveLength(1);
      expect(statements.at(-1)).toMatch(/similarity\(.*INSERT INTO tickets .*INSERT INTO ticket_events/i);
    });

    it('an unknown area or an inactive category is refused with every reason, and nothing is written', async () => {
      const [{ n: before }] = await t.ds.query(`SELECT count(*)::int AS n FROM tickets`);
      const res = await create(op, { areaCode: '99999', categoryCode: 'KHONG-CO', reporterPhone: '0912555003' }).expect(400);
      expect(res.body.errors).toEqual([
        { field: 'areaCode', reason: 'không có khu vực mã "99999"' },
        { field: 'categoryCode', reason: 'không có lĩnh vực đang dùng mã "KHONG-CO"' },
      ]);
      await t.http().post('/api/categories').set(bearer(await t.userToken('admin'))).send({ code: 'T-CU', name: 'Lĩnh vực cũ', deadlineHours: 8 }).expect(201);
      await t.ds.query(`UPDATE categories SET active = false WHERE code = 'T-CU'`);
      const old = await create(op, { categoryCode: 'T-CU' }).expect(400);
      expect(old.body.errors).toEqual([{ field: 'categoryCode', reason: 'không có lĩnh vực đang dùng mã "T-CU"' }]);
      const [{ n: after }] = await t.ds.query(`SELECT count(*)::int AS n FROM tickets`);
      expect(after).toBe(before);
    });
  });

  describe('the answer is what GET shows', () => {
    async function seedDuplicates(phone: string) {
      // the same phone earlier, and a similar complaint of the same commune and category
      await create(op, { reporterPhone: phone, areaCode: '29239', categoryCode: 'AN-SINH', content: 'Hỏi về việc cấp lại giấy chứng nhận hộ nghèo.' }).expect(201);
      await create(op, { reporterPhone: '0977333444', areaCode: '29239', categoryCode: 'AN-SINH', content: 'Khóm 4 Phường 1 chưa nhận tiền hỗ trợ người cao tuổi tháng này.' }).expect(201);
      t.clock.advance(HOUR);
    }

    it.each([['operator'], ['coordinator']] as const)('as %s, field by field, events and likely duplicates included', async (role) => {
      const token = role === 'operator' ? op : coord;
      const phone = role === 'operator' ? '0912666001' : '0912666002';
      await seedDuplicates(phone);
      const bodies = [
        // to the People's Committee of Phường 1 of the city (a name two units share: the district tells them apart)
        { reporterPhone: phone, reporterEmail: 'Dan@Example.vn', areaCode: '29239', categoryCode: 'AN-SINH', address: 'Khóm 4', content: 'Khóm 4 Phường 1 chưa nhận tiền hỗ trợ người cao tuổi tháng 3.' },
        // an urgent category, routed by a province rule
        { reporterPhone: phone, areaCode: '29401', categoryCode: 'Y-TE', urgent: true, content: 'Trạm y tế xã đóng cửa giờ hành chính.' },
        // nothing to route on
        { content: 'Không rõ nơi xảy ra.' },
      ];
      for (const body of bodies) {
        const created = (await create(token, body).expect(201)).body;
        const shown = await get(created.code, token);
        expect(JSON.stringify(created)).toBe(JSON.stringify(shown));
        expect(created.events).toHaveLength(1);
      }
      const first = (await create(token, bodies[0]).expect(201)).body;
      // the likely duplicates found at creation are those the event lists
      const reasons = first.likelyDuplicates.map((d: { reason: string }) => d.reason);
      expect(reasons).toContain('same_phone');
      expect(reasons).toContain('similar_text');
      expect(reasons).toEqual([...reasons].sort((a: string, b: string) => (a === b ? 0 : a === 'same_phone' ? -1 : 1)));
      expect(first.events[0].data.likelyDuplicates).toEqual(first.likelyDuplicates);
      expect(first.assignedUnit).toEqual({ code: 'UB-29239', name: 'UBND Phường 1 (thành phố Trà Vinh)' });
      expect(first).toEqual(await get(first.code, token));
    });
  });

  describe('likely duplicates in a crisis', () => {
    it('among 3,000 similar tickets of one commune and category: the same phone first, then the most similar; merged and old ones left out', async () => {
      const now = t.clock.now().getTime();
      const days = t.settings.DUPLICATE_DAYS;
      const names = ['Xã Hòa Lợi', 'Huyện Châu Thành'];
      const rows: Array<{ code: string; phone: string; content: string; at: Date }> = [];
      for (let i = 1; i <= 3000; i++) {
        // one a minute, going back: the newest first (about two days)
        rows.push({ code: `PA-CRIS-${String(i).padStart(4, '0')}`, phone: `+8491300${String(i).padStart(4, '0')}`, content: `Ấp Đa Hòa Bắc mất điện từ sáng, nhà số ${i} chưa có điện.`, at: new Date(now - i * 60_000) });
      }
      const special = {
        twin: { code: 'PA-CRIS-TWIN', phone: '+84913999001', content: 'Ấp Đa Hòa Bắc mất điện từ sáng sớm, cả xóm không có điện bơm nước tưới.', at: new Date(now - 30_000) },
        merged: { code: 'PA-CRIS-MERG', phone: '+84913999002', content: 'Ấp Đa Hòa Bắc mất điện từ sáng sớm, cả xóm không có điện bơm nước tưới rau.', at: new Date(now - 20_000) },
        // the caller's own earlier ticket: older than every one of the 3,000, of another matter
        samePhone: { code: 'PA-CRIS-PHON', phone: '+84912777888', content: 'Hỏi thủ tục xin trợ cấp.', at: new Date(now - (days - 1) * 24 * HOUR) },
        tooOld: { code: 'PA-CRIS-OLD1', phone: '+84912777888', content: 'Ấp Đa Hòa Bắc mất điện từ sáng sớm, cả xóm không có điện bơm nước.', at: new Date(now - (days + 1) * 24 * HOUR) },
      };
      rows.push(...Object.values(special));
      await t.ds.query(
        `INSERT INTO tickets (code, channel, status, reporter_name, reporter_phone, area_code, category_code, content, received_at, search_text, created_at, updated_at)
         SELECT code, 'hotline', 'received', 'Người dân', phone, '29401', 'AN-SINH', content, at, search_text, at, at
           FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS r(code, phone, content, at, search_text)`,
        [rows.map((r) => r.code), rows.map((r) => r.phone), rows.map((r) => r.content), rows.map((r) => r.at),
          rows.map((r) => ticketSearchText({ code: r.code, reporterName: 'Người dân', reporterPhone: r.phone, reporterEmail: null, address: null, content: r.content }, names))],
      );
      await t.ds.query(`UPDATE tickets SET duplicate_of_id = (SELECT id FROM tickets WHERE code = 'PA-CRIS-TWIN'), status = 'rejected', reject_reason = 'duplicate' WHERE code = 'PA-CRIS-MERG'`);
      await t.ds.query('ANALYZE tickets');

      const created = (await create(op, {
        reporterPhone: '0912777888', areaCode: '29401', categoryCode: 'AN-SINH',
        content: 'Ấp Đa Hòa Bắc mất điện từ sáng sớm, cả xóm không có điện bơm nước.',
      }).expect(201)).body;
      const found: Array<{ code: string; reason: string; similarity: number }> = created.likelyDuplicates;
      expect(found).toHaveLength(10);
      expect(found[0]).toEqual({ code: special.samePhone.code, reason: 'same_phone', similarity: expect.any(Number) });
      expect(found[1]).toEqual({ code: special.twin.code, reason: 'similar_text', similarity: expect.any(Number) });
      const rest = found.slice(2);
      expect(rest.every((d) => d.reason === 'similar_text' && d.code.startsWith('PA-CRIS-') && d.similarity >= 0.3 && d.similarity < found[1].similarity)).toBe(true);
      expect(rest.map((d) => d.similarity)).toEqual([...rest.map((d) => d.similarity)].sort((a, b) => b - a));
      expect(found.map((d) => d.code)).not.toContain(special.merged.code);
      expect(found.map((d) => d.code)).not.toContain(special.tooOld.code);
      // GET runs the same search for the same ticket
      expect((await get(created.code, coord)).likelyDuplicates).toEqual(found);
    });
  });

  it('a unit merged while the creation waits for its lock: the ticket goes to the successor', async () => {
    const qr = t.ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      // what a merge of UB-29404 into UB-29407 writes last, not yet committed
      await qr.query(`UPDATE units SET active = false, merged_into_code = 'UB-29407' WHERE code = 'UB-29404'`);
      const pending = create(op, { areaCode: '29404', categoryCode: 'AN-SINH', content: 'Chưa nhận được gạo hỗ trợ.' }).then((r) => r);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [{ n }] = await t.ds.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        if (n >= 1) break;
        if (Date.now() > deadline) throw new Error('the creation never waited for the unit');
        await sleep(10);
      }
      await qr.commitTransaction();
      const res = await pending;
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'assigned', assignedUnit: { code: 'UB-29407' } });
      expect(res.body).toEqual(await get(res.body.code, coord));
    } finally {
      await qr.release();
    }
  });
});
