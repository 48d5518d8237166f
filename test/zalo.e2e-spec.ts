import { DeliveryService } from '../src/notifications/delivery.service.js';
import { OutboxService } from '../src/notifications/outbox.service.js';
import { CitizenReplyService } from '../src/intake/citizen-reply.service.js';
import { signZaloBody } from '../src/intake/channels/zalo-signature.js';
import { appHeaders, FakePlatform } from './support/fake-platform.js';
import { bearer, startTestApp, tokensFor, type TestApp } from './support/test-app.js';

/**
 * The Zalo OA channel end to end: signed webhook POSTs over real HTTP to the app (real PostgreSQL), and local HTTP
 * servers standing in for openapi.zalo.me and oauth.zaloapp.com that record every request the app makes.
 */

const APP_ID = '4291763606161179100';
const APP_SECRET = 'zalo-app-secret-1022';
const OA_KEY = 'zalo-oa-secret-key-1022';
const OA_ID = '579745863508352884';
const ACCESS_1 = 'OA_ACCESS_TOKEN_1';
const REFRESH_1 = 'OA_REFRESH_TOKEN_1';
const MINUTE = 60_000;

/** The OA message API's answer to a message it accepts. */
const ZALO_OK = { status: 200, json: { error: 0, message: 'Success', data: { message_id: 'oa-msg-1', user_id: 'x' } } };

// ---------- Zalo events ----------
let seq = 0;
const nextId = (p: string) => `${p}${Date.now().toString(36)}${++seq}`;

function event(eventName: string, at: Date, opts: { sender?: string; message?: Record<string, unknown>; extra?: Record<string, unknown> } = {}) {
  return {
    app_id: APP_ID,
    user_id_by_app: '552177279717587730',
    event_name: eventName,
    timestamp: String(at.getTime()),
    sender: { id: opts.sender ?? '2512523625412515' },
    recipient: { id: OA_ID },
    ...(opts.message ? { message: opts.message } : {}),
    ...opts.extra,
  };
}

describe('Zalo OA channel (e2e)', () => {
  let t: TestApp;
  let api: FakePlatform;
  let oauth: FakePlatform;
  let coord: string;

  const post = (raw: string, signature: string | null) => {
    const r = t.http().post('/webhooks/zalo').set('Content-Type', 'application/json');
    if (signature !== null) r.set('X-ZEvent-Signature', signature);
    return r.send(raw);
  };
  const signed = (body: unknown) => {
    const raw = JSON.stringify(body);
    return post(raw, signZaloBody(Buffer.from(raw), APP_ID, OA_KEY));
  };
  const counts = async () => {
    const [r] = await t.ds.query(
      `SELECT (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM ticket_sources)::int AS sources,
              (SELECT count(*) FROM outbox_messages)::int AS outbox, (SELECT count(*) FROM ticket_events)::int AS events`,
    );
    return r as { tickets: number; sources: number; outbox: number; events: number };
  };
  const ticketOf = async (msgId: string) => {
    const [row] = await t.ds.query(
      `SELECT t.id, t.code FROM ticket_sources s JOIN tickets t ON t.id = s.ticket_id WHERE s.channel = 'zalo' AND s.external_id = $1`,
      [msgId],
    );
    return row as { id: string; code: string } | undefined;
  };
  const outboxOf = (ticketId: string) =>
    t.ds.query(`SELECT id, channel, status, attempts, payload, dedupe_key, last_error FROM outbox_messages WHERE ticket_id = $1 ORDER BY created_at, dedupe_key`, [ticketId]);
  /** Delivers every due outbox row the way the queue worker does, and returns the outcomes. */
  const deliverDue = async () => {
    const rows: Array<{ id: string }> = await t.ds.query(`SELECT id FROM outbox_messages WHERE status = 'pending' AND available_at <= $1 ORDER BY created_at`, [t.clock.now()]);
    const delivery = t.app.get(DeliveryService);
    const out = [];
    for (const r of rows) out.push(await delivery.deliver(r.id));
    return out;
  };
  /** Delivers the due outbox rows of one ticket. */
  const deliverTicket = async (ticketId: string) => {
    const rows: Array<{ id: string }> = await t.ds.query(`SELECT id FROM outbox_messages WHERE ticket_id = $1 AND status = 'pending' AND available_at <= $2 ORDER BY created_at`, [ticketId, t.clock.now()]);
    const out = [];
    for (const r of rows) out.push(await t.app.get(DeliveryService).deliver(r.id));
    return out;
  };
  const now = () => t.clock.now();

  beforeAll(async () => {
    api = await new FakePlatform().start();
    oauth = await new FakePlatform().start();
    t = await startTestApp({
      env: {
        ZALO_APP_ID: APP_ID, ZALO_APP_SECRET: APP_SECRET, ZALO_OA_SECRET_KEY: OA_KEY, ZALO_ACCESS_TOKEN: ACCESS_1, ZALO_REFRESH_TOKEN: REFRESH_1,
        ZALO_API_URL: api.url, ZALO_OAUTH_URL: `${oauth.url}/`, OUTBOX_MAX_ATTEMPTS: '3',
      },
    });
    coord = await t.userToken('coordinator');
  });
  afterAll(async () => {
    await t?.close();
    await api?.stop();
    await oauth?.stop();
  });
  beforeEach(() => {
    api.clear();
    oauth.clear();
    api.handler = () => ZALO_OK;
  });

  describe('a citizen message', () => {
    const msgId = nextId('zmsg-');
    const text = 'Đèn đường ấp Cây Gòn, xã Hòa Lợi bị hỏng 3 ngày nay, buổi tối rất tối.';
    let raw: string;
    let code: string;

    it('creates a ticket waiting for a coordinator, with its source, and acknowledges it through the OA message API', async () => {
      raw = JSON.stringify(event('user_send_text', new Date(now().getTime() - 2000), { message: { msg_id: msgId, text } }));
      const before = await counts();
      const res = await post(raw, signZaloBody(Buffer.from(raw), APP_ID, OA_KEY)).expect(200);
      expect(res.body).toEqual({ status: 'created' });

      const ticket = await ticketOf(msgId);
      expect(ticket).toBeDefined();
      code = ticket!.code;
      const view = await t.http().get(`/api/tickets/${code}`).set(bearer(coord)).expect(200);
      expect(view.body).toMatchObject({ status: 'received', channel: 'zalo', content: text, assignedUnit: null, category: null, area: null });
      expect(view.body.reporterName).toContain('Zalo');
      const [source] = await t.ds.query(`SELECT sender_id, recipient_id, received_at FROM ticket_sources WHERE external_id = $1`, [msgId]);
      expect(source).toEqual({ sender_id: '2512523625412515', recipient_id: OA_ID, received_at: new Date(now().getTime() - 2000) });
      expect(await counts()).toMatchObject({ tickets: before.tickets + 1, sources: before.sources + 1, outbox: before.outbox + 1 });

      const [row] = await outboxOf(ticket!.id);
      expect(row).toMatchObject({ channel: 'zalo', status: 'pending', dedupe_key: `ack:${ticket!.id}` });
      expect(await deliverDue()).toEqual(['sent']);
      expect(oauth.requests).toHaveLength(0);
      expect(api.requests).toHaveLength(1);
      const [sent] = api.requests;
      expect({ method: sent.method, path: sent.path, query: sent.query }).toEqual({ method: 'POST', path: '/v3.0/oa/message/cs', query: {} });
      expect(appHeaders(sent.headers)).toEqual({ 'content-type': 'application/json', access_token: ACCESS_1 });
      const ack = t.app.get(CitizenReplyService).ackText(code);
      expect(JSON.parse(sent.body)).toEqual({ recipient: { user_id: '2512523625412515' }, message: { text: ack } });
      expect(ack).toContain(code);
      const [after] = await outboxOf(ticket!.id);
      expect(after).toMatchObject({ status: 'sent', attempts: 1 });
      // the tokens of the settings were stored on first use
      expect(await t.ds.query(`SELECT access_token, refresh_token, expires_at FROM channel_tokens WHERE channel = 'zalo'`)).toEqual([
        { access_token: ACCESS_1, refresh_token: REFRESH_1, expires_at: null },
      ]);
    });

    it('changes nothing when the same msg_id is delivered again', async () => {
      const before = await counts();
      const res = await post(raw, signZaloBody(Buffer.from(raw), APP_ID, OA_KEY)).expect(200);
      expect(res.body).toEqual({ status: 'duplicate' });
      expect(await counts()).toEqual(before);
      await t.app.get(OutboxService).relay();
      expect(await deliverDue()).toEqual([]);
      expect(api.requests).toHaveLength(0);
    });

    it('adds a later message of the same sender to the open ticket as the citizen\'s message, without a new ticket or acknowledgement', async () => {
      const before = await counts();
      const more = 'Bổ sung: trụ đèn số 12 gần trường tiểu học.';
      const res = await signed(event('user_send_text', now(), { message: { msg_id: nextId('zmsg-'), text: more } })).expect(200);
      expect(res.body).toEqual({ status: 'appended' });
      expect(await counts()).toEqual({ ...before, sources: before.sources + 1, events: before.events + 1 });
      const view = await t.http().get(`/api/tickets/${code}`).set(bearer(coord)).expect(200);
      const last = view.body.events.at(-1);
      expect(last).toMatchObject({ type: 'citizen_message', note: more });
      expect(await deliverDue()).toEqual([]);
    });

    it('answers the citizen through the OA when the unit resolves the ticket', async () => {
      const staff = await t.userToken('unit_staff', 'UB-29401');
      const resolution = 'Điện lực Trà Vinh đã thay bóng đèn trụ số 12 ngày 02/3.';
      await t.http().post(`/api/tickets/${code}/assign`).set(bearer(coord)).send({ unitCode: 'UB-29401' }).expect(200);
      await t.http().post(`/api/tickets/${code}/accept`).set(bearer(staff)).send({}).expect(200);
      expect(await deliverDue()).toEqual([]);
      await t.http().post(`/api/tickets/${code}/resolve`).set(bearer(staff)).send({ resolution }).expect(200);
      expect(await deliverDue()).toEqual(['sent']);
      expect(api.requests).toHaveLength(1);
      const [sent] = api.requests;
      expect([sent.method, sent.path, sent.query]).toEqual(['POST', '/v3.0/oa/message/cs', {}]);
      expect(appHeaders(sent.headers)).toEqual({ 'content-type': 'application/json', access_token: ACCESS_1 });
      const body = JSON.parse(sent.body);
      expect(body).toEqual({ recipient: { user_id: '2512523625412515' }, message: { text: expect.any(String) } });
      // the answer, then the question whether it settled the matter, with the signed link to answer it (citizen-feedback)
      expect(body.message.text).toMatch(new RegExp(`^Phản ánh ${code} của bạn đã được .+ xử lý\\. Kết quả: ${resolution}\\n\\nViệc của bạn đã được giải quyết chưa\\? Mời bạn đánh giá kết quả \\(từ 1 đến 5 sao\\) tại: \\S+/danh-gia/${code}\\?k=[\\w-]{24}$`));
    });
  });

  it('takes image, file and location messages with their attachments', async () => {
    const cases = [
      { ev: 'user_send_image', att: { type: 'image', payload: { thumbnail: 'https://zalo.example/t.jpg', url: 'https://zalo.example/o-ga.jpg' } }, content: 'Ổ gà trước chợ', kind: 'image' },
      { ev: 'user_send_file', att: { type: 'file', payload: { url: 'https://zalo.example/f', name: 'don-kien-nghi.pdf', size: '2048' } }, content: '[Tệp đính kèm: don-kien-nghi.pdf]', kind: 'file' },
      { ev: 'user_send_location', att: { type: 'location', payload: { coordinates: { latitude: '9.9347', longitude: '106.3453' } } }, content: '[Vị trí: 9.9347, 106.3453]', kind: 'location' },
    ];
    for (const [i, c] of cases.entries()) {
      const id = nextId('zatt-');
      const message = { msg_id: id, attachments: [c.att], ...(c.kind === 'image' ? { text: c.content } : {}) };
      const res = await signed(event(c.ev, now(), { sender: `77000000000000${i}`, message })).expect(200);
      expect(res.body).toEqual({ status: 'created' });
      const ticket = (await ticketOf(id))!;
      const [row] = await t.ds.query(`SELECT content, channel, status FROM tickets WHERE id = $1`, [ticket.id]);
      expect(row).toEqual({ content: c.content, channel: 'zalo', status: 'received' });
      const atts = await t.ds.query(`SELECT kind, url, filename, data FROM attachments WHERE ticket_id = $1`, [ticket.id]);
      expect(atts).toHaveLength(1);
      expect(atts[0].kind).toBe(c.kind);
      if (c.kind === 'location') expect(atts[0].data).toEqual({ lat: 9.9347, long: 106.3453 });
      else expect(atts[0].url).toBe(c.att.payload.url);
    }
    expect(await deliverDue()).toEqual(['sent', 'sent', 'sent']);
    expect(api.requests.map((r) => JSON.parse(r.body).recipient.user_id)).toEqual(['770000000000000', '770000000000001', '770000000000002']);
  });

  it('acknowledges and ignores echoes, receipts and follow events', async () => {
    const before = await counts();
    const events = [
      event('oa_send_text', now(), { sender: OA_ID, message: { msg_id: nextId('echo-'), text: 'Tổng đài 1022 đã tiếp nhận...' }, extra: { recipient: { id: '2512523625412515' } } }),
      event('user_received_message', now(), { message: { msg_ids: ['oa-msg-1'] } }),
      event('user_seen_message', now(), { message: { msg_ids: ['oa-msg-1'] } }),
      { app_id: APP_ID, event_name: 'follow', timestamp: String(now().getTime()), oa_id: OA_ID, follower: { id: '2512523625412515' }, source: 'testing' },
    ];
    for (const e of events) expect((await signed(e).expect(200)).body).toEqual({ status: 'ignored' });
    expect(await counts()).toEqual(before);
  });

  describe('refuses what it cannot trust, storing nothing', () => {
    let before: Awaited<ReturnType<typeof counts>>;
    const body = () => JSON.stringify(event('user_send_text', now(), { sender: '990000000000001', message: { msg_id: nextId('forged-'), text: 'Tin giả mạo' } }));
    beforeEach(async () => {
      before = await counts();
    });
    afterEach(async () => {
      expect(await counts()).toEqual(before);
    });

    it('a missing signature: 401', async () => {
      const res = await post(body(), null).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'SIGNATURE_MISSING' });
      await post(body(), '').expect(401);
    });

    it('a signature made with another OA secret key, or with the app secret: 401', async () => {
      const raw = body();
      await post(raw, signZaloBody(Buffer.from(raw), APP_ID, 'another-oa-secret-key')).expect(401);
      await post(raw, signZaloBody(Buffer.from(raw), APP_ID, APP_SECRET)).expect(401);
      await post(raw, signZaloBody(Buffer.from(raw), '1234567890', OA_KEY)).expect(401);
    });

    it('a body changed after signing (one byte of the Vietnamese text): 401', async () => {
      const raw = body();
      const header = signZaloBody(Buffer.from(raw), APP_ID, OA_KEY);
      const res = await post(raw.replace('giả', 'giá'), header).expect(401);
      expect(res.body.code).toBe('SIGNATURE_INVALID');
    });

    it('a header that is not mac=<sha256 hex>: 401', async () => {
      const raw = body();
      const hex = signZaloBody(Buffer.from(raw), APP_ID, OA_KEY).slice(4);
      await post(raw, hex).expect(401);
      await post(raw, `sha256=${hex}`).expect(401);
    });

    it('a correctly signed event older than 5 minutes, or from the future: 401', async () => {
      for (const at of [now().getTime() - 6 * MINUTE, now().getTime() + 6 * MINUTE]) {
        const res = await signed(event('user_send_text', new Date(at), { sender: '990000000000002', message: { msg_id: nextId('stale-'), text: 'Tin cũ' } })).expect(401);
        expect(res.body.message).toContain('quá hạn');
      }
      // 4 minutes old is still fine: proven by the ticket it creates (counted out of the "nothing stored" check)
      const id = nextId('fresh-');
      await signed(event('user_send_text', new Date(now().getTime() - 4 * MINUTE), { sender: '990000000000003', message: { msg_id: id, text: 'Tin 4 phút trước' } })).expect(200);
      expect(await ticketOf(id)).toBeDefined();
      expect(await deliverDue()).toEqual(['sent']);
      before = { ...before, tickets: before.tickets + 1, sources: before.sources + 1, outbox: before.outbox + 1, events: before.events + 1 };
    });

    it('a correctly signed event of the wrong shape: 400', async () => {
      const res = await signed(event('user_send_text', now(), { message: { text: 'không có msg_id' } })).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, errors: [{ field: 'message.msg_id' }] });
      await signed(event('user_send_text', now(), { message: { msg_id: nextId('x-'), text: '   ' } })).expect(400);
      await signed({ timestamp: String(now().getTime()), message: { msg_id: 'x' } }).expect(400);
    });

    it('a body that is not JSON: 400', async () => {
      await post('{"event_name":"user_send_text",', 'mac=' + '0'.repeat(64)).expect(400);
    });
  });

  it('is not the Facebook channel: that one is off here (404)', async () => {
    await t.http().get('/webhooks/facebook').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'x', 'hub.challenge': '1' }).expect(404);
    await t.http().post('/webhooks/facebook').send({ object: 'page', entry: [] }).expect(404);
  });

  describe('OA access token', () => {
    const ACCESS_2 = 'OA_ACCESS_TOKEN_2';
    const REFRESH_2 = 'OA_REFRESH_TOKEN_2';
    const ACCESS_3 = 'OA_ACCESS_TOKEN_3';
    const REFRESH_3 = 'OA_REFRESH_TOKEN_3';
    const valid = new Set([ACCESS_1]);

    beforeEach(() => {
      api.handler = (r) =>
        valid.has(String(r.headers.access_token)) ? ZALO_OK : { status: 200, json: { error: -216, message: 'Access token is invalid' } };
    });

    const newTicket = async () => {
      const id = nextId('ztok-');
      await signed(event('user_send_text', now(), { sender: nextId('88'), message: { msg_id: id, text: 'Nước sinh hoạt bị đục' } })).expect(200);
      return (await ticketOf(id))!;
    };

    it('when Zalo says the token is invalid: refreshes it, stores the new refresh token first, then sends with the new access token', async () => {
      valid.delete(ACCESS_1);
      valid.add(ACCESS_2);
      let storedWhenUsed: unknown = null;
      api.handler = async (r) => {
        if (r.headers.access_token === ACCESS_2) {
          storedWhenUsed = await t.ds.query(`SELECT access_token, refresh_token FROM channel_tokens WHERE channel = 'zalo'`);
          return ZALO_OK;
        }
        return { status: 200, json: { error: -216, message: 'Access token is invalid' } };
      };
      oauth.handler = () => ({ status: 200, json: { access_token: ACCESS_2, refresh_token: REFRESH_2, expires_in: '90000' } });
      const ticket = await newTicket();

      expect(await deliverTicket(ticket.id)).toEqual(['sent']);

      expect(oauth.requests).toHaveLength(1);
      const [refresh] = oauth.requests;
      expect({ method: refresh.method, path: refresh.path, query: refresh.query }).toEqual({ method: 'POST', path: '/v4/oa/access_token', query: {} });
      expect(appHeaders(refresh.headers)).toEqual({ 'content-type': 'application/x-www-form-urlencoded', secret_key: APP_SECRET });
      expect(Object.fromEntries(new URLSearchParams(refresh.body))).toEqual({ grant_type: 'refresh_token', refresh_token: REFRESH_1, app_id: APP_ID });
      expect([...new URLSearchParams(refresh.body).keys()].sort()).toEqual(['app_id', 'grant_type', 'refresh_token']);

      expect(api.requests.map((r) => r.headers.access_token)).toEqual([ACCESS_1, ACCESS_2]);
      expect(api.requests[0].body).toBe(api.requests[1].body);
      expect(JSON.parse(api.requests[1].body).message.text).toContain(ticket.code);
      expect(storedWhenUsed).toEqual([{ access_token: ACCESS_2, refresh_token: REFRESH_2 }]);
      const [tok] = await t.ds.query(`SELECT access_token, refresh_token, expires_at FROM channel_tokens WHERE channel = 'zalo'`);
      expect(tok).toEqual({ access_token: ACCESS_2, refresh_token: REFRESH_2, expires_at: new Date(now().getTime() + 90000_000) });
    });

    it('uses the stored token for the next message, without refreshing again', async () => {
      expect(await deliverTicket((await newTicket()).id)).toEqual(['sent']);
      expect(oauth.requests).toHaveLength(0);
      expect(api.requests.map((r) => r.headers.access_token)).toEqual([ACCESS_2]);
    });

    it('when the refresh is refused: keeps the stored tokens and retries the message later', async () => {
      valid.clear();
      oauth.handler = () => ({ status: 200, json: { error: -14014, error_name: 'Invalid parameter', error_reason: 'Invalid refresh token', error_description: 'Refresh token is invalid' } });
      const ticket = await newTicket();
      expect(await deliverTicket(ticket.id)).toEqual(['retry']);
      expect(oauth.requests).toHaveLength(1);
      expect(Object.fromEntries(new URLSearchParams(oauth.requests[0].body)).refresh_token).toBe(REFRESH_2);
      const [row] = await outboxOf(ticket.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.last_error).toContain('Refresh token is invalid');
      expect(await t.ds.query(`SELECT access_token, refresh_token FROM channel_tokens WHERE channel = 'zalo'`)).toEqual([{ access_token: ACCESS_2, refresh_token: REFRESH_2 }]);
      // Zalo works again: the retry after the back-off goes through with the stored token
      valid.add(ACCESS_2);
      t.clock.advance(MINUTE);
      api.clear();
      oauth.clear();
      expect(await deliverTicket(ticket.id)).toEqual(['sent']);
      expect(oauth.requests).toHaveLength(0);
      expect(api.requests.map((r) => r.headers.access_token)).toEqual([ACCESS_2]);
    });

    it('refreshes before sending once the stored token has expired', async () => {
      valid.clear();
      valid.add(ACCESS_3);
      oauth.handler = () => ({ status: 200, json: { access_token: ACCESS_3, refresh_token: REFRESH_3, expires_in: 90000 } });
      t.clock.advance(90000_000); // 25 hours: the token of the first refresh has expired
      expect(await deliverTicket((await newTicket()).id)).toEqual(['sent']);
      expect(oauth.requests.map((r) => Object.fromEntries(new URLSearchParams(r.body)).refresh_token)).toEqual([REFRESH_2]);
      expect(api.requests.map((r) => r.headers.access_token)).toEqual([ACCESS_3]);
      expect(await t.ds.query(`SELECT access_token, refresh_token FROM channel_tokens WHERE channel = 'zalo'`)).toEqual([{ access_token: ACCESS_3, refresh_token: REFRESH_3 }]);
    });

    it('refreshes once when several deliveries find the token invalid at the same time', async () => {
      valid.clear();
      valid.add('OA_ACCESS_TOKEN_4');
      oauth.handler = async (r) => {
        await new Promise((done) => setTimeout(done, 300)); // the other delivery meets -216 meanwhile
        return Object.fromEntries(new URLSearchParams(r.body)).refresh_token === REFRESH_3
          ? { status: 200, json: { access_token: 'OA_ACCESS_TOKEN_4', refresh_token: 'OA_REFRESH_TOKEN_4', expires_in: '90000' } }
          : { status: 200, json: { error: -14014, error_description: 'Refresh token is invalid' } };
      };
      const [a, b] = [await newTicket(), await newTicket()];
      const [ra, rb] = await Promise.all([deliverTicket(a.id), deliverTicket(b.id)]);
      expect([...ra, ...rb]).toEqual(['sent', 'sent']);
      expect(oauth.requests).toHaveLength(1);
      expect(api.requests.map((r) => r.headers.access_token).sort()).toEqual([ACCESS_3, ACCESS_3, 'OA_ACCESS_TOKEN_4', 'OA_ACCESS_TOKEN_4']);
      expect(await t.ds.query(`SELECT refresh_token FROM channel_tokens WHERE channel = 'zalo'`)).toEqual([{ refresh_token: 'OA_REFRESH_TOKEN_4' }]);
    });
  });

  it('a reply Zalo keeps refusing ends failed after OUTBOX_MAX_ATTEMPTS, is listed for admins and can be retried', async () => {
    const refusal = { status: 200, json: { error: -213, message: 'User has not interacted with the OA in the past 7 days' } };
    api.handler = () => refusal;
    const id = nextId('zfail-');
    await signed(event('user_send_text', now(), { sender: '660000000000001', message: { msg_id: id, text: 'Cần hỗ trợ gấp' } })).expect(200);
    const ticket = (await ticketOf(id))!;
    const [{ id: rowId }] = await outboxOf(ticket.id);

    const delivery = t.app.get(DeliveryService);
    expect(await delivery.deliver(rowId)).toBe('retry');
    expect(await delivery.deliver(rowId)).toBe('skipped'); // not due before the back-off
    t.clock.advance(15_000);
    expect(await delivery.deliver(rowId)).toBe('retry');
    t.clock.advance(30_000);
    expect(await delivery.deliver(rowId)).toBe('retry');
    expect(api.requests).toHaveLength(3);
    const [row] = await outboxOf(ticket.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row.last_error).toContain('User has not interacted with the OA');
    t.clock.advance(3600_000);
    expect(await delivery.deliver(rowId)).toBe('skipped');

    // tokens taken now: the clock of this app has moved past the lifetime of those of beforeAll
    const [op, admin] = await tokensFor(t, ['operator', 'admin']);
    await t.http().get('/api/outbox').query({ status: 'failed' }).set(bearer(op)).expect(403);
    const listed = await t.http().get('/api/outbox').query({ status: 'failed' }).set(bearer(admin)).expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ id: rowId, channel: 'zalo', status: 'failed', attempts: 3, summary: { to: '660000000000001' } })]);
    expect(listed.body[0].lastError).toBe('Zalo OA API refused the message: User has not interacted with the OA in the past 7 days (error -213)');

    api.handler = () => ZALO_OK;
    await t.http().post(`/api/outbox/${rowId}/retry`).set(bearer(admin)).expect(202, { id: rowId, status: 'pending' });
    expect(await delivery.deliver(rowId)).toBe('sent');
    expect(api.requests).toHaveLength(4);
    expect((await outboxOf(ticket.id))[0]).toMatchObject({ status: 'sent', attempts: 1 });
    expect((await t.http().get('/api/outbox').query({ status: 'failed' }).set(bearer(admin)).expect(200)).body).toEqual([]);
  });
});

describe('Zalo OA channel switched off (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // partly configured: the OA secret key is there, the app secret (needed for token refresh) is not
    t = await startTestApp({ env: { ZALO_APP_ID: APP_ID, ZALO_OA_SECRET_KEY: OA_KEY, ZALO_ACCESS_TOKEN: ACCESS_1, ZALO_REFRESH_TOKEN: REFRESH_1 } });
  });
  afterAll(() => t?.close());

  it('answers 404 to a correctly signed message and stores nothing', async () => {
    const raw = JSON.stringify(event('user_send_text', t.clock.now(), { message: { msg_id: 'off-1', text: 'Xin chào' } }));
    const res = await t.http().post('/webhooks/zalo').set('Content-Type', 'application/json').set('X-ZEvent-Signature', signZaloBody(Buffer.from(raw), APP_ID, OA_KEY)).send(raw).expect(404);
    expect(res.body).toMatchObject({ statusCode: 404 });
    const unknown = await t.http().post('/webhooks/no-such-channel').send({}).expect(404);
    expect(res.body).toEqual(unknown.body);
    expect(await t.ds.query(`SELECT (SELECT count(*) FROM tickets)::int AS t, (SELECT count(*) FROM ticket_sources)::int AS s`)).toEqual([{ t: 0, s: 0 }]);
  });
});

describe('Zalo OA channel with the queue workers running (e2e)', () => {
  let t: TestApp;
  let api: FakePlatform;
  beforeAll(async () => {
    api = await new FakePlatform().start();
    api.handler = () => ZALO_OK;
    t = await startTestApp({
      env: {
        ZALO_APP_ID: APP_ID, ZALO_APP_SECRET: APP_SECRET, ZALO_OA_SECRET_KEY: OA_KEY, ZALO_ACCESS_TOKEN: ACCESS_1, ZALO_REFRESH_TOKEN: REFRESH_1,
        ZALO_API_URL: api.url, WORKERS_ENABLED: 'true',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await api?.stop();
  });

  it('delivers the acknowledgement through the outbox relay and the Bull worker, once', async () => {
    const raw = JSON.stringify(event('user_send_text', t.clock.now(), { sender: '5500000000001', message: { msg_id: 'queue-1', text: 'Rác thải tồn đọng ở chợ Cái Sơn' } }));
    await t.http().post('/webhooks/zalo').set('Content-Type', 'application/json').set('X-ZEvent-Signature', signZaloBody(Buffer.from(raw), APP_ID, OA_KEY)).send(raw).expect(200, { status: 'created' });
    const deadline = Date.now() + 15_000;
    while (api.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(api.requests).toHaveLength(1);
    const [{ code }] = await t.ds.query(`SELECT t.code FROM tickets t JOIN ticket_sources s ON s.ticket_id = t.id WHERE s.external_id = 'queue-1'`);
    expect(JSON.parse(api.requests[0].body).message.text).toContain(code);
    // a few more relay rounds send nothing more
    await new Promise((r) => setTimeout(r, 800));
    expect(api.requests).toHaveLength(1);
    expect(await t.ds.query(`SELECT status, attempts FROM outbox_messages WHERE channel = 'zalo'`)).toEqual([{ status: 'sent', attempts: 1 }]);
  });
});
