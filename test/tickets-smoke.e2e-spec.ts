import { bearer, startTestApp, type TestApp } from './support/test-app.js';

describe('ticket intake (smoke)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('creates a ticket routed to the commune committee and finds it without diacritics', async () => {
    const op = await t.userToken('operator');
    const res = await t.http().post('/api/tickets').set(bearer(op)).send({
      channel: 'hotline', reporterName: 'Lê Văn A', reporterPhone: '0912 345 678', areaCode: '29401', categoryCode: 'AN-SINH',
      content: 'Gia đình tôi ở xã Hòa Lợi chưa nhận được gói hỗ trợ.',
    }).expect(201);
    expect(res.body).toMatchObject({ status: 'assigned', channel: 'hotline', reporterPhone: '+84912345678', assignedUnit: { code: 'UB-29401', name: 'UBND xã Hòa Lợi' } });
    expect(res.body.code).toMatch(/^PA-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(res.body.dueAt).toBe('2026-03-05T02:00:00.000Z');
    const found = await t.http().get('/api/tickets').query({ q: 'hoa loi' }).set(bearer(op)).expect(200);
    expect(found.body.items.map((i: { code: string }) => i.code)).toEqual([res.body.code]);
  });
});
