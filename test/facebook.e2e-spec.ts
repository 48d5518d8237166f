import { signFacebookBody } from '../src/intake/channels/facebook-signature.js';
import { CitizenReplyService } from '../src/intake/citizen-reply.service.js';
import { IntakeService } from '../src/intake/intake.service.js';
import { DeliveryService } from '../src/notifications/delivery.service.js';
import { OutboxService } from '../src/notifications/outbox.service.js';
import { appHeaders, FakePlatform, type Answer, type Seen } from './support/fake-platform.js';
import { bearer, startTestApp, tokensFor, type TestApp } from './support/test-app.js';

/**
 * The Facebook Messenger channel end to end: signed webhook POSTs over real HTTP to the app (real PostgreSQL), and a
 * local HTTP server standing in for graph.facebook.com that records every request the app makes.
 */

const APP_SECRET = 'fb-app-secret-1022-tra-vinh';
const VERIFY_TOKEN = 'fb-verify-token-1022';
const PAGE_TOKEN = 'EAAGpageToken1022+/=';
const PAGE_A = '106000000000001';
const PAGE_B = '106000000000002';

// ---------- a recording fake Graph API ----------
/** graph.facebook.com, whose Send API by default accepts every message. */
class FakeGraph extends FakePlatform {
  override handler = (r: Seen): Answer | Promise<Answer> => ({ status: 200, json: { recipient_id: JSON.parse(r.body).recipient.id, message_id: `m_out_${this.requests.length}` } });
}

/** Meta's serialisation of a webhook body: non-ASCII as \uXXXX escapes and "/" as "\/" (what it signs). */
const metaJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

let seq = 0;
const mid = (p = 'm_') => `${p}${Date.now().toString(36)}${++seq}`;

const item = (psid: string, page: string, ts: number, extra: Record<string, unknown>) => ({ sender: { id: psid }, recipient: { id: page }, timestamp: ts, ...extra });
const text = (psid: string, page: string, ts: number, id: string, body: string) => item(psid, page, ts, { message: { mid: id, text: body } });
const batch = (...entries: Array<{ page: string; items: unknown[] }>) => ({
  object: 'page',
  entry: entries.map((e, i) => ({ id: e.page, time: 1772416800000 + i, messaging: e.items })),
});

describe('Facebook Messenger channel (e2e)', () => {
  let t: TestApp;
  let graph: FakeGraph;
  let coord: string;
  let admin: string;

  const post = (raw: string, signature: string | null) => {
    const r = t.http().post('/webhooks/facebook').set('Content-Type', 'application/json');
    if (signature !== null) r.set('X-Hub-Signature-256', signature);
    return r.send(raw);
  };
  const signed = (body: unknown) => {
    const raw = metaJson(body);
    return post(raw, signFacebookBody(Buffer.from(raw), APP_SECRET));
  };
  const counts = async () => {
    const [r] = await t.ds.query(
      `SELECT (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM ticket_sources)::int AS sources,
              (SELECT count(*) FROM outbox_messages)::int AS outbox, (SELECT count(*) FROM ticket_events)::int AS events`,
    );
    return r as { tickets: number; sources: number; outbox: number; events: number };
  };
  const ticketOf = async (id: string) => {
    const [row] = await t.ds.query(
      `SELECT t.id, t.code, t.content, t.status, t.channel, t.assigned_unit_code FROM ticket_sources s JOIN tickets t ON t.id = s.ticket_id
        WHERE s.channel = 'facebook' AND s.external_id = $1`,
      [id],
    );
    return row as { id: string; code: string; content: string; status: string; channel: string; assigned_unit_code: string | null } | undefined;
  };
  const outboxOf = (ticketId: string) =>
    t.ds.query(`SELECT id, channel, status, attempts, payload, dedupe_key, last_error FROM outbox_messages WHERE ticket_id = $1 ORDER BY created_at, dedupe_key`, [ticketId]);
  const deliverDue = async () => {
    const rows: Array<{ id: string }> = await t.ds.query(`SELECT id FROM outbox_messages WHERE status = 'pending' AND available_at <= $1 ORDER BY created_at, id`, [t.clock.now()]);
    const out = [];
    for (const r of rows) out.push(await t.app.get(DeliveryService).deliver(r.id));
    return out;
  };
  const ts = () => t.clock.now().getTime();

  beforeAll(async () => {
    graph = await new FakeGraph().start();
    t = await startTestApp({
      env: {
        FACEBOOK_APP_SECRET: APP_SECRET, FACEBOOK_VERIFY_TOKEN: VERIFY_TOKEN, FACEBOOK_PAGE_ACCESS_TOKEN: PAGE_TOKEN,
        FACEBOOK_GRAPH_URL: graph.url, OUTBOX_MAX_ATTEMPTS: '2',
      },
    });
    [coord, admin] = await tokensFor(t, ['coordinator', 'admin']);
  });
  afterAll(async () => {
    await t?.close();
    await graph?.stop();
  });
  beforeEach(async () => {
    graph.requests.length = 0;
    graph.handler = new FakeGraph().handler;
    expect(await deliverDue()).toEqual([]); // every test leaves nothing behind
  });

  describe('subscription check (GET)', () => {
    it('answers the challenge as plain text when the verify token matches', async () => {
      const res = await t.http().get('/webhooks/facebook').query({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' }).expect(200);
      expect(res.text).toBe('1158201444');
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
    });

    it('answers 403 to a wrong token, another mode or missing parameters', async () => {
      await t.http().get('/webhooks/facebook').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong-token', 'hub.challenge': '1' }).expect(403);
      await t.http().get('/webhooks/facebook').query({ 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' }).expect(403);
      await t.http().get('/webhooks/facebook').query({ 'hub.mode': 'subscribe', 'hub.challenge': '1' }).expect(403);
      await t.http().get('/webhooks/facebook').query({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN }).expect(403);
      await t.http().get('/webhooks/facebook').expect(403);
    });
  });

  describe('a citizen message', () => {
    const first = mid();
    const content = 'Đường Nguyễn Đáng, phường 9 bị ngập/hư hỏng sau mưa';
    let raw: string;
    let code: string;

    it('creates a ticket waiting for a coordinator and sends the acknowledgement through the Send API of that page', async () => {
      raw = metaJson(batch({ page: PAGE_A, items: [text('psid-100', PAGE_A, ts() - 1000, first, content)] }));
      expect(raw).toContain('\\u0110\\u01b0\\u1eddng'); // Meta's escaped form: the signature covers these bytes
      const before = await counts();
      const res = await post(raw, signFacebookBody(Buffer.from(raw), APP_SECRET)).expect(200);
      expect(res.body).toEqual({ messages: 1, created: 1, appended: 0, duplicate: 0, rejected: 0 });
      expect(await counts()).toMatchObject({ tickets: before.tickets + 1, sources: before.sources + 1, outbox: before.outbox + 1 });

      const ticket = (await ticketOf(first))!;
      code = ticket.code;
      const view = await t.http().get(`/api/tickets/${code}`).set(bearer(coord)).expect(200);
      expect(view.body).toMatchObject({ status: 'received', channel: 'facebook', content, assignedUnit: null, category: null, area: null });
      const [source] = await t.ds.query(`SELECT sender_id, recipient_id, received_at FROM ticket_sources WHERE external_id = $1`, [first]);
      expect(source).toEqual({ sender_id: 'psid-100', recipient_id: PAGE_A, received_at: new Date(ts() - 1000) });

      expect(await deliverDue()).toEqual(['sent']);
      expect(graph.requests).toHaveLength(1);
      const [sent] = graph.requests;
      expect({ method: sent.method, path: sent.path, query: sent.query }).toEqual({ method: 'POST', path: `/v25.0/${PAGE_A}/messages`, query: { access_token: PAGE_TOKEN } });
      expect(appHeaders(sent.headers)).toEqual({ 'content-type': 'application/json' });
      const ack = t.app.get(CitizenReplyService).ackText(code);
      expect(ack).toContain(code);
      expect(JSON.parse(sent.body)).toEqual({ recipient: { id: 'psid-100' }, messaging_type: 'RESPONSE', message: { text: ack } });
      expect((await outboxOf(ticket.id))[0]).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it('changes nothing when Meta delivers the same mid again', async () => {
      const before = await counts();
      const res = await post(raw, signFacebookBody(Buffer.from(raw), APP_SECRET)).expect(200);
      expect(res.body).toEqual({ messages: 1, created: 0, appended: 0, duplicate: 1, rejected: 0 });
      expect(await counts()).toEqual(before);
      await t.app.get(OutboxService).relay();
      expect(await deliverDue()).toEqual([]);
      expect(graph.requests).toHaveLength(0);
    });

    it('adds the next message of the same sender to the open ticket as the citizen\'s message', async () => {
      const before = await counts();
      const res = await signed(batch({ page: PAGE_A, items: [text('psid-100', PAGE_A, ts(), mid(), 'Nước ngập tới 40 cm')] })).expect(200);
      expect(res.body).toMatchObject({ created: 0, appended: 1 });
      expect(await counts()).toEqual({ ...before, sources: before.sources + 1, events: before.events + 1 });
      const view = await t.http().get(`/api/tickets/${code}`).set(bearer(coord)).expect(200);
      expect(view.body.events.at(-1)).toMatchObject({ type: 'citizen_message', note: 'Nước ngập tới 40 cm' });
    });

    it('answers the citizen from the same page when the unit resolves the ticket', async () => {
      const staff = await t.userToken('unit_staff', 'UB-29401');
      const resolution = 'Công ty Cấp thoát nước đã nạo vét cống ngày 03/3.';
      await t.http().post(`/api/tickets/${code}/assign`).set(bearer(coord)).send({ unitCode: 'UB-29401' }).expect(200);
      await t.http().post(`/api/tickets/${code}/accept`).set(bearer(staff)).send({}).expect(200);
      await t.http().post(`/api/tickets/${code}/resolve`).set(bearer(staff)).send({ resolution }).expect(200);
      expect(await deliverDue()).toEqual(['sent']);
      expect(graph.requests.map((r) => [r.method, r.path, r.query])).toEqual([['POST', `/v25.0/${PAGE_A}/messages`, { access_token: PAGE_TOKEN }]]);
      expect(appHeaders(graph.requests[0].headers)).toEqual({ 'content-type': 'application/json' });
      const body = JSON.parse(graph.requests[0].body);
      expect(body).toEqual({ recipient: { id: 'psid-100' }, messaging_type: 'RESPONSE', message: { text: expect.any(String) } });
      // the answer, then the question whether it settled the matter, with the signed link to answer it (citizen-feedback)
      expect(body.message.text).toMatch(new RegExp(`^Phản ánh ${code} của bạn đã được .+ xử lý\\. Kết quả: ${resolution}\\n\\nViệc của bạn đã được giải quyết chưa\\? Mời bạn đánh giá kết quả \\(từ 1 đến 5 sao\\) tại: \\S+/danh-gia/${code}\\?k=[\\w-]{24}$`));
    });

    it('answers through the reply service too (tickets merged into another get the answer this way)', async () => {
      const ticket = (await ticketOf(first))!;
      const replies = t.app.get(CitizenReplyService);
      const resolution = 'Đã kiểm tra lại: cống thông thoáng.';
      await t.ds.transaction((m) => replies.answer(m, { id: ticket.id, code, resolution, resolvedAt: new Date(ts() + 1) }, 'UBND phường 9'));
      expect(await deliverDue()).toEqual(['sent']);
      expect(JSON.parse(graph.requests[0].body)).toEqual({
        recipient: { id: 'psid-100' }, messaging_type: 'RESPONSE', message: { text: replies.answerText(code, 'UBND phường 9', resolution, replies.feedbackAsk(code, ticket.id)) },
      });
    });
  });

  it('takes every message of a batch of two entries, skipping echoes, delivery and read receipts and postbacks', async () => {
    const before = await counts();
    const T = ts() - 5000;
    const ids = { a1: mid(), a2: mid(), b1: mid(), c1: mid(), c2: mid(), echo: mid('m_echo_') };
    const body = batch(
      {
        page: PAGE_A,
        items: [
          text('psid-201', PAGE_A, T, ids.a1, 'Cây xanh ngã đổ chắn đường ấp 5'),
          item('psid-201', PAGE_A, T + 1, { delivery: { mids: ['m_out_1'], watermark: T } }),
          item(PAGE_A, 'psid-201', T + 2, { message: { mid: ids.echo, text: 'Tổng đài 1022 đã tiếp nhận', is_echo: true, app_id: 1 } }),
          item('psid-202', PAGE_A, T + 3, { message: { mid: ids.b1, attachments: [{ type: 'image', payload: { url: 'https://cdn.example/cay-do.jpg' } }] } }),
          text('psid-201', PAGE_A, T + 4, ids.a2, 'Có người bị thương nhẹ'),
        ],
      },
      {
        page: PAGE_B,
        items: [
          item('psid-203', PAGE_B, T + 10, { read: { watermark: T + 5 } }),
          item('psid-203', PAGE_B, T + 11, { postback: { title: 'Bắt đầu', payload: 'GET_STARTED' } }),
          item('psid-203', PAGE_B, T + 12, { message: { mid: ids.c1, attachments: [{ type: 'location', payload: { coordinates: { lat: 9.93, long: 106.34 } } }] } }),
          text('psid-203', PAGE_B, T + 13, ids.c2, 'Vị trí trên là chỗ cống bị vỡ'),
        ],
      },
    );
    const res = await signed(body).expect(200);
    expect(res.body).toEqual({ messages: 5, created: 3, appended: 2, duplicate: 0, rejected: 0 });
    expect(await counts()).toMatchObject({ tickets: before.tickets + 3, sources: before.sources + 5, outbox: before.outbox + 3 });

    const a1 = (await ticketOf(ids.a1))!;
    const b1 = (await ticketOf(ids.b1))!;
    const c1 = (await ticketOf(ids.c1))!;
    expect((await ticketOf(ids.a2))!.code).toBe(a1.code);
    expect((await ticketOf(ids.c2))!.code).toBe(c1.code);
    expect(new Set([a1.code, b1.code, c1.code]).size).toBe(3);
    expect(await ticketOf(ids.echo)).toBeUndefined();
    expect([a1, b1, c1].map((x) => [x.content, x.status, x.channel, x.assigned_unit_code])).toEqual([
      ['Cây xanh ngã đổ chắn đường ấp 5', 'received', 'facebook', null],
      ['[Hình ảnh]', 'received', 'facebook', null],
      ['[Vị trí: 9.93, 106.34]', 'received', 'facebook', null],
    ]);
    const notes = await t.ds.query(`SELECT ticket_id, note FROM ticket_events WHERE type = 'citizen_message' AND ticket_id = ANY($1) ORDER BY at, id`, [[a1.id, c1.id]]);
    expect(notes.map((n: { ticket_id: string; note: string }) => [n.ticket_id, n.note]).sort()).toEqual(
      [[a1.id, 'Có người bị thương nhẹ'], [c1.id, 'Vị trí trên là chỗ cống bị vỡ']].sort(),
    );

    // each acknowledgement goes out from the page the citizen wrote to
    expect(await deliverDue()).toEqual(['sent', 'sent', 'sent']);
    expect(graph.requests.map((r) => [r.path, JSON.parse(r.body).recipient.id]).sort()).toEqual([
      [`/v25.0/${PAGE_A}/messages`, 'psid-201'],
      [`/v25.0/${PAGE_A}/messages`, 'psid-202'],
      [`/v25.0/${PAGE_B}/messages`, 'psid-203'],
    ]);

    // the whole batch again (Meta redelivers until it gets a 200): nothing new
    const again = await counts();
    expect((await signed(body).expect(200)).body).toEqual({ messages: 5, created: 0, appended: 0, duplicate: 5, rejected: 0 });
    expect(await counts()).toEqual(again);
    expect(await deliverDue()).toEqual([]);
  });

  it('when one message of a batch fails, keeps the others and answers 503 so that Meta redelivers; the redelivery takes only the failed one', async () => {
    const intake = t.app.get(IntakeService);
    const original = intake.receive;
    const failing = mid('m_fail_');
    let failures = 0;
    intake.receive = async function (this: IntakeService, m, msg) {
      if (msg.externalId === failing && failures++ === 0) throw new Error('connection terminated unexpectedly');
      return original.call(this, m, msg);
    };
    try {
      const before = await counts();
      const ok1 = mid();
      const ok2 = mid();
      const body = batch(
        { page: PAGE_A, items: [text('psid-301', PAGE_A, ts(), ok1, 'Tin thứ nhất')] },
        { page: PAGE_A, items: [text('psid-302', PAGE_A, ts(), failing, 'Tin bị lỗi lần đầu'), text('psid-303', PAGE_A, ts(), ok2, 'Tin thứ ba')] },
      );
      const res = await signed(body).expect(503);
      expect(res.body).toMatchObject({ statusCode: 503, code: 'RETRY_LATER', created: 2, failed: 1 });
      expect(await ticketOf(ok1)).toBeDefined();
      expect(await ticketOf(ok2)).toBeDefined();
      expect(await ticketOf(failing)).toBeUndefined();
      expect(await counts()).toMatchObject({ tickets: before.tickets + 2, sources: before.sources + 2, outbox: before.outbox + 2 });

      expect((await signed(body).expect(200)).body).toEqual({ messages: 3, created: 1, appended: 0, duplicate: 2, rejected: 0 });
      expect(await ticketOf(failing)).toMatchObject({ content: 'Tin bị lỗi lần đầu' });
      expect(await counts()).toMatchObject({ tickets: before.tickets + 3, sources: before.sources + 3, outbox: before.outbox + 3 });
      expect(await deliverDue()).toEqual(['sent', 'sent', 'sent']);
      expect(graph.requests.map((r) => JSON.parse(r.body).recipient.id).sort()).toEqual(['psid-301', 'psid-302', 'psid-303']);
    } finally {
      intake.receive = original;
    }
  });

  it('takes a message whose text holds NUL or a lone surrogate (never refused: Meta would redeliver it until it gives up), storing U+FFFD instead', async () => {
    const id = mid();
    // metaJson escapes them as \u0000 and \ud83d: valid JSON, signed as Meta sends it
    const raw = metaJson(batch({ page: PAGE_A, items: [text('psid-nul', PAGE_A, ts(), id, 'Ngập nước\u0000 ở ấp Rạch Gốc \ud83d giữa đường')] }));
    expect(raw).toContain('\\u0000');
    const res = await post(raw, signFacebookBody(Buffer.from(raw), APP_SECRET)).expect(200);
    expect(res.body).toEqual({ messages: 1, created: 1, appended: 0, duplicate: 0, rejected: 0 });
    expect((await ticketOf(id))!.content).toBe('Ngập nước\uFFFD ở ấp Rạch Gốc \uFFFD giữa đường');
    await t.app.get(OutboxService).relay();
    expect(await deliverDue()).toEqual(['sent']);
  });

  it('acknowledges events of other products and batches without messages, storing nothing', async () => {
    const before = await counts();
    expect((await signed({ object: 'instagram', entry: [{ id: '1', messaging: [text('igsid', '1', ts(), mid(), 'x')] }] }).expect(200)).body).toMatchObject({ messages: 0 });
    expect((await signed(batch({ page: PAGE_A, items: [item('psid-1', PAGE_A, ts(), { read: { watermark: ts() } })] })).expect(200)).body).toMatchObject({ messages: 0 });
    expect(await counts()).toEqual(before);
  });

  describe('refuses what it cannot trust, storing nothing', () => {
    let before: Awaited<ReturnType<typeof counts>>;
    const body = () => metaJson(batch({ page: PAGE_A, items: [text('psid-666', PAGE_A, ts(), mid('m_forged_'), 'Tin giả mạo')] }));
    beforeEach(async () => {
      before = await counts();
    });
    afterEach(async () => {
      expect(await counts()).toEqual(before);
    });

    it('a missing signature: 401', async () => {
      expect((await post(body(), null).expect(401)).body).toMatchObject({ code: 'SIGNATURE_MISSING' });
      await post(body(), ' ').expect(401);
    });

    it('a signature made with another secret, of another body, or in another form: 403', async () => {
      const raw = body();
      expect((await post(raw, signFacebookBody(Buffer.from(raw), 'another-app-secret')).expect(403)).body).toMatchObject({ code: 'SIGNATURE_INVALID' });
      await post(raw, signFacebookBody(Buffer.from(body()), APP_SECRET)).expect(403);
      await post(raw, signFacebookBody(Buffer.from(raw), APP_SECRET).replace('sha256=', 'sha1=')).expect(403);
      await post(raw, signFacebookBody(Buffer.from(raw), APP_SECRET).slice(7)).expect(403);
    });

    it('a signature of the re-serialised JSON instead of the raw bytes: 403', async () => {
      const raw = body();
      const reserialised = JSON.stringify(JSON.parse(raw));
      expect(reserialised).not.toBe(raw);
      await post(raw, signFacebookBody(Buffer.from(reserialised), APP_SECRET)).expect(403);
    });

    it('a correctly signed body of the wrong shape: 400', async () => {
      expect((await signed({ object: 'page' }).expect(400)).body).toMatchObject({ statusCode: 400, errors: [{ field: 'entry' }] });
      await signed({ entry: [] }).expect(400);
      await signed([1, 2]).expect(400);
    });
  });

  it('a reply the Send API keeps refusing ends failed after OUTBOX_MAX_ATTEMPTS, is listed for admins and can be retried', async () => {
    graph.handler = () => ({ status: 500, json: { error: { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1, fbtrace_id: 'Axyz' } } });
    const id = mid();
    await signed(batch({ page: PAGE_B, items: [text('psid-900', PAGE_B, ts(), id, 'Mất điện cả khu phố')] })).expect(200);
    const ticket = (await ticketOf(id))!;
    const [{ id: rowId }] = await outboxOf(ticket.id);

    const delivery = t.app.get(DeliveryService);
    expect(await delivery.deliver(rowId)).toBe('retry');
    expect((await outboxOf(ticket.id))[0]).toMatchObject({ status: 'pending', attempts: 1 });
    t.clock.advance(15_000);
    expect(await delivery.deliver(rowId)).toBe('retry');
    const [row] = await outboxOf(ticket.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 2, last_error: 'Facebook Send API answered HTTP 500: An unknown error has occurred. (code 1)' });
    expect(row.last_error).not.toContain(PAGE_TOKEN);
    expect(graph.requests).toHaveLength(2);

    const listed = await t.http().get('/api/outbox').query({ status: 'failed' }).set(bearer(admin)).expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ id: rowId, channel: 'facebook', status: 'failed', attempts: 2, summary: { to: 'psid-900' } })]);
    await t.http().post(`/api/outbox/${rowId}/retry`).set(bearer(coord)).expect(403);

    graph.handler = new FakeGraph().handler;
    await t.http().post(`/api/outbox/${rowId}/retry`).set(bearer(admin)).expect(202);
    expect(await delivery.deliver(rowId)).toBe('sent');
    expect(graph.requests.map((r) => r.path)).toEqual([`/v25.0/${PAGE_B}/messages`, `/v25.0/${PAGE_B}/messages`, `/v25.0/${PAGE_B}/messages`]);
    expect((await outboxOf(ticket.id))[0]).toMatchObject({ status: 'sent' });
    await t.http().post(`/api/outbox/${rowId}/retry`).set(bearer(admin)).expect(404);
  });

  it('treats an unreachable Graph API as a failed attempt', async () => {
    const id = mid();
    await signed(batch({ page: PAGE_A, items: [text('psid-901', PAGE_A, ts(), id, 'Đèn tín hiệu hỏng')] })).expect(200);
    const ticket = (await ticketOf(id))!;
    await graph.stop();
    try {
      expect(await deliverDue()).toEqual(['retry']);
      const [row] = await outboxOf(ticket.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.last_error).toMatch(/^Facebook Send API unreachable: /);
      expect(row.last_error).not.toContain(PAGE_TOKEN);
    } finally {
      await graph.restart();
    }
    t.clock.advance(15_000);
    expect(await deliverDue()).toEqual(['sent']);
  });

  it('is not the Zalo channel: that one is off here (404)', async () => {
    await t.http().post('/webhooks/zalo').send({ event_name: 'user_send_text' }).expect(404);
  });
});

describe('Facebook Messenger channel switched off (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // partly configured: the page access token is missing
    t = await startTestApp({ env: { FACEBOOK_APP_SECRET: APP_SECRET, FACEBOOK_VERIFY_TOKEN: VERIFY_TOKEN } });
  });
  afterAll(() => t?.close());

  it('answers 404 to the subscription check and to a correctly signed message, and stores nothing', async () => {
    await t.http().get('/webhooks/facebook').query({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '42' }).expect(404);
    const raw = metaJson(batch({ page: PAGE_A, items: [text('psid-1', PAGE_A, t.clock.now().getTime(), 'm_off_1', 'Xin chào')] }));
    const res = await t.http().post('/webhooks/facebook').set('Content-Type', 'application/json').set('X-Hub-Signature-256', signFacebookBody(Buffer.from(raw), APP_SECRET)).send(raw).expect(404);
    const unknown = await t.http().post('/webhooks/no-such-channel').send({}).expect(404);
    expect(res.body).toEqual(unknown.body);
    expect(await t.ds.query(`SELECT (SELECT count(*) FROM tickets)::int AS t, (SELECT count(*) FROM ticket_sources)::int AS s`)).toEqual([{ t: 0, s: 0 }]);
  });
});
