import { DeliveryService } from '../src/notifications/delivery.service.js';
import { OutboxService } from '../src/notifications/outbox.service.js';
import { SmtpRelay } from './support/smtp-relay.js';
import { sleep, waitFor } from './support/wait.js';
import { bearer, startTestApp, type TestApp } from './support/test-app.js';

/** Runs the outbox the way the workers do: relay the due rows, deliver each. */
async function drain(t: TestApp): Promise<number> {
  const rows: Array<{ id: string }> = await t.ds.query(`SELECT id FROM outbox_messages WHERE status = 'pending'`);
  let sent = 0;
  for (const r of rows) if ((await t.app.get(DeliveryService).deliver(r.id)) === 'sent') sent++;
  return sent;
}

describe('nothing lost, nothing doubled: the outbox across a Redis outage and a second instance', () => {
  let relay: SmtpRelay;
  let down: TestApp; // an instance whose Redis does not answer
  let up: TestApp; // a healthy instance on the same database

  beforeAll(async () => {
    relay = await new SmtpRelay().start();
    const env = { SMTP_URL: relay.url, SMTP_IGNORE_TLS: 'true', MAIL_ONLY_IN_WORKING_TIME: 'false' };
    down = await startTestApp({ env: { ...env, REDIS_URL: 'redis://127.0.0.1:1' } });
    up = await startTestApp({ env, databaseUrl: down.databaseUrl });
  });
  afterAll(async () => {
    await up.close();
    await down.close();
    await relay.close();
  });

  it('takes a ticket and records its answer while Redis is down; the healthy instance delivers it exactly once', async () => {
    const health = await down.http().get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ database: 'up', redis: 'down' });

    const operator = await down.userToken('operator');
    const staff = await down.userToken('unit_staff', 'UB-29401');
    const created = await down.http().post('/api/tickets').set(bearer(operator)).send({
      channel: 'hotline', reporterName: 'Lê Thị Mai', reporterPhone: '0912000111', reporterEmail: 'mai@example.vn',
      areaCode: '29401', categoryCode: 'AN-SINH', content: 'Chưa nhận được gạo hỗ trợ.',
    }).expect(201);
    const code = created.body.code;
    expect(created.body.assignedUnit.code).toBe('UB-29401');
    await down.http().post(`/api/tickets/${code}/accept`).set(bearer(staff)).send({}).expect(200);
    await down.http().post(`/api/tickets/${code}/resolve`).set(bearer(staff)).send({ resolution: 'Đã cấp 20 kg gạo ngày 02/03.' }).expect(200);

    // the answer is in the outbox, written with the resolution; the relay of the instance without Redis cannot queue it
    const rows = await down.ds.query(`SELECT id, status, payload FROM outbox_messages WHERE ticket_id = (SELECT id FROM tickets WHERE code = $1)`, [code]);
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('pending');
    expect(rows[0].payload.to).toEqual(['mai@example.vn']);
    expect(relay.mails).toHaveLength(0);

    // the healthy instance relays (queues) and delivers; both instances trying again sends nothing more
    expect(await up.app.get(OutboxService).relay()).toBeGreaterThanOrEqual(1);
    const results = await Promise.all([drain(up), drain(up), drain(up)]);
    expect(results.reduce((a, b) => a + b, 0)).toBe(1);
    await drain(up);
    expect(relay.mails).toHaveLength(1);
    const mail = relay.mails[0];
    expect(mail.subject).toBe(`[${code}] Kết quả xử lý phản ánh`);
    expect(mail.text).toContain('Đã cấp 20 kg gạo ngày 02/03.');
    expect(mail.text).toContain('UBND xã Hòa Lợi');
    const [row] = await up.ds.query(`SELECT status, attempts, sent_at FROM outbox_messages WHERE id = $1`, [rows[0].id]);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('delivers a message whose delivery was interrupted (claimed, then the process died) once, after the claim expires', async () => {
    const operator = await up.userToken('operator');
    const staff = await up.userToken('unit_staff', 'UB-29401');
    const { body } = await up.http().post('/api/tickets').set(bearer(operator)).send({
      channel: 'walk_in', reporterName: 'Trần Văn Nam', reporterEmail: 'nam@example.vn', areaCode: '29401', categoryCode: 'AN-SINH', content: 'Hỏi về trợ cấp.',
    }).expect(201);
    await up.http().post(`/api/tickets/${body.code}/accept`).set(bearer(staff)).send({}).expect(200);
    await up.http().post(`/api/tickets/${body.code}/resolve`).set(bearer(staff)).send({ resolution: 'Đã hướng dẫn hồ sơ.' }).expect(200);
    const [msg] = await up.ds.query(`SELECT id FROM outbox_messages WHERE ticket_id = (SELECT id FROM tickets WHERE code = $1)`, [body.code]);
    // a worker claimed it and died before sending
    expect(await up.app.get(OutboxService).claim(msg.id)).not.toBeNull();
    expect(await up.app.get(DeliveryService).deliver(msg.id)).toBe('skipped');
    const before = relay.mails.length;
    // five minutes later the relay hands it out again, and it is sent once
    up.clock.advance(6 * 60_000);
    await up.app.get(OutboxService).relay();
    expect(await up.app.get(DeliveryService).deliver(msg.id)).toBe('sent');
    expect(await up.app.get(DeliveryService).deliver(msg.id)).toBe('skipped');
    expect(relay.mails.length).toBe(before + 1);
    expect(relay.mails.at(-1)!.subject).toBe(`[${body.code}] Kết quả xử lý phản ánh`);
  });

  it('records a message sent while the database refuses to record it once the database takes writes again: never sent twice', async () => {
    const operator = await up.userToken('operator');
    const staff = await up.userToken('unit_staff', 'UB-29401');
    const { body } = await up.http().post('/api/tickets').set(bearer(operator)).send({
      channel: 'walk_in', reporterName: 'Đỗ Thị Hoa', reporterEmail: 'hoa@example.vn', areaCode: '29401', categoryCode: 'AN-SINH', content: 'Hỏi về hồ sơ hộ nghèo.',
    }).expect(201);
    await up.http().post(`/api/tickets/${body.code}/accept`).set(bearer(staff)).send({}).expect(200);
    await up.http().post(`/api/tickets/${body.code}/resolve`).set(bearer(staff)).send({ resolution: 'Đã hướng dẫn làm hồ sơ.' }).expect(200);
    const [msg] = await up.ds.query(`SELECT id FROM outbox_messages WHERE ticket_id = (SELECT id FROM tickets WHERE code = $1)`, [body.code]);
    const before = relay.mails.length;
    // the database refuses to record any message as sent (as a stalled or restarting server would), for 8 s
    await up.ds.query(`CREATE FUNCTION refuse_sent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the database is restarting' USING ERRCODE = '57P03'; END $$`);
    await up.ds.query(`CREATE TRIGGER refuse_sent BEFORE UPDATE ON outbox_messages FOR EACH ROW WHEN (NEW.status = 'sent') EXECUTE FUNCTION refuse_sent()`);
    try {
      const delivery = up.app.get(DeliveryService).deliver(msg.id);
      await waitFor('the mail', async () => relay.mails.length > before, 5000);
      await sleep(8000);
      const [during] = await up.ds.query(`SELECT status FROM outbox_messages WHERE id = $1`, [msg.id]);
      expect(during.status).toBe('sending');
      await up.ds.query(`DROP TRIGGER refuse_sent ON outbox_messages`);
      expect(await delivery).toBe('sent');
    } finally {
      await up.ds.query(`DROP TRIGGER IF EXISTS refuse_sent ON outbox_messages`);
      await up.ds.query(`DROP FUNCTION IF EXISTS refuse_sent()`);
    }
    const [after] = await up.ds.query(`SELECT status FROM outbox_messages WHERE id = $1`, [msg.id]);
    expect(after.status).toBe('sent');
    // recorded as sent: the relay's reclaim of abandoned messages, five minutes on, does not send it again
    up.clock.advance(6 * 60_000);
    await up.app.get(OutboxService).relay();
    expect(await up.app.get(DeliveryService).deliver(msg.id)).toBe('skipped');
    expect(relay.mails.filter((m) => m.subject === `[${body.code}] Kết quả xử lý phản ánh`)).toHaveLength(1);
  }, 60_000);
});

describe('likely duplicates and merging', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists tickets of the same phone and of the same commune and category with similar text; a merged ticket counts as merged and its citizen gets the answer', async () => {
    const operator = await t.userToken('operator');
    const coordinator = await t.userToken('coordinator');
    const staff = await t.userToken('unit_staff', 'UB-29401');
    const admin = await t.userToken('admin');
    const create = async (body: Record<string, unknown>) =>
      (await t.http().post('/api/tickets').set(bearer(operator)).send({ channel: 'hotline', areaCode: '29401', categoryCode: 'AN-SINH', ...body }).expect(201)).body;

    const first = await create({ reporterName: 'Nguyễn Văn A', reporterPhone: '0912111222', reporterEmail: 'a@example.vn', content: 'Ấp Đa Hòa Bắc chưa nhận gạo hỗ trợ đợt 2 cho hộ nghèo' });
    t.clock.advance(3600_000);
    const samePhone = await create({ reporterName: 'Nguyễn Văn A', reporterPhone: '+84 912 111 222', content: 'Hỏi lại về việc khác hoàn toàn' });
    const similar = await create({ reporterName: 'Trần Thị B', reporterPhone: '0987000111', reporterEmail: 'b@example.vn', content: 'Ấp Đa Hòa Bắc chưa nhận gạo hỗ trợ đợt 2 cho các hộ nghèo' });
    const unrelated = await create({ reporterName: 'Lê C', reporterPhone: '0977000222', areaCode: '29242', categoryCode: 'Y-TE', content: 'Trạm y tế đóng cửa' });

    const get = async (code: string, token = coordinator) => (await t.http().get(`/api/tickets/${code}`).set(bearer(token)).expect(200)).body;
    expect((await get(samePhone.code)).likelyDuplicates).toEqual([expect.objectContaining({ code: first.code, reason: 'same_phone' })]);
    const sim = await get(similar.code);
    expect(sim.likelyDuplicates).toEqual([expect.objectContaining({ code: first.code, reason: 'similar_text' })]);
    expect(sim.events[0].data.likelyDuplicates).toEqual([expect.objectContaining({ code: first.code })]);
    expect((await get(unrelated.code)).likelyDuplicates).toEqual([]);
    // unit staff do not see the codes of other tickets
    expect((await get(first.code, staff)).likelyDuplicates).toEqual([]);

    // merge the similar one into the first
    const merged = await t.http().post(`/api/tickets/${similar.code}/merge`).set(bearer(coordinator)).send({ intoCode: first.code }).expect(200);
    expect(merged.body).toMatchObject({ status: 'rejected', rejectReason: 'duplicate', duplicateOf: first.code });
    await t.http().post(`/api/tickets/${similar.code}/merge`).set(bearer(operator)).send({ intoCode: first.code }).expect(403);

    // the first is resolved: both citizens are told
    await t.http().post(`/api/tickets/${first.code}/accept`).set(bearer(staff)).send({}).expect(200);
    await t.http().post(`/api/tickets/${first.code}/resolve`).set(bearer(staff)).send({ resolution: 'Đã phát gạo đợt 2 cho ấp Đa Hòa Bắc.' }).expect(200);
    const answers: Array<{ code: string; to: string[] }> = await t.ds.query(
      `SELECT t.code, o.payload->'to' AS to FROM outbox_messages o JOIN tickets t ON t.id = o.ticket_id WHERE o.dedupe_key LIKE 'answer:%' ORDER BY t.code`);
    expect(answers).toEqual(expect.arrayContaining([
      { code: first.code, to: ['a@example.vn'] },
      { code: similar.code, to: ['b@example.vn'] },
    ]));
    expect(answers).toHaveLength(2);

    // merged later into the already answered ticket, through a chain: the citizen is answered at once
    const late = await create({ reporterName: 'Phạm D', reporterPhone: '0966000333', reporterEmail: 'd@example.vn', content: 'Ấp Đa Hòa Bắc hỏi về gạo đợt 2' });
    const later = await create({ reporterName: 'Võ E', reporterPhone: '0966000444', reporterEmail: 'e@example.vn', content: 'Gạo đợt 2 ấp Đa Hòa Bắc' });
    await t.http().post(`/api/tickets/${later.code}/merge`).set(bearer(coordinator)).send({ intoCode: late.code }).expect(200);
    const chained = await t.http().post(`/api/tickets/${late.code}/merge`).set(bearer(coordinator)).send({ intoCode: similar.code }).expect(200);
    expect(chained.body.duplicateOf).toBe(first.code); // similar was itself merged into first
    expect((await get(later.code)).duplicateOf).toBe(first.code);
    // the kept ticket lists every ticket merged into it, directly or through a chain (not to unit staff: other codes)
    expect((await get(first.code)).mergedTickets.map((d: { code: string }) => d.code).sort()).toEqual([similar.code, late.code, later.code].sort());
    expect((await get(first.code, staff)).mergedTickets).toEqual([]);
    const answered: Array<{ to: string[]; text: string }> = await t.ds.query(
      `SELECT o.payload->'to' AS to, o.payload->>'text' AS text FROM outbox_messages o WHERE o.dedupe_key LIKE 'answer:%' ORDER BY o.created_at, o.id`);
    expect(answered.map((a) => a.to[0]).sort()).toEqual(['a@example.vn', 'b@example.vn', 'd@example.vn', 'e@example.vn']);
    // the answer's text goes to the citizen it was written for; a merged citizen with another phone is told the
    // outcome in a neutral sentence, never another citizen's answer
    const textTo = (address: string) => answered.find((a) => a.to[0] === address)!.text;
    expect(textTo('a@example.vn')).toContain('Đã phát gạo đợt 2 cho ấp Đa Hòa Bắc.');
    for (const address of ['b@example.vn', 'd@example.vn', 'e@example.vn']) {
      expect(textTo(address)).not.toContain('Đã phát gạo đợt 2');
      expect(textTo(address)).toContain('trùng nội dung với một phản ánh khác đang được xử lý; kết quả: Đã xử lý.');
    }
    // nothing merges into a rejected ticket
    const spam = await create({ reporterName: 'X', reporterPhone: '0966000555', content: 'Quảng cáo' });
    await t.http().post(`/api/tickets/${spam.code}/reject`).set(bearer(coordinator)).send({ reason: 'spam' }).expect(200);
    const refused = await t.http().post(`/api/tickets/${unrelated.code}/merge`).set(bearer(coordinator)).send({ intoCode: spam.code }).expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'duplicateOf' })]);

    // the report explains it: received 7 = handled 1 + open 2 + rejected 1 + merged 3
    t.clock.set('2026-03-02T17:00:00+07:00');
    const report = await t.http().get('/api/reports/daily').query({ date: '2026-03-02' }).set(bearer(admin)).expect(200);
    expect(report.body.figures.explained).toEqual({ received: 7, handled: 1, open: 2, rejected: 1, merged: 3 });
  });
});
