import { randomBytes } from 'node:crypto';
import { STAFF_IDEMPOTENCY_TTL_MS } from '../src/intake/staff-idempotency.service.js';
import { bearer, startTestApp, TEST_PASSWORD, tokensFor, type TestApp } from './support/test-app.js';

/**
 * A staff request retried after a timeout makes one ticket (real app, real PostgreSQL): `Idempotency-Key` on
 * POST /api/tickets and POST /api/calls/:callId/ticket, scoped to the account, one ticket even for ten requests at
 * once, 409 for the same key with another request, 400 for a malformed key, nothing changed without a key.
 */

const CALLS_SECRET = 'staff-idempotency-calls-secret';
const KEY_REUSED = 'Idempotency-Key này đã được dùng cho một yêu cầu khác với nội dung khác. Mỗi phản ánh mới cần một khóa mới.';

describe('staff ticket creation with Idempotency-Key (e2e)', () => {
  let t: TestApp;
  let op: string;
  let otherOp: string;
  let callCount = 0;

  beforeAll(async () => {
    t = await startTestApp({ env: { CALLS_SHARED_SECRET: CALLS_SECRET } });
    [op, otherOp] = await tokensFor(t, ['operator', 'operator']);
  });
  afterAll(() => t.close());

  const newKey = () => `op-${randomBytes(12).toString('hex')}`;
  /** A complaint of its own (its content names it), routed to the People's Committee of xã Hòa Lợi. */
  const complaint = (tag: string) => ({
    channel: 'hotline', reporterName: 'Trần Thị Bình', reporterPhone: '0912777001', areaCode: '29401', categoryCode: 'AN-SINH',
    content: `Gia đình chưa nhận được tiền hỗ trợ (${tag} ${randomBytes(4).toString('hex')}).`,
  });
  const postTicket = (token: string, body: object, key?: string) => {
    const req = t.http().post('/api/tickets').set(bearer(token));
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const newCall = async () => {
    const callId = `c-idem-${++callCount}`;
    await t.http().post('/api/calls').set('X-Calls-Secret', CALLS_SECRET)
      .send({ callId, callerNumber: '0912777002', startedAt: '2026-03-02T08:55:00+07:00' }).expect(200);
    return callId;
  };
  const postCallTicket = (token: string, callId: string, body: object, key?: string) => {
    const req = t.http().post(`/api/calls/${callId}/ticket`).set(bearer(token));
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const ticketsWith = async (content: string): Promise<string[]> =>
    (await t.ds.query(`SELECT code FROM tickets WHERE content = $1 ORDER BY code`, [content])).map((r: { code: string }) => r.code);
  const keyRows = async (key: string) =>
    t.ds.query(`SELECT k.user_id, t.code FROM staff_idempotency_keys k JOIN tickets t ON t.id = k.ticket_id WHERE k.key = $1 ORDER BY t.code`, [key]);
  const ticketCount = async () => Number((await t.ds.query(`SELECT count(*)::int AS n FROM tickets`))[0].n);

  describe('POST /api/tickets', () => {
    it('the same key twice: one ticket; 201, then 200 with the same body', async () => {
      const key = newKey();
      const body = complaint('gửi lại sau khi hết thời gian chờ');
      const first = await postTicket(op, body, key).expect(201);
      const again = await postTicket(op, body, key).expect(200);
      expect(again.body).toEqual(first.body);
      expect(await ticketsWith(body.content)).toEqual([first.body.code]);
      expect(await keyRows(key)).toEqual([{ user_id: expect.any(String), code: first.body.code }]);
      // the repetition added nothing to the ticket either
      const events = await t.ds.query(`SELECT e.type FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.code = $1`, [first.body.code]);
      expect(events).toEqual([{ type: 'created' }]);
    });

    it('a repetition answers the ticket as it is now', async () => {
      const key = newKey();
      const body = complaint('đã được nhận xử lý');
      const first = await postTicket(op, body, key).expect(201);
      const unitStaff = await t.userToken('unit_staff', first.body.assignedUnit.code);
      await t.http().post(`/api/tickets/${first.body.code}/accept`).set(bearer(unitStaff)).send({ version: first.body.version }).expect(200);
      const again = await postTicket(op, body, key).expect(200);
      expect(again.body).toMatchObject({ code: first.body.code, status: 'in_progress', version: first.body.version + 1 });
      expect(await ticketsWith(body.content)).toEqual([first.body.code]);
    });

    it('ten requests with one key at the same time: exactly one ticket, one 201 and nine 200 naming it', async () => {
      const key = newKey();
      const body = complaint('mười lần bấm cùng lúc');
      const before = await ticketCount();
      const answers = await Promise.all(Array.from({ length: 10 }, () => postTicket(op, body, key)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      const codes = new Set(answers.map((a) => a.body.code));
      expect(codes.size).toBe(1);
      expect(await ticketsWith(body.content)).toEqual([...codes]);
      expect(await ticketCount()).toBe(before + 1);
      expect(await keyRows(key)).toHaveLength(1);
    });

    it('the same key with another body: 409 in Vietnamese, nothing written, the first ticket still answered', async () => {
      const key = newKey();
      const body = complaint('nội dung đầu');
      const first = await postTicket(op, body, key).expect(201);
      const before = await ticketCount();
      const changed = [
        { ...body, content: `${body.content} Bổ sung.` },
        { ...body, urgent: true },
        { ...body, reporterPhone: '0912777009' },
      ];
      for (const other of changed) {
        const res = await postTicket(op, other, key).expect(409);
        expect(res.body).toMatchObject({ statusCode: 409, code: 'IDEMPOTENCY_KEY_REUSED', message: KEY_REUSED, ticketCode: first.body.code });
      }
      // and at the same time as a repetition of the first request
      const [same, other] = await Promise.all([postTicket(op, body, key), postTicket(op, changed[0], key)]);
      expect([same.status, other.status]).toEqual([200, 409]);
      expect(await ticketCount()).toBe(before);
      for (const other of changed) expect(await ticketsWith(other.content)).toEqual(other.content === body.content ? [first.body.code] : []);
      expect(await keyRows(key)).toEqual([{ user_id: expect.any(String), code: first.body.code }]);
      // the same body with other spacing, or its fields in another order, is the same request
      const { content, ...rest } = body;
      await postTicket(op, { content: `  ${content} `, ...rest }, key).expect(200);
    });

    it('a key belongs to its account: another operator\'s same key is another ticket, each repeated on its own', async () => {
      const key = newKey();
      const body = complaint('hai điện thoại viên');
      const mine = await postTicket(op, body, key).expect(201);
      const theirs = await postTicket(otherOp, body, key).expect(201);
      expect(theirs.body.code).not.toBe(mine.body.code);
      expect((await postTicket(op, body, key).expect(200)).body.code).toBe(mine.body.code);
      expect((await postTicket(otherOp, body, key).expect(200)).body.code).toBe(theirs.body.code);
      expect(await ticketsWith(body.content)).toEqual([mine.body.code, theirs.body.code].sort());
      expect(await keyRows(key)).toHaveLength(2);
    });

    it('a malformed key: 400 naming the header, nothing created; the limits are inclusive', async () => {
      const before = await ticketCount();
      for (const bad of ['', 'ngan', 'a'.repeat(129), 'khóa-nhân-viên' /* letters with accents (Latin-1, as HTTP allows) */, 'co khoang trang', 'abc.def/ghi', 'abcdefgh, abcdefgh']) {
        const res = await postTicket(op, complaint('khóa sai'), bad);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'Tiêu đề Idempotency-Key không hợp lệ.' });
        expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', reason: 'phải gồm 8 đến 128 ký tự chữ (không dấu), số, "_" hoặc "-"' }]);
      }
      expect(await ticketCount()).toBe(before);
      for (const ok of ['a'.repeat(8), 'A1_-'.repeat(32)]) {
        const body = complaint(`khóa ${ok.length} ký tự`);
        await postTicket(op, body, ok).expect(201);
        await postTicket(op, body, ok).expect(200);
      }
      expect(await ticketCount()).toBe(before + 2);
    });

    it('without a key every request is a new ticket, as before; a key joins only the requests that carry it', async () => {
      const body = complaint('không có khóa');
      const one = await postTicket(op, body).expect(201);
      const two = await postTicket(op, body).expect(201);
      expect(one.body.code).not.toBe(two.body.code);
      const key = newKey();
      const keyed = await postTicket(op, body, key).expect(201);
      expect((await postTicket(op, body, key).expect(200)).body.code).toBe(keyed.body.code);
      const three = await postTicket(op, body).expect(201);
      expect(await ticketsWith(body.content)).toEqual([one.body.code, two.body.code, keyed.body.code, three.body.code].sort());
      expect(await keyRows(key)).toHaveLength(1);
    });

    it('a refused request records no key: the corrected request with the same key creates the ticket', async () => {
      const key = newKey();
      const body = complaint('khu vực sai');
      const refused = await postTicket(op, { ...body, areaCode: '99999' }, key).expect(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'areaCode' })]);
      expect(await keyRows(key)).toEqual([]);
      const created = await postTicket(op, body, key).expect(201);
      await postTicket(op, body, key).expect(200);
      expect(await ticketsWith(body.content)).toEqual([created.body.code]);
    });
  });

  describe('POST /api/calls/:callId/ticket', () => {
    const callTicket = (tag: string) => ({ reporterName: 'Lê Văn Cường', areaCode: '29401', content: `Đường ấp bị sạt lở (${tag} ${randomBytes(4).toString('hex')}).` });
    /** The code of the call's ticket, or null. */
    const linkedTicket = async (callId: string) =>
      (await t.ds.query(`SELECT t.code FROM calls c LEFT JOIN tickets t ON t.id = c.ticket_id WHERE c.call_id = $1`, [callId]))[0].code;

    it('the same key twice: one ticket linked to the call; 201, then 200 with the same body', async () => {
      const callId = await newCall();
      const key = newKey();
      const body = callTicket('gửi lại');
      const first = await postCallTicket(op, callId, body, key).expect(201);
      expect(first.body).toMatchObject({ channel: 'hotline', reporterPhone: '+84912777002' });
      const again = await postCallTicket(op, callId, body, key).expect(200);
      expect(again.body).toEqual(first.body);
      expect(await ticketsWith(body.content)).toEqual([first.body.code]);
      expect(await linkedTicket(callId)).toBe(first.body.code);
      // without the key, the call's ticket is there already (as before)
      expect((await postCallTicket(op, callId, body).expect(409)).body).toMatchObject({ code: 'CALL_HAS_TICKET', ticketCode: first.body.code });
    });

    it('ten requests with one key at the same time: exactly one ticket, one 201 and nine 200 naming it', async () => {
      const callId = await newCall();
      const key = newKey();
      const body = callTicket('mười lần cùng lúc');
      const answers = await Promise.all(Array.from({ length: 10 }, () => postCallTicket(op, callId, body, key)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      const codes = new Set(answers.map((a) => a.body.code));
      expect(codes.size).toBe(1);
      expect(await ticketsWith(body.content)).toEqual([...codes]);
      expect(await keyRows(key)).toHaveLength(1);
    });

    it('the same key with another body, another call or the other route: 409, nothing written', async () => {
      const callId = await newCall();
      const otherCall = await newCall();
      const key = newKey();
      const body = callTicket('cuộc gọi đầu');
      const first = await postCallTicket(op, callId, body, key).expect(201);
      const before = await ticketCount();
      const refused = [
        await postCallTicket(op, callId, { ...body, content: `${body.content} Bổ sung.` }, key),
        await postCallTicket(op, otherCall, body, key),
        await postTicket(op, { ...body, channel: 'hotline' }, key),
      ];
      for (const res of refused) {
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', message: KEY_REUSED, ticketCode: first.body.code });
      }
      expect(await ticketCount()).toBe(before);
      expect(await linkedTicket(otherCall)).toBeNull();
      expect(await keyRows(key)).toHaveLength(1);
    });

    it('another operator\'s same key is another request (here: the call has its ticket already)', async () => {
      const callId = await newCall();
      const key = newKey();
      const body = callTicket('hai điện thoại viên');
      const mine = await postCallTicket(op, callId, body, key).expect(201);
      const theirs = await postCallTicket(otherOp, callId, body, key).expect(409);
      expect(theirs.body).toMatchObject({ code: 'CALL_HAS_TICKET', ticketCode: mine.body.code });
      expect((await postCallTicket(op, callId, body, key).expect(200)).body.code).toBe(mine.body.code);
      const otherCall = await newCall();
      const theirOwn = await postCallTicket(otherOp, otherCall, body, key).expect(201);
      expect(theirOwn.body.code).not.toBe(mine.body.code);
      expect(await keyRows(key)).toHaveLength(2);
    });

    it('a malformed key: 400 naming the header, the call keeps no ticket', async () => {
      const callId = await newCall();
      const res = await postCallTicket(op, callId, callTicket('khóa sai'), 'ngan').expect(400);
      expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', reason: expect.any(String) }]);
      expect(await linkedTicket(callId)).toBeNull();
    });
  });

  it('is documented in the OpenAPI description of both routes', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    for (const op of [doc.paths['/api/tickets'].post, doc.paths['/api/calls/{callId}/ticket'].post]) {
      const header = op.parameters.find((p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect(header).toMatchObject({ required: false, schema: { type: 'string', minLength: 8, maxLength: 128 } });
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '409']));
    }
  });

  // last: it moves the clock by a day
  it('a key is remembered for a day: afterwards it is a new request, and the account\'s expired keys are removed', async () => {
    // an account of its own, signed in again after the clock moves (its tokens would have expired)
    const username = `tongdaivien${randomBytes(3).toString('hex')}`;
    await t.userToken('operator', null, username);
    const signIn = async () => (await t.http().post('/api/auth/login').send({ username, password: TEST_PASSWORD }).expect(200)).body.accessToken as string;
    const oldKey = newKey();
    const key = newKey();
    const body = complaint('hôm qua');
    let token = await signIn();
    const first = await postTicket(token, body, key).expect(201);
    await postTicket(token, complaint('khóa khác của hôm qua'), oldKey).expect(201);
    t.clock.advance(STAFF_IDEMPOTENCY_TTL_MS - 60_000);
    token = await signIn();
    expect((await postTicket(token, body, key).expect(200)).body.code).toBe(first.body.code);
    t.clock.advance(2 * 60_000);
    token = await signIn();
    const next = await postTicket(token, body, key).expect(201);
    expect(next.body.code).not.toBe(first.body.code);
    expect((await postTicket(token, body, key).expect(200)).body.code).toBe(next.body.code);
    expect(await keyRows(key)).toEqual([{ user_id: expect.any(String), code: next.body.code }]);
    expect(await keyRows(oldKey)).toEqual([]);
  });
});
