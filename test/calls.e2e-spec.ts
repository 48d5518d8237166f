import { bearer, startTestApp, type TestApp } from './support/test-app.js';

const SECRET = 'tong-dai-1022-calls-secret';

describe('hotline calls announced by the telephone exchange', () => {
  let t: TestApp;
  let operator: string;
  const announce = (body: Record<string, unknown>, secret: string | null = SECRET) => {
    const req = t.http().post('/api/calls');
    if (secret !== null) req.set('X-Calls-Secret', secret);
    return req.send(body);
  };
  const callRows = async (callId: string) => t.ds.query(`SELECT caller_number, ticket_id FROM calls WHERE call_id = $1`, [callId]);

  let older: string;
  let newer: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { CALLS_SHARED_SECRET: SECRET } });
    operator = await t.userToken('operator');
    const create = async (body: Record<string, unknown>) =>
      (await t.http().post('/api/tickets').set(bearer(operator)).send({ channel: 'hotline', reporterName: 'Lê Văn An', ...body }).expect(201)).body.code as string;
    older = await create({ reporterPhone: '+84 912 345 678', areaCode: '29401', categoryCode: 'AN-SINH', content: 'Gia đình tôi ở xã Hòa Lợi chưa nhận được gói hỗ trợ.' });
    t.clock.advance(2 * 3600_000);
    newer = await create({ reporterPhone: '0912.345.678', content: `Đèn đường trước nhà không sáng. ${'Rất mong được xử lý sớm. '.repeat(20)}` });
    await create({ reporterPhone: '0987654321', content: 'Số khác, không liên quan.' });
    t.clock.advance(3600_000);
  });
  afterAll(() => t.close());

  it('refuses a wrong or missing secret with 401 and stores nothing', async () => {
    const body = { callId: 'c-refused', callerNumber: '0912345678', startedAt: '2026-03-05T10:00:00+07:00' };
    expect((await announce(body, 'not-the-secret').expect(401)).body.code).toBe('UNAUTHORIZED');
    expect((await announce(body, null).expect(401)).body.code).toBe('UNAUTHORIZED');
    expect((await announce(body, `${SECRET}x`).expect(401)).body.code).toBe('UNAUTHORIZED');
    expect(await callRows('c-refused')).toEqual([]);
  });

  it('lists the caller\'s earlier tickets, newest first, whatever form the exchange sends the number in', async () => {
    const forms = ['0912345678', '+84912345678', '84912345678', '0912 345 678'];
    for (const [i, callerNumber] of forms.entries()) {
      const res = await announce({ callId: `c-forms-${i}`, callerNumber, startedAt: '2026-03-05T10:00:00+07:00' }).expect(200);
      expect(res.body).toMatchObject({ callId: `c-forms-${i}`, callerNumber: '0912345678', startedAt: '2026-03-05T03:00:00.000Z', earlierTicketsTotal: 2 });
      expect(res.body.earlierTickets.map((e: { code: string }) => e.code)).toEqual([newer, older]);
    }
    const res = await announce({ callId: 'c-detail', callerNumber: '84912345678', startedAt: '2026-03-05T10:00:00+07:00' }).expect(200);
    const [latest, first] = res.body.earlierTickets;
    expect(first).toEqual({
      code: older, status: 'assigned', statusLabel: expect.any(String), receivedAt: '2026-03-02T02:00:00.000Z',
      category: { code: 'AN-SINH', name: expect.any(String) }, assignedUnit: { code: 'UB-29401', name: 'UBND xã Hòa Lợi' },
      excerpt: 'Gia đình tôi ở xã Hòa Lợi chưa nhận được gói hỗ trợ.',
    });
    expect(latest).toMatchObject({ code: newer, status: 'received', category: null, assignedUnit: null });
    expect(latest.excerpt.length).toBeLessThanOrEqual(160);
    expect(latest.excerpt).toMatch(/^Đèn đường trước nhà không sáng\. .*…$/);
    expect(await callRows('c-detail')).toEqual([{ caller_number: '+84912345678', ticket_id: null }]);
  });

  it('answers a caller without earlier tickets, or with a withheld number, with an empty list', async () => {
    const fresh = await announce({ callId: 'c-new-caller', callerNumber: '0356789012', startedAt: '2026-03-05T10:00:00+07:00' }).expect(200);
    expect(fresh.body).toMatchObject({ callerNumber: '0356789012', earlierTickets: [], earlierTicketsTotal: 0 });
    const hidden = await announce({ callId: 'c-hidden', callerNumber: 'anonymous', startedAt: '2026-03-05T10:00:00+07:00' }).expect(200);
    expect(hidden.body).toMatchObject({ callerNumber: 'anonymous', earlierTickets: [] });
  });

  it('is idempotent on callId', async () => {
    const body = { callId: 'c-twice', callerNumber: '0912345678', startedAt: '2026-03-05T10:00:00+07:00' };
    const first = await announce(body).expect(200);
    const again = await announce({ ...body, callerNumber: '0987654321', startedAt: '2026-03-05T10:05:00+07:00' }).expect(200);
    expect(again.body).toEqual(first.body);
    expect(await callRows('c-twice')).toEqual([{ caller_number: '+84912345678', ticket_id: null }]);
  });

  it('checks the announcement\'s fields', async () => {
    const res = await announce({ callId: 'c bad', callerNumber: '', startedAt: 'hôm qua' }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['callId', 'callerNumber', 'startedAt']);
    for (const operator of ['', '   ', 'x'.repeat(65), null, 42]) {
      const bad = await announce({ callId: 'c-bad-operator', callerNumber: '0912345678', startedAt: '2026-03-05T10:00:00+07:00', operator }).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['operator']);
    }
    expect(await callRows('c-bad-operator')).toEqual([]);
  });

  it('records which operator the exchange put the call through to (optional)', async () => {
    await announce({ callId: 'c-for-lan', callerNumber: '0912345678', startedAt: '2026-03-05T10:00:00+07:00', operator: ' tongdai.lan ' }).expect(200);
    await announce({ callId: 'c-for-anyone', callerNumber: '0912345678', startedAt: '2026-03-05T10:00:00+07:00' }).expect(200);
    const rows = await t.ds.query(`SELECT call_id, operator FROM calls WHERE call_id IN ('c-for-lan', 'c-for-anyone') ORDER BY call_id`);
    expect(rows).toEqual([{ call_id: 'c-for-anyone', operator: null }, { call_id: 'c-for-lan', operator: 'tongdai.lan' }]);
  });

  it('links the ticket typed during the call to it, with the caller\'s number and channel hotline', async () => {
    await announce({ callId: 'c-ticket', callerNumber: '84912345678', startedAt: '2026-03-05T10:00:00+07:00' }).expect(200);
    const staff = await t.userToken('unit_staff', 'UB-29401');
    await t.http().post('/api/calls/c-ticket/ticket').set(bearer(staff)).send({ reporterName: 'Lê Văn An', content: 'x' }).expect(403);
    const withPhone = await t.http().post('/api/calls/c-ticket/ticket').set(bearer(operator))
      .send({ reporterName: 'Lê Văn An', reporterPhone: '0912345678', content: 'Nước sinh hoạt bị đục.' }).expect(400);
    expect(withPhone.body.errors).toEqual([expect.objectContaining({ field: 'reporterPhone' })]);
    expect((await callRows('c-ticket'))[0].ticket_id).toBeNull();

    const created = await t.http().post('/api/calls/c-ticket/ticket').set(bearer(operator))
      .send({ reporterName: 'Lê Văn An', areaCode: '29401', content: 'Nước sinh hoạt ở ấp Phú Hòa bị đục.' }).expect(201);
    expect(created.body).toMatchObject({ channel: 'hotline', reporterPhone: '+84912345678', reporterPhoneNational: '0912345678', reporterName: 'Lê Văn An' });
    const code = created.body.code as string;
    const [{ id }] = await t.ds.query(`SELECT id FROM tickets WHERE code = $1`, [code]);
    expect(await callRows('c-ticket')).toEqual([{ caller_number: '+84912345678', ticket_id: id }]);

    // the ticket is among the caller's tickets, whatever form of the number is searched
    for (const phone of ['0912345678', '+84912345678', '84912345678']) {
      const found = await t.http().get('/api/tickets').query({ phone }).set(bearer(operator)).expect(200);
      expect(found.body.items.map((i: { code: string }) => i.code)).toEqual([code, newer, older]);
    }

    const call = await t.http().get('/api/calls/c-ticket').set(bearer(operator)).expect(200);
    expect(call.body).toMatchObject({ callId: 'c-ticket', callerNumber: '0912345678', startedAt: '2026-03-05T03:00:00.000Z', ticket: { code, channel: 'hotline' } });
    expect(call.body.ticket.events.map((e: { type: string }) => e.type)).toContain('created');

    // one ticket per call; the next call of this citizen lists it first
    const second = await t.http().post('/api/calls/c-ticket/ticket').set(bearer(operator)).send({ reporterName: 'Lê Văn An', content: 'Lần nữa.' }).expect(409);
    expect(second.body).toMatchObject({ code: 'CALL_HAS_TICKET', ticketCode: code });
    const next = await announce({ callId: 'c-next', callerNumber: '0912345678', startedAt: '2026-03-06T08:00:00+07:00' }).expect(200);
    expect(next.body.earlierTickets.map((e: { code: string }) => e.code)).toEqual([code, newer, older]);
    // re-announcing the call itself shows the tickets from before it, not its own
    const same = await announce({ callId: 'c-ticket', callerNumber: '84912345678', startedAt: '2026-03-05T10:00:00+07:00' }).expect(200);
    expect(same.body.earlierTickets.map((e: { code: string }) => e.code)).toEqual([newer, older]);
  });

  it('takes the channel from the body when given, and leaves a withheld number off the ticket', async () => {
    await announce({ callId: 'c-anon', callerNumber: 'anonymous', startedAt: '2026-03-05T11:00:00+07:00' }).expect(200);
    const res = await t.http().post('/api/calls/c-anon/ticket').set(bearer(operator))
      .send({ channel: 'walk_in', reporterName: 'Người dân', content: 'Phản ánh không để lại số.' }).expect(201);
    expect(res.body).toMatchObject({ channel: 'walk_in', reporterPhone: null });
    expect((await t.http().get('/api/calls/c-anon').set(bearer(operator)).expect(200)).body).toMatchObject({ callerNumber: 'anonymous', ticket: { code: res.body.code } });
  });

  it('answers 404 for an unknown call, and needs a staff token to read a call', async () => {
    await t.http().get('/api/calls/c-unknown').set(bearer(operator)).expect(404);
    await t.http().post('/api/calls/c-unknown/ticket').set(bearer(operator)).send({ reporterName: 'A', content: 'B' }).expect(404);
    await t.http().get('/api/calls/c-ticket').expect(401);
    // unit staff do not read callers' numbers
    await t.http().get('/api/calls/c-ticket').set(bearer(await t.userToken('unit_staff', 'UB-29401'))).expect(403);
    await t.http().get('/api/calls/c-ticket').set('X-Calls-Secret', SECRET).expect(401);
  });
});

describe('hotline calls while CALLS_SHARED_SECRET is unset', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers 404 with or without a secret and stores nothing', async () => {
    const body = { callId: 'c-off', callerNumber: '0912345678', startedAt: '2026-03-05T10:00:00+07:00' };
    await t.http().post('/api/calls').set('X-Calls-Secret', SECRET).send(body).expect(404);
    await t.http().post('/api/calls').send(body).expect(404);
    expect(await t.ds.query(`SELECT 1 FROM calls`)).toEqual([]);
  });
});
