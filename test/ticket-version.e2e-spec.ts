import { IntakeService } from '../src/intake/intake.service.js';
import { OverdueService } from '../src/sla/overdue.service.js';
import { bearer, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Every write of ticket state goes through TicketLifecycle and raises the ticket's version (optimistic concurrency):
 * a form shown before an overdue flag, a due-soon warning or a citizen's further message is told to reload instead of
 * acting blind.
 */
describe('the version of a ticket goes up with every change', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-02T09:00:00+07:00' });
  });
  afterAll(() => t.close());

  const version = async (code: string): Promise<number> => (await t.ds.query(`SELECT version FROM tickets WHERE code = $1`, [code]))[0].version;

  it('an overdue flag raises it, and a form with the version read before is refused (409), nothing written', async () => {
    const operator = await t.userToken('operator');
    const created = await t.http().post('/api/tickets').set(bearer(operator)).send({
      channel: 'hotline', reporterName: 'Lê Văn Tám', areaCode: '29401', categoryCode: 'XET-NGHIEM', content: 'Cần xét nghiệm cho cả xóm.',
    }).expect(201);
    const before = await version(created.body.code);
    t.clock.set(new Date(new Date(created.body.dueAt).getTime() + 60_000));
    expect(await t.app.get(OverdueService).sweepOverdue()).toBeGreaterThanOrEqual(1);
    expect(await version(created.body.code)).toBe(before + 1);
    // (signed in now: a token lives 12 hours, the deadline was a day away)
    const staff = await t.userToken('unit_staff', created.body.assignedUnit.code);
    const stale = await t.http().post(`/api/tickets/${created.body.code}/accept`).set(bearer(staff)).send({ version: before }).expect(409);
    expect(stale.body.code).toBe('STALE_VERSION');
    expect((await t.ds.query(`SELECT status FROM tickets WHERE code = $1`, [created.body.code]))[0].status).toBe('assigned');
    await t.http().post(`/api/tickets/${created.body.code}/accept`).set(bearer(staff)).send({ version: before + 1 }).expect(200);
  });

  it('a due-soon warning raises it and is written as a "due_soon" event, once per deadline', async () => {
    const operator = await t.userToken('operator');
    const created = await t.http().post('/api/tickets').set(bearer(operator)).send({
      channel: 'hotline', reporterName: 'Lê Văn Chín', areaCode: '29401', categoryCode: 'XET-NGHIEM', content: 'Chưa có kết quả xét nghiệm.',
    }).expect(201);
    const [{ warn_at: warnAt }] = await t.ds.query(`SELECT warn_at FROM tickets WHERE code = $1`, [created.body.code]);
    const before = await version(created.body.code);
    t.clock.set(new Date(new Date(warnAt).getTime() + 60_000));
    expect(await t.app.get(OverdueService).sweepDueSoon()).toBeGreaterThanOrEqual(1);
    expect(await version(created.body.code)).toBe(before + 1);
    const events = await t.ds.query(
      `SELECT e.type, e.at, e.actor_name, e.data FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.code = $1 AND e.type = 'due_soon'`,
      [created.body.code]);
    expect(events).toEqual([expect.objectContaining({ type: 'due_soon', at: t.clock.now(), actor_name: 'Hệ thống' })]);
    expect(new Date(events[0].data.dueAt).toISOString()).toBe(created.body.dueAt);
    // a second sweep finds nothing new: no second event, no second raise
    await t.app.get(OverdueService).sweepDueSoon();
    expect(await version(created.body.code)).toBe(before + 1);
    // staff see the warning in the ticket's history (signed in again: the clock moved past the first token's life)
    const staffView = await t.http().get(`/api/tickets/${created.body.code}`).set(bearer(await t.userToken('operator'))).expect(200);
    expect(staffView.body.events.map((e: { type: string }) => e.type)).toContain('due_soon');
  });

  it("a citizen's further message on the ticket raises it", async () => {
    const intake = t.app.get(IntakeService);
    const message = (externalId: string, content: string) => ({
      channel: 'zalo' as const, externalId, senderId: 'zalo-user-1', recipientId: 'oa-1', reporterName: null,
      content, attachments: [], receivedAt: t.clock.now(),
    });
    const first = await t.ds.transaction((m) => intake.receive(m, message('msg-1', 'Đường ngập nước ở ấp Đa Hòa.')));
    expect(first.outcome).toBe('created');
    const before = await version(first.ticketCode);
    const second = await t.ds.transaction((m) => intake.receive(m, message('msg-2', 'Nước vẫn chưa rút.')));
    expect(second).toEqual({ ticketCode: first.ticketCode, outcome: 'appended' });
    expect(await version(first.ticketCode)).toBe(before + 1);
    // a redelivery changes nothing, the version neither
    const again = await t.ds.transaction((m) => intake.receive(m, message('msg-2', 'Nước vẫn chưa rút.')));
    expect(again.outcome).toBe('duplicate');
    expect(await version(first.ticketCode)).toBe(before + 1);
  });
});
