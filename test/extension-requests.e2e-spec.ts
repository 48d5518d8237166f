import type { Browser, Page } from 'playwright-core';
import { DeliveryService } from '../src/notifications/delivery.service.js';
import { OverdueService } from '../src/sla/overdue.service.js';
import { launchChromium } from './support/browser.js';
import { checkPage, OFFICE_SCREEN } from './support/pages.js';
import { zaloPeers, zaloText, ZALO } from './support/zalo.js';
import { bearer, listen, sessionCookie, startTestApp, TEST_PASSWORD, tokensFor, type TestApp } from './support/test-app.js';

/**
 * Extension requests (issue #14 §3): the handling unit asks for a new deadline with a reason; a coordinator approves
 * it (the deadline moves and the citizen is told the new date on their channel, here Zalo through a local stand-in
 * for the OA message API) or declines it with a reason the unit reads. While a request waits, the deadline in force
 * is the old one: the overdue sweep flags the ticket as if nothing had been asked. Pending requests are a view of the
 * coordinators' queue. Over HTTP for the rules, then in Chromium with the keyboard for the two people's pages.
 */

const CITIZEN = ZALO.citizen;
const MON_0900 = '2026-03-02T09:00:00+07:00';
/** What the unit asks for, and how the citizen reads it. */
const ASKED = '2026-03-03T16:00:00+07:00';
const ASKED_VI = '16:00 03/03/2026';

describe('extension requests (e2e)', () => {
  let t: TestApp;
  let zalo: Awaited<ReturnType<typeof zaloPeers>>;
  let admin: string;
  let coord: string;
  let op: string;
  let staff: string;
  let otherStaff: string;
  const users = { unit: 'canbo.giahan', coord: 'dieuphoi.giahan' };
  const tk = { zalo: '', zaloId: '', mail: '', browser: '' };

  const post = (token: string, path: string, body: Record<string, unknown> = {}) => t.http().post(path).set(bearer(token)).send(body);
  const ticket = async (code: string) => (await t.http().get(`/api/tickets/${code}`).set(bearer(coord)).expect(200)).body;
  const requests = async (code: string, token = coord) => (await t.http().get(`/api/tickets/${code}/extension-requests`).set(bearer(token)).expect(200)).body;
  const events = async (code: string): Promise<string[]> =>
    (await t.ds.query(`SELECT e.type FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.code = $1 ORDER BY e.at, e.id`, [code])).map((r: { type: string }) => r.type);
  const outboxOf = (ticketId: string) =>
    t.ds.query(`SELECT id, channel, status, payload, dedupe_key FROM outbox_messages WHERE ticket_id = $1 AND dedupe_key LIKE 'extended:%' ORDER BY created_at`, [ticketId]);

  /** Signs in over HTTP: the session cookie (support/test-app.ts). */
  const login = (username: string) => sessionCookie(t, username);

  async function hotline(body: Record<string, unknown>): Promise<string> {
    const res = await post(op, '/api/tickets', { channel: 'hotline', reporterName: 'Trần Thị Ba', reporterPhone: '0987654321', areaCode: '29401', categoryCode: 'AN-SINH', ...body });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.code;
  }

  beforeAll(async () => {
    zalo = await zaloPeers();
    t = await startTestApp({
      now: MON_0900,
      env: {
        ...zalo.env, TOKEN_TTL_HOURS: '720',
      },
    });
    [admin, coord, op, staff, otherStaff] = await tokensFor(t, [
      'admin', ['coordinator', null, users.coord], 'operator',
      ['unit_staff', 'UB-29401', users.unit], ['unit_staff', 'UB-29404'],
    ]);
    // a category of 3 working hours: a ticket received Monday 09:00 is due Monday 14:00 (the lunch break skipped)
    await post(admin, '/api/categories', { code: 'HOI-DAP', name: 'Hỏi đáp nhanh', deadlineHours: 3 }).expect(201);

    // a citizen writes on Zalo; the coordinator sends it to the commune; the commune accepts it
    ({ code: tk.zalo, id: tk.zaloId } = await zaloText(t, 'zmsg-extension-1', 'Xin hỏi thủ tục nhận hỗ trợ cho lao động tự do ở xã Hòa Lợi.', Date.parse(MON_0900) - 2000));
    await post(coord, `/api/tickets/${tk.zalo}/assign`, { unitCode: 'UB-29401', categoryCode: 'HOI-DAP', areaCode: '29401' }).expect(200);
    await post(staff, `/api/tickets/${tk.zalo}/accept`).expect(200);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await zalo?.stop();
  });

  it('the handling unit asks for more time with a reason; another unit, a coordinator, a date not after the deadline and a second request are refused', async () => {
    const before = await ticket(tk.zalo);
    expect(before.dueAt).toBe(new Date('2026-03-02T14:00:00+07:00').toISOString());

    await post(otherStaff, `/api/tickets/${tk.zalo}/extension-requests`, { dueAt: ASKED, reason: 'Cần thêm thời gian.' }).expect(404);
    const byCoord = await post(coord, `/api/tickets/${tk.zalo}/extension-requests`, { dueAt: ASKED, reason: 'Cần thêm thời gian.' });
    expect(byCoord.status).toBe(403);
    const early = await post(staff, `/api/tickets/${tk.zalo}/extension-requests`, { dueAt: '2026-03-02T13:00:00+07:00', reason: 'Cần thêm thời gian.' });
    expect(early.status).toBe(400);
    expect(early.body.errors).toEqual([{ field: 'dueAt', reason: 'phải sau hạn hiện tại (14:00 02/03/2026)' }]);
    const noReason = await post(staff, `/api/tickets/${tk.zalo}/extension-requests`, { dueAt: ASKED, reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    expect(await requests(tk.zalo)).toEqual([]);

    const asked = await post(staff, `/api/tickets/${tk.zalo}/extension-requests`, { dueAt: ASKED, reason: 'Cần xác minh với Phòng Lao động trước khi trả lời.', version: before.version });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ status: 'pending', requestedDueAt: new Date(ASKED).toISOString(), previousDueAt: before.dueAt, reason: 'Cần xác minh với Phòng Lao động trước khi trả lời.' });
    const again = await post(staff, `/api/tickets/${tk.zalo}/extension-requests`, { dueAt: '2026-03-04T16:00:00+07:00', reason: 'Lần nữa.' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('EXTENSION_PENDING');

    const after = await ticket(tk.zalo);
    expect(after.dueAt).toBe(before.dueAt); // asking moves nothing
    expect(after.version).toBeGreaterThan(before.version);
    expect((await events(tk.zalo)).at(-1)).toBe('extension_requested');
    // the unit reads its request too; a unit staff member cannot decide it
    expect(await requests(tk.zalo, staff)).toHaveLength(1);
    expect((await post(staff, `/api/tickets/${tk.zalo}/extension-requests/approve`)).status).toBe(403);
  });

  it('while the request waits, the deadline in force is the old one: the sweep flags the ticket late; the request is in the coordinators\' queue', async () => {
    t.clock.set('2026-03-02T14:01:00+07:00');
    expect(await t.app.get(OverdueService).sweepOverdue()).toBe(1);
    expect(await ticket(tk.zalo)).toMatchObject({ overdue: true });

    const cookie = await login(users.coord);
    const queue = await t.http().get('/dieu-phoi?xem=gia-han').set('Cookie', cookie).expect(200);
    expect(queue.text).toContain(`<a href="/tickets/${tk.zalo}#de-nghi-gia-han" class="tcode">${tk.zalo}</a>`);
    expect(queue.text).toContain(ASKED_VI);
    expect(queue.text).toContain('Cần xác minh với Phòng Lao động trước khi trả lời.');
    expect(queue.text).toMatch(/id="tab-extensions"[^>]*>Đề nghị gia hạn <span class="n">1<\/span>/);
  });

  it('approved: the deadline moves to the date asked, the ticket is no longer late, and the citizen is told the new date on Zalo', async () => {
    t.clock.set('2026-03-02T14:05:00+07:00');
    const res = await post(coord, `/api/tickets/${tk.zalo}/extension-requests/approve`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dueAt: new Date(ASKED).toISOString(), overdue: false, overdueAt: null });
    const [r] = await requests(tk.zalo);
    expect(r).toMatchObject({ status: 'approved', grantedDueAt: new Date(ASKED).toISOString(), decidedAt: new Date('2026-03-02T14:05:00+07:00').toISOString() });
    const [extended] = await t.ds.query(
      `SELECT e.data FROM ticket_events e WHERE e.ticket_id = $1 AND e.type = 'deadline_extended'`, [tk.zaloId]);
    expect(extended.data).toMatchObject({ requestId: r.id, dueAt: new Date(ASKED).toISOString() });

    const rows = await outboxOf(tk.zaloId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'zalo', status: 'pending' });
    zalo.api.clear();
    expect(await t.app.get(DeliveryService).deliver(rows[0].id)).toBe('sent');
    const sent = JSON.parse(zalo.api.requests[0].body);
    expect(sent.recipient).toEqual({ user_id: CITIZEN });
    expect(sent.message.text).toContain(`Phản ánh ${tk.zalo} của bạn được gia hạn thời gian xử lý đến ${ASKED_VI}.`);

    // nothing is pending any more: a second approval finds nothing to approve
    const twice = await post(coord, `/api/tickets/${tk.zalo}/extension-requests/approve`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('NO_PENDING_EXTENSION');
  });

  it('declined with a reason: the deadline stays, the unit reads why, the citizen is told nothing, and the unit may ask again', async () => {
    tk.mail = await hotline({ reporterEmail: 'ba.tran@example.vn', content: 'Hỏi về chế độ hỗ trợ người lao động mất việc.' });
    await post(staff, `/api/tickets/${tk.mail}/accept`).expect(200);
    const before = await ticket(tk.mail);
    await post(staff, `/api/tickets/${tk.mail}/extension-requests`, { dueAt: '2026-03-10T16:00:00+07:00', reason: 'Chờ danh sách từ ấp.' }).expect(201);

    const bare = await post(coord, `/api/tickets/${tk.mail}/extension-requests/decline`, { reason: '' });
    expect(bare.status).toBe(400);
    expect(bare.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    const res = await post(coord, `/api/tickets/${tk.mail}/extension-requests/decline`, { reason: 'Hạn còn đủ; đề nghị trả lời người dân trong hạn.' });
    expect(res.status).toBe(200);
    expect(res.body.dueAt).toBe(before.dueAt);
    const [r] = await requests(tk.mail, staff);
    expect(r).toMatchObject({ status: 'declined', decisionNote: 'Hạn còn đủ; đề nghị trả lời người dân trong hạn.', grantedDueAt: null });
    expect((await events(tk.mail)).slice(-2)).toEqual(['extension_requested', 'extension_declined']);
    const [{ id }] = await t.ds.query(`SELECT id FROM tickets WHERE code = $1`, [tk.mail]);
    expect(await outboxOf(id)).toEqual([]);
    expect((await ticket(tk.mail)).dueAt).toBe(before.dueAt);

    await post(staff, `/api/tickets/${tk.mail}/extension-requests`, { dueAt: '2026-03-09T16:00:00+07:00', reason: 'Đã có danh sách, cần 1 ngày để đối chiếu.' }).expect(201);
    expect((await requests(tk.mail)).map((x: { status: string }) => x.status)).toEqual(['pending', 'declined']);
  });

  describe('in the browser, with the keyboard', () => {
    let browser: Browser;
    let base: string;
    const focused = async (p: Page) => (await p.evaluate("(() => { const e = document.activeElement; return e ? (e.id || e.getAttribute('href') || e.tagName) : ''; })()")) as string;
    async function tabTo(p: Page, target: string): Promise<void> {
      for (let i = 0; i < 200; i++) {
        if (await focused(p) === target) return;
        await p.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${target}`);
    }
    async function signIn(username: string): Promise<Page> {
      const context = await browser.newContext({ viewport: OFFICE_SCREEN, locale: 'vi-VN' });
      const p = await context.newPage();
      await p.goto(`${base}/dang-nhap`);
      await tabTo(p, 'username');
      await p.keyboard.type(username);
      await p.keyboard.press('Tab');
      await p.keyboard.type(TEST_PASSWORD);
      await Promise.all([p.waitForURL((u) => u.pathname !== '/dang-nhap'), p.keyboard.press('Enter')]);
      return p;
    }

    beforeAll(async () => {
      base = await listen(t);
      browser = await launchChromium();
      t.clock.set('2026-03-03T08:00:00+07:00');
      tk.browser = await hotline({ content: 'Đề nghị hướng dẫn thủ tục cấp lại sổ hộ nghèo bị mất.' });
      await post(staff, `/api/tickets/${tk.browser}/accept`).expect(200);
    }, 60_000);
    afterAll(() => browser?.close());

    it('the unit asks on the ticket page; the coordinator finds it in the queue and approves it with the date asked', async () => {
      const unit = await signIn(users.unit);
      await unit.goto(`${base}/tickets/${tk.browser}`);
      // the form starts from the deadline in force; the unit types the date it needs and why
      await tabTo(unit, 'request_extension-dueDate');
      await unit.keyboard.press('Control+A');
      await unit.keyboard.type('12/03/2026');
      await unit.keyboard.press('Tab');
      await unit.keyboard.press('Control+A');
      await unit.keyboard.type('15:30');
      await unit.keyboard.press('Tab');
      await unit.keyboard.type('Phải chờ Công an xã xác nhận nhân khẩu.');
      await unit.keyboard.press('Tab');
      await Promise.all([unit.waitForURL((u) => u.search === '?da=request_extension'), unit.keyboard.press('Enter')]);
      expect(await unit.locator('#thong-bao').innerText()).toBe('Đã gửi đề nghị gia hạn; điều phối viên sẽ xem xét.');
      expect(await unit.locator('#de-nghi-gia-han h3').innerText()).toBe('Đề nghị gia hạn: Đang chờ điều phối viên xem xét');
      expect(await unit.locator('#han-de-nghi').innerText()).toBe('15:30 12/03/2026');
      expect(await unit.locator('#form-request_extension').count()).toBe(0);
      expect(await checkPage(unit, 'extension-request-unit')).toEqual([]);

      const desk = await signIn(users.coord);
      await desk.goto(`${base}/dieu-phoi?xem=gia-han`);
      expect(await desk.locator(`#hang-${tk.browser}`).innerText()).toContain('Phải chờ Công an xã xác nhận nhân khẩu.');
      expect(await checkPage(desk, 'extension-queue')).toEqual([]);
      const href = `/tickets/${tk.browser}#de-nghi-gia-han`;
      await tabTo(desk, href);
      await Promise.all([desk.waitForURL(`${base}${href}`), desk.keyboard.press('Enter')]);
      // the approval form holds the date asked; the coordinator approves it as it is
      expect(await desk.locator('#approve_extension-dueDate').inputValue()).toBe('12/03/2026');
      expect(await desk.locator('#approve_extension-dueTime').inputValue()).toBe('15:30');
      expect(await checkPage(desk, 'extension-decide')).toEqual([]);
      await tabTo(desk, 'approve_extension-note');
      await desk.keyboard.press('Tab');
      await Promise.all([desk.waitForURL((u) => u.search === '?da=approve_extension'), desk.keyboard.press('Enter')]);
      expect(await desk.locator('#de-nghi-gia-han h3').innerText()).toBe('Đề nghị gia hạn: Đã được chấp thuận');
      expect(await desk.locator('#han-xu-ly').innerText()).toContain('15:30 12/03/2026');
      expect((await ticket(tk.browser)).dueAt).toBe(new Date('2026-03-12T15:30:00+07:00').toISOString());
      await unit.context().close();
      await desk.context().close();
    }, 90_000);
  });
});
