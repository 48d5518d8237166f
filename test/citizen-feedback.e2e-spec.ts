import type { Browser } from 'playwright-core';
import { DeliveryService } from '../src/notifications/delivery.service.js';
import { launchChromium } from './support/browser.js';
import { checkPage, PHONE_SCREEN } from './support/pages.js';
import { zaloPeers, zaloText, ZALO } from './support/zalo.js';
import { bearer, listen, sessionCookie, startTestApp, tokensFor, type TestApp } from './support/test-app.js';

/**
 * Satisfaction and "not settled" (issue #14 §2): when a ticket is resolved, its citizen is asked on the channel it came
 * from (here Zalo, through a local stand-in for the OA message API) whether the answer settled it and to rate it,
 * through a signed link; one answer per ticket, a repeated or late one changes nothing; "not settled" with a reason
 * puts the ticket in the coordinators' queue, where a coordinator reopens it or closes it with an explanation sent to
 * the citizen. For a hotline ticket the tracking page offers the link and an operator can record the answer from a
 * call back.
 */

const CITIZEN = ZALO.citizen;
const RESOLUTION = 'UBND xã đã lắp lại bóng đèn đường tại ấp Cây Gòn ngày 03/03/2026.';

describe('citizen feedback on answers (e2e)', () => {
  let t: TestApp;
  let zalo: Awaited<ReturnType<typeof zaloPeers>>;
  let coord: string;
  let op: string;
  let staff: string;
  const users = { coord: 'dieuphoi.danhgia' };
  const tk = { zalo: '', zaloId: '', link: '' };

  const post = (token: string, path: string, body: Record<string, unknown> = {}) => t.http().post(path).set(bearer(token)).send(body);
  const ticket = async (code: string) => (await t.http().get(`/api/tickets/${code}`).set(bearer(coord)).expect(200)).body;
  const feedbackOf = async (code: string, token = coord) => (await t.http().get(`/api/tickets/${code}/feedback`).set(bearer(token)).expect(200)).body.feedback;
  const eventCount = async (id: string) => (await t.ds.query(`SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1`, [id]))[0].n as number;
  const outbox = (id: string, prefix: string) =>
    t.ds.query(`SELECT id, channel, payload FROM outbox_messages WHERE ticket_id = $1 AND dedupe_key LIKE $2 ORDER BY created_at`, [id, `${prefix}:%`]);
  /** The citizen's form as the browser posts it. */
  const answer = (link: string, form: Record<string, string>) => t.http().post(link).type('form').send(form);

  /** Signs in over HTTP: the session cookie (support/test-app.ts). */
  const login = (username: string) => sessionCookie(t, username);
  /** A hotline ticket of the commune, resolved by its staff. */
  async function resolvedHotline(content: string): Promise<{ code: string; id: string }> {
    const res = await post(op, '/api/tickets', { channel: 'hotline', reporterName: 'Lê Thị Năm', reporterPhone: '0912 000 111', areaCode: '29401', categoryCode: 'AN-SINH', content });
    expect(res.status).toBe(201);
    await post(staff, `/api/tickets/${res.body.code}/accept`).expect(200);
    await post(staff, `/api/tickets/${res.body.code}/resolve`, { resolution: 'Đã hướng dẫn bà Năm làm hồ sơ tại bộ phận một cửa.' }).expect(200);
    const [{ id }] = await t.ds.query(`SELECT id FROM tickets WHERE code = $1`, [res.body.code]);
    return { code: res.body.code, id };
  }

  beforeAll(async () => {
    zalo = await zaloPeers();
    t = await startTestApp({
      now: '2026-03-02T09:00:00+07:00',
      env: {
        ...zalo.env, TOKEN_TTL_HOURS: '720', PUBLIC_URL: 'https://1022.vinhlong.gov.vn',
      },
    });
    [coord, op, staff] = await tokensFor(t, [
      ['coordinator', null, users.coord], 'operator', ['unit_staff', 'UB-29401'],
    ]);
    ({ code: tk.zalo, id: tk.zaloId } = await zaloText(t, 'zmsg-feedback-1', 'Đèn đường ấp Cây Gòn, xã Hòa Lợi bị hỏng 3 ngày nay.', Date.parse('2026-03-02T09:00:00+07:00') - 2000));
    await post(coord, `/api/tickets/${tk.zalo}/assign`, { unitCode: 'UB-29401', categoryCode: 'AN-SINH', areaCode: '29401' }).expect(200);
    await post(staff, `/api/tickets/${tk.zalo}/accept`).expect(200);
    t.clock.set('2026-03-03T10:00:00+07:00');
    await post(staff, `/api/tickets/${tk.zalo}/resolve`, { resolution: RESOLUTION }).expect(200);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await zalo?.stop();
  });

  it('the answer on Zalo asks whether it settled the matter, with a signed link; a wrong key or code finds nothing', async () => {
    const [row] = await outbox(tk.zaloId, 'answer');
    expect(row.channel).toBe('zalo');
    zalo.api.clear();
    expect(await t.app.get(DeliveryService).deliver(row.id)).toBe('sent');
    const text: string = JSON.parse(zalo.api.requests[0].body).message.text;
    const m = new RegExp(`^Phản ánh ${tk.zalo} của bạn đã được UBND xã Hòa Lợi xử lý\\. Kết quả: ${RESOLUTION}\\n\\nViệc của bạn đã được giải quyết chưa\\? Mời bạn đánh giá kết quả \\(từ 1 đến 5 sao\\) tại: https://1022\\.vinhlong\\.gov\\.vn(/danh-gia/${tk.zalo}\\?k=[A-Za-z0-9_-]{24})$`).exec(text);
    expect(m).not.toBeNull();
    tk.link = m![1];

    const page = await t.http().get(tk.link).expect(200);
    expect(page.text).toContain(RESOLUTION);
    expect(page.text).toContain('Việc của bạn đã được giải quyết chưa?');
    const wrongKey = tk.link.replace(/k=.{4}/, 'k=AAAA');
    expect((await t.http().get(wrongKey)).status).toBe(404);
    expect((await answer(wrongKey, { settled: 'yes', rating: '5' })).status).toBe(404);
    expect((await t.http().get(`/danh-gia/PA-2222-2222?k=${tk.link.split('k=')[1]}`)).status).toBe(404);
    expect(await feedbackOf(tk.zalo)).toBeNull();
  });

  it('"not settled" needs a reason; with one, the ticket waits in the coordinators\' queue, with its event', async () => {
    const bare = await answer(tk.link, { settled: 'no', rating: '2', reason: '  ' });
    expect(bare.status).toBe(400);
    expect(bare.text).toContain('<p class="error" id="reason-error">Vui lòng cho biết vì sao việc của bạn chưa được giải quyết.</p>');
    const noRating = await answer(tk.link, { settled: 'no', reason: 'x' });
    expect(noRating.status).toBe(400);
    expect(noRating.text).toContain('id="rating-error"');
    expect(await feedbackOf(tk.zalo)).toBeNull();

    const events = await eventCount(tk.zaloId);
    const res = await answer(tk.link, { settled: 'no', rating: '2', reason: 'Đèn sáng được một đêm rồi lại tắt.' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Điều phối viên sẽ xem xét lại và trả lời bạn.');
    expect(await feedbackOf(tk.zalo)).toMatchObject({ settled: false, rating: 2, reason: 'Đèn sáng được một đêm rồi lại tắt.', via: 'citizen', followedUpAt: null });
    expect(await eventCount(tk.zaloId)).toBe(events + 1);
    const [e] = await t.ds.query(`SELECT type, data, note FROM ticket_events WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1`, [tk.zaloId]);
    expect(e).toEqual({ type: 'citizen_feedback', data: { settled: false, rating: 2, via: 'citizen' }, note: 'Đèn sáng được một đêm rồi lại tắt.' });

    const queue = await t.http().get('/dieu-phoi?xem=chua-hai-long').set('Cookie', await login(users.coord)).expect(200);
    expect(queue.text).toContain(`<a href="/tickets/${tk.zalo}#danh-gia-nguoi-dan" class="tcode">${tk.zalo}</a>`);
    expect(queue.text).toContain('Chưa được giải quyết · 2 sao');
  });

  it('a repeated answer changes nothing', async () => {
    const before = { feedback: await feedbackOf(tk.zalo), events: await eventCount(tk.zaloId), version: (await ticket(tk.zalo)).version };
    const res = await answer(tk.link, { settled: 'yes', rating: '5', reason: 'Nay đã ổn.' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Không ghi nhận thêm đánh giá');
    expect({ feedback: await feedbackOf(tk.zalo), events: await eventCount(tk.zaloId), version: (await ticket(tk.zalo)).version }).toEqual(before);
    const again = await t.http().get(tk.link).expect(200);
    expect(again.text).toContain('Bạn đã gửi đánh giá cho phản ánh này');
    expect(again.text).not.toContain('id="gui-danh-gia"');
  });

  it('the coordinator answers with an explanation: the ticket is closed and the citizen is told on Zalo; the queue is empty again', async () => {
    t.clock.set('2026-03-03T14:00:00+07:00');
    const empty = await post(coord, `/api/tickets/${tk.zalo}/explain-dispute`, { text: ' ' });
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([{ field: 'text', reason: 'vui lòng ghi nội dung giải thích gửi người dân' }]);
    expect((await post(staff, `/api/tickets/${tk.zalo}/explain-dispute`, { text: 'x' })).status).toBe(403);

    const explanation = 'Điện lực đã thay bộ điều khiển đèn ngày 03/03; nếu đèn còn tắt xin gọi 1022 để được hỗ trợ ngay.';
    await post(coord, `/api/tickets/${tk.zalo}/explain-dispute`, { text: explanation }).expect(200);
    expect(await ticket(tk.zalo)).toMatchObject({ status: 'closed' });
    expect(await feedbackOf(tk.zalo)).toMatchObject({ followUp: 'explained' });
    const [row] = await outbox(tk.zaloId, 'explained');
    zalo.api.clear();
    expect(await t.app.get(DeliveryService).deliver(row.id)).toBe('sent');
    expect(JSON.parse(zalo.api.requests[0].body)).toEqual({
      recipient: { user_id: CITIZEN }, message: { text: `Về ý kiến của bạn đối với kết quả xử lý phản ánh ${tk.zalo}: ${explanation}` },
    });
    const twice = await post(coord, `/api/tickets/${tk.zalo}/explain-dispute`, { text: explanation });
    expect(twice.status).toBe(409);
    const queue = await t.http().get('/dieu-phoi?xem=chua-hai-long').set('Cookie', await login(users.coord)).expect(200);
    expect(queue.text).toContain('Không có phản ánh nào người dân báo chưa được giải quyết.');
  });

  it('a hotline ticket: the tracking page offers the link; an operator records the answer from a call back, once; reopening follows up a "not settled"', async () => {
    const a = await resolvedHotline('Hỏi thủ tục nhận trợ cấp cho người cao tuổi.');
    const tracked = await t.http().post('/tra-cuu').type('form').send({ code: a.code, phone: '0912000111' }).expect(200);
    expect(tracked.text).toMatch(new RegExp(`<a href="/danh-gia/${a.code}\\?k=[A-Za-z0-9_-]{24}" id="danh-gia">`));

    const bad = await post(op, `/api/tickets/${a.code}/feedback`, { settled: 'maybe', rating: 9 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['settled', 'rating']);
    const rec = await post(op, `/api/tickets/${a.code}/feedback`, { settled: 'no', rating: 1, reason: 'Bà Năm nói xã chưa nhận hồ sơ.' });
    expect(rec.status).toBe(201);
    expect(rec.body).toMatchObject({ recorded: true, feedback: { settled: false, rating: 1, via: 'operator' } });
    const second = await post(op, `/api/tickets/${a.code}/feedback`, { settled: 'yes', rating: 5 });
    expect(second.body).toMatchObject({ recorded: false, feedback: { settled: false, rating: 1 } });

    await post(coord, `/api/tickets/${a.code}/reopen`, { reason: 'Người dân báo xã chưa nhận hồ sơ; đề nghị xã kiểm tra lại.' }).expect(200);
    expect(await feedbackOf(a.code)).toMatchObject({ followUp: 'reopened' });
    expect(await ticket(a.code)).toMatchObject({ status: 'assigned' });
  });

  it('in the browser on a phone, with the keyboard: the citizen says it is settled and gives 4 stars', async () => {
    const c = await resolvedHotline('Hỏi lịch tiêm chủng mở rộng tháng 3.');
    const tracked = await t.http().post('/tra-cuu').type('form').send({ code: c.code, phone: '0912000111' }).expect(200);
    const link = /<a href="([^"]+)" id="danh-gia">/.exec(tracked.text)![1].replace(/&amp;/g, '&');
    const base = await listen(t);
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await (await browser.newContext({ viewport: PHONE_SCREEN, locale: 'vi-VN' })).newPage();
      await page.goto(`${base}${link}`);
      expect(await checkPage(page, 'citizen-feedback')).toEqual([]);
      await page.focus('#settled-yes');
      await page.keyboard.press('Space');
      await page.keyboard.press('Tab'); // to the stars
      await page.keyboard.press('ArrowRight'); // 1 → 2
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight'); // 4 stars
      await page.keyboard.press('Tab');
      await page.keyboard.type('Cảm ơn xã đã hướng dẫn tận tình.');
      await page.keyboard.press('Tab');
      await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
      await page.waitForSelector('#thong-bao');
      expect(await page.locator('h1').innerText()).toBe('Cảm ơn bạn đã đánh giá');
      expect(await checkPage(page, 'citizen-feedback-done')).toEqual([]);
      expect(await feedbackOf(c.code)).toMatchObject({ settled: true, rating: 4, reason: 'Cảm ơn xã đã hướng dẫn tận tình.', via: 'citizen' });
    } finally {
      await browser?.close();
    }
  }, 90_000);

  it('a late answer changes nothing', async () => {
    const b = await resolvedHotline('Hỏi về bảo hiểm y tế cho trẻ em.');
    const tracked = await t.http().post('/tra-cuu').type('form').send({ code: b.code, phone: '0912000111' }).expect(200);
    const link = /<a href="([^"]+)" id="danh-gia">/.exec(tracked.text)![1].replace(/&amp;/g, '&');
    t.clock.set(new Date(t.clock.now().getTime() + 31 * 86_400_000).toISOString());
    const res = await answer(link, { settled: 'yes', rating: '4' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Đã quá 30 ngày kể từ khi có kết quả xử lý');
    // the staff's accounts of a month later
    const [coordLater, opLater] = await tokensFor(t, ['coordinator', 'operator']);
    expect(await feedbackOf(b.code, coordLater)).toBeNull();
    expect((await post(opLater, `/api/tickets/${b.code}/feedback`, { settled: 'yes', rating: 4 })).status).toBe(400);
  });
});
