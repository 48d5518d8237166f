import { get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CallAnnouncements } from '../src/intake/calls/call-announcements.js';
import { ConsoleFeed } from '../src/web/console/console-feed.js';
import { launchChromium } from './support/browser.js';
import { checkPage } from './support/pages.js';
import { bearer, listen, startTestApp, TEST_PASSWORD, type TestApp } from './support/test-app.js';

/**
 * The operator's console (/tong-dai) in real Chromium: a call logged with the keyboard alone and its code read back
 * in groups; a call announced by the telephone exchange shown without reload (from another instance of the
 * application, through Redis) with the caller's history, its ticket linked to the call; a form sent twice makes one
 * ticket; a duplicate shown before saving and the call added to it as a comment; a walk-in; a bad phone number.
 */

const BASE = '2026-03-02T09:00:00+07:00'; // a Monday, 09:00 in Viet Nam
const SECRET = 'tong-dai-1022-calls-secret';
const COOKIE = 'tongdai1022_phien';
const CODE = /PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}/;
const OPERATOR = 'tongdai.lan';
/** A browser test (with axe and screenshots) takes longer than Jest's default on a busy 2-core machine. */
const BROWSER_TEST_MS = 90_000;

describe('operator console (e2e, Chromium)', () => {
  let t: TestApp;
  let other: TestApp;
  let base: string;
  let browser: Browser;
  let api: string;

  beforeAll(async () => {
    t = await startTestApp({ now: BASE, env: { CALLS_SHARED_SECRET: SECRET } });
    // a second instance of the same deployment: the exchange may reach either
    other = await startTestApp({ alongside: t, clock: t.clock });
    api = await t.userToken('operator');
    await t.userToken('operator', null, OPERATOR);
    base = await listen(t);
    browser = await launchChromium();
  });
  let otherClosed = false;
  afterAll(async () => {
    await browser?.close();
    if (!otherClosed) await other?.close();
    await t?.close();
  });

  const announce = (app: TestApp, body: Record<string, unknown>) =>
    app.http().post('/api/calls').set('X-Calls-Secret', SECRET).send({ startedAt: '2026-03-02T09:05:00+07:00', ...body }).expect(200);
  const ticketRow = async (code: string) =>
    (await t.ds.query(`SELECT id, channel, reporter_name, reporter_phone, address, area_code, category_code, content, urgent, assigned_unit_code FROM tickets WHERE code = $1`, [code]))[0];
  const countWhere = async (content: string) =>
    (await t.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE content = $1`, [content]))[0].n as number;

  async function signedIn(javaScriptEnabled = true): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1366, height: 900 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await page.goto(`${base}/dang-nhap?next=/tong-dai`);
    await page.fill('#username', OPERATOR);
    await page.fill('#password', TEST_PASSWORD);
    await Promise.all([page.waitForURL(`${base}/tong-dai`), page.click('button[type=submit]')]);
    return { context, page };
  }
  /** GET /tong-dai/cuoc-goi on a listening instance, with the session cookie: the stream and the text received so far. */
  function stream(url: string, cookie: string): Promise<{ res: IncomingMessage; text: () => string; ended: Promise<void> }> {
    return new Promise((resolve, reject) => {
      get(`${url}/tong-dai/cuoc-goi`, { headers: { Cookie: cookie, Accept: 'text/event-stream' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        const ended = new Promise<void>((done) => res.on('end', done));
        resolve({ res, text: () => text, ended });
      }).on('error', reject);
    });
  }
  const until = async (what: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const groups = (page: Page) => page.locator('#ma-phan-anh .nhom').allTextContents();
  const codeOn = async (page: Page) => (await groups(page)).join('-');

  it('logs a call with the keyboard alone: Tab, "hoa loi" and Enter for the commune, Enter to save; the code is read back in groups', async () => {
    const { context, page } = await signedIn();
    try {
      expect(await checkPage(page, 'console')).toEqual([]);
      // the skip link, then the form in order
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.textContent')).toBe('Bỏ qua, đến nội dung chính');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.id')).toBe('channel-hotline');
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.id')).toBe('reporterPhone');
      await page.keyboard.type('0912 345 678');
      // the number's earlier tickets appear as it is typed (none yet)
      await page.waitForSelector('#lich-su-tong:text("Số này chưa có phản ánh nào.")');
      expect(await page.textContent('#tieu-de-lich-su')).toBe('Phản ánh trước đây của số 0912 345 678');
      await page.keyboard.press('Tab'); // "Xem phản ánh trước đây"
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.id')).toBe('reporterName');
      await page.keyboard.type('Lê Văn An');
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.id')).toBe('areaCode-tim');
      await page.keyboard.type('hoa loi');
      expect(await page.locator('[role=option]').allTextContents()).toEqual(['Xã Hòa Lợi — huyện Châu Thành']);
      await page.keyboard.press('Enter');
      expect(await page.inputValue('#areaCode-tim')).toBe('Xã Hòa Lợi — huyện Châu Thành');
      expect(page.url().split('#')[0]).toBe(`${base}/tong-dai`);
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.id')).toBe('address');
      await page.keyboard.type('Ấp Phú Hòa');
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.id')).toBe('categoryCode');
      await page.keyboard.type('H');
      expect(await page.inputValue('#categoryCode')).toBe('AN-SINH');
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.id')).toBe('content');
      await page.keyboard.type('Gia đình tôi chưa nhận được gói hỗ trợ lương thực tháng này.');
      await page.keyboard.press('Tab'); // urgent
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.id')).toBe('luu');
      await Promise.all([page.waitForURL(/\/tong-dai\/phan-anh\/PA-/), page.keyboard.press('Enter')]);

      const shown = await groups(page);
      expect(shown).toHaveLength(3);
      expect(shown[0]).toBe('PA');
      const code = shown.join('-');
      expect(code).toMatch(CODE);
      expect(await page.textContent('#cach-doc')).toContain('gạch ngang');
      expect(await ticketRow(code)).toMatchObject({
        channel: 'hotline', reporter_name: 'Lê Văn An', reporter_phone: '+84912345678', area_code: '29401', category_code: 'AN-SINH',
        address: 'Ấp Phú Hòa', urgent: false, assigned_unit_code: 'UB-29401',
      });
      expect((await page.textContent('#don-vi'))?.trim()).toBe('UBND xã Hòa Lợi');
      expect(await page.textContent('#han-xu-ly')).toMatch(/\d\d:\d\d \d\d\/\d\d\/2026/);
      expect(await checkPage(page, 'console-saved')).toEqual([]);
    } finally {
      await context.close();
    }
  }, BROWSER_TEST_MS);

  it('shows a call the exchange announces (to another instance) without reload, with the number and the caller\'s history; its ticket is linked to the call', async () => {
    const earlier = (await t.http().post('/api/tickets').set(bearer(api)).send({
      channel: 'hotline', reporterName: 'Trần Thị Mai', reporterPhone: '0987 654 321', areaCode: '29401', categoryCode: 'AN-SINH',
      content: 'Đường vào ấp Phú Hòa bị ngập, xe không vào được.',
    }).expect(201)).body.code as string;
    const { context, page } = await signedIn();
    try {
      await page.evaluate('window.notReloaded = true');
      // a call for another operator is not this console's; one for this operator comes through the other instance
      await announce(other, { callId: 'c-khac', callerNumber: '0356789012', operator: 'nguoi.khac' });
      await announce(other, { callId: 'c-mai', callerNumber: '84987654321', operator: OPERATOR });
      await page.waitForSelector('#ds-cuoc-goi li[data-call="c-mai"]');
      expect(await page.locator('#ds-cuoc-goi li').allTextContents()).toEqual([expect.stringContaining('0987 654 321')]);
      expect(await page.inputValue('#reporterPhone')).toBe('0987654321');
      expect(await page.getAttribute('#reporterPhone', 'readonly')).not.toBeNull();
      expect(await page.inputValue('#callId')).toBe('c-mai');
      expect(await page.textContent('#cuoc-goi-den')).toContain('0987 654 321');
      await page.waitForSelector(`#ds-lich-su a:text("${earlier}")`);
      expect(await page.textContent('#ds-lich-su')).toContain('Đã chuyển đơn vị xử lý');
      expect(await page.evaluate('window.notReloaded')).toBe(true);
      expect(await checkPage(page, 'console-call')).toEqual([]);

      await page.fill('#reporterName', 'Trần Thị Mai');
      await page.fill('#content', 'Xin hỏi khi nào có xe bơm nước về ấp Phú Hòa.');
      await Promise.all([page.waitForURL(/\/tong-dai\/phan-anh\/PA-/), page.click('#luu')]);
      const code = await codeOn(page);
      expect(await page.textContent('#kenh')).toContain('cuộc gọi từ số 0987 654 321');
      const row = await ticketRow(code);
      expect(row).toMatchObject({ channel: 'hotline', reporter_phone: '+84987654321', reporter_name: 'Trần Thị Mai' });
      expect(await t.ds.query(`SELECT ticket_id, operator FROM calls WHERE call_id = 'c-mai'`)).toEqual([{ ticket_id: row.id, operator: OPERATOR }]);
    } finally {
      await context.close();
    }
  }, BROWSER_TEST_MS);

  describe('over HTTP with the session cookie', () => {
    let cookie: string;
    beforeAll(async () => {
      const res = await t.http().post('/dang-nhap').type('form').send({ username: OPERATOR, password: TEST_PASSWORD }).expect(303);
      cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${COOKIE}=`))!.split(';')[0];
    });
    const rendered = async (path = '/tong-dai') => {
      const html = (await t.http().get(path).set('Cookie', cookie).expect(200)).text;
      const value = (name: string) => new RegExp(`name="${name}"(?: id="[^"]*")? value="([^"]*)"`).exec(html)?.[1] ?? '';
      return { html, csrf: value('_csrf'), key: value('idempotencyKey'), callId: value('callId') };
    };
    const send = (fields: Record<string, string>) => t.http().post('/tong-dai').set('Cookie', cookie).type('form').send(fields);

    it('makes one ticket of a form sent twice, at once or again later, and shows the same confirmation', async () => {
      const { csrf, key } = await rendered();
      expect(key).toMatch(/^[A-Za-z0-9_-]{8,128}$/);
      const content = 'Trạm y tế xã đóng cửa giờ hành chính (gửi hai lần).';
      const fields = { _csrf: csrf, idempotencyKey: key, channel: 'hotline', reporterPhone: '0912.111.222', reporterName: 'Phạm Văn Bình', areaCode: '29401', categoryCode: 'Y-TE', content, buoc: 'luu' };
      const [a, b] = await Promise.all([send(fields), send(fields)]);
      const later = await send(fields);
      for (const r of [a, b, later]) expect(r.status).toBe(303);
      expect(b.headers.location).toBe(a.headers.location);
      expect(later.headers.location).toBe(a.headers.location);
      expect(await countWhere(content)).toBe(1);
      // another rendering of the form is another ticket
      const again = await rendered();
      expect(again.key).not.toBe(key);
      expect((await send({ ...fields, _csrf: again.csrf, idempotencyKey: again.key })).status).toBe(303);
      expect(await countWhere(content)).toBe(2);
    });

    it('makes one ticket of an announced call\'s form sent twice, linked to the call', async () => {
      await announce(t, { callId: 'c-hai-lan', callerNumber: '0911 222 333' });
      const { csrf, key, callId, html } = await rendered('/tong-dai?cuoc-goi=c-hai-lan');
      expect(callId).toBe('c-hai-lan');
      expect(html).toContain('value="0911222333"');
      const content = 'Cuộc gọi gửi hai lần: chưa nhận được tiền hỗ trợ.';
      const fields = { _csrf: csrf, idempotencyKey: key, callId, channel: 'hotline', reporterName: 'Võ Văn Cường', content, buoc: 'luu' };
      const [a, b] = await Promise.all([send(fields), send(fields)]);
      const later = await send(fields);
      expect([a.status, b.status, later.status]).toEqual([303, 303, 303]);
      expect(b.headers.location).toBe(a.headers.location);
      expect(later.headers.location).toBe(a.headers.location);
      expect(await countWhere(content)).toBe(1);
      // another rendering of the form for the same call: the call has its ticket, nothing is written
      const other = await rendered();
      const refused = await send({ ...fields, _csrf: other.csrf, idempotencyKey: other.key, content: `${content} (lần khác)` });
      expect(refused.status).toBe(409);
      expect(refused.text).toContain('đã có phản ánh');
      expect(refused.text).toContain('name="callId" id="callId" value=""');
      expect(await countWhere(`${content} (lần khác)`)).toBe(0);
      const code = CODE.exec(a.headers.location)![0];
      const row = await ticketRow(code);
      expect(row.reporter_phone).toBe('+84911222333');
      expect((await t.ds.query(`SELECT ticket_id FROM calls WHERE call_id = 'c-hai-lan'`))[0].ticket_id).toBe(row.id);
    });

    it('refuses a bad phone number with the reason next to the field, keeps the values and writes nothing', async () => {
      const { csrf, key } = await rendered();
      const content = 'Số điện thoại sai: không được lưu.';
      const res = await send({ _csrf: csrf, idempotencyKey: key, channel: 'hotline', reporterPhone: '0912 34', reporterName: 'Ngô Thị Dung', content, buoc: 'luu' });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/<p class="error" id="reporterPhone-error">Số điện thoại không hợp lệ\./);
      expect(res.text).toContain('aria-invalid="true" aria-describedby="reporterPhone-error"');
      expect(res.text).toContain('value="Ngô Thị Dung"');
      expect(res.text).toContain(`>${content}</textarea>`);
      expect(res.text).toContain(`value="${key}"`);
      expect(await countWhere(content)).toBe(0);
      // and nothing without a name or a content either
      const empty = await send({ _csrf: csrf, idempotencyKey: key, channel: 'hotline', reporterName: '', content: '  ', buoc: 'luu' });
      expect(empty.status).toBe(400);
      expect(empty.text).toContain('id="reporterName-error">Vui lòng nhập họ tên người phản ánh');
      expect(empty.text).toContain('id="content-error">Vui lòng nhập nội dung phản ánh.');
    });

    it('streams the calls for this operator or for anyone as server-sent events, and says when a call got its ticket', async () => {
      const s = await stream(base, cookie);
      try {
        expect(s.res.statusCode).toBe(200);
        expect(s.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        await until(() => s.text().includes('retry:'));
        await announce(other, { callId: 'c-luong-khac', callerNumber: '0356789000', operator: 'nguoi.khac' });
        await announce(other, { callId: 'c-luong', callerNumber: '0356 789 001' });
        await until(() => s.text().includes('"callId":"c-luong"'));
        expect(s.text()).not.toContain('c-luong-khac');
        const event = /event: call\ndata: (.*"callId":"c-luong".*)\n\n/.exec(s.text())![1];
        expect(JSON.parse(event)).toEqual({
          callId: 'c-luong', callerNumber: '0356789001', callerDisplay: '0356 789 001', startedAt: '2026-03-02T02:05:00.000Z', operator: null, ticketCode: null,
        });
        const created = await t.http().post('/api/calls/c-luong/ticket').set(bearer(api)).send({ reporterName: 'Người dân', content: 'Hỏi về thủ tục.' }).expect(201);
        await until(() => s.text().includes(`"ticketCode":"${created.body.code}"`));
      } finally {
        s.res.destroy();
      }
      // a console that goes away leaves nothing behind
      const open = () => (t.app.get(ConsoleFeed) as unknown as { streams: Set<unknown> }).streams.size
        + (t.app.get(CallAnnouncements) as unknown as { listeners: Set<unknown> }).listeners.size;
      await until(() => open() === 0);
    });

    it('answers the caller\'s history as JSON for the console\'s script, and refuses other roles', async () => {
      const res = await t.http().get('/tong-dai/lich-su').query({ so: '+84 912 345 678' }).set('Cookie', cookie).expect(200);
      expect(res.body.phone).toBe('0912 345 678');
      expect(res.body.items.length).toBeGreaterThan(0);
      await t.http().get('/tong-dai/lich-su').query({ so: '0912' }).set('Cookie', cookie).expect(400);
      await t.userToken('unit_staff', 'UB-29401', 'canbo.hoaloi');
      const staff = await t.http().post('/dang-nhap').type('form').send({ username: 'canbo.hoaloi', password: TEST_PASSWORD }).expect(303);
      const staffCookie = (staff.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${COOKIE}=`))!.split(';')[0];
      expect((await t.http().get('/tong-dai').set('Cookie', staffCookie)).status).toBe(403);
      expect((await t.http().get('/tong-dai/lich-su').query({ so: '0912345678' }).set('Cookie', staffCookie)).status).toBe(403);
    });
  });

  it('shows a likely duplicate before saving; "add to it" writes a comment on that ticket instead of a new one', async () => {
    const existing = (await t.http().post('/api/tickets').set(bearer(api)).send({
      channel: 'web', reporterName: 'Đặng Văn Em', reporterPhone: '0933 444 555', areaCode: '29401', categoryCode: 'AN-SINH',
      content: 'Đèn đường ấp Phú Hòa xã Hòa Lợi bị hỏng nhiều ngày chưa sửa.',
    }).expect(201)).body.code as string;
    const { context, page } = await signedIn();
    try {
      await page.fill('#reporterPhone', '0944 555 666');
      await page.fill('#reporterName', 'Lý Thị Phương');
      await page.fill('#areaCode-tim', 'hoa loi');
      await page.keyboard.press('Enter');
      await page.selectOption('#categoryCode', 'AN-SINH');
      const content = 'Đèn đường ấp Phú Hòa xã Hòa Lợi bị hỏng, nhiều ngày chưa sửa.';
      await page.fill('#content', content);
      await page.click('#kiem-tra');
      await page.waitForSelector(`#ds-trung a:text("${existing}")`);
      expect(await page.textContent('#ds-trung')).toContain('Cùng địa bàn và lĩnh vực');
      expect(await checkPage(page, 'console-duplicates')).toEqual([]);
      const before = await t.ds.query(`SELECT count(*)::int AS n FROM tickets`);
      await Promise.all([page.waitForURL(/\/tong-dai\/phan-anh\/PA-.*da=them/), page.click(`#ds-trung button[value="${existing}"]`)]);
      expect(await codeOn(page)).toBe(existing);
      expect(await page.textContent('#thong-bao')).toContain('Đã thêm nội dung cuộc gọi vào phản ánh đã có.');
      expect(await t.ds.query(`SELECT count(*)::int AS n FROM tickets`)).toEqual(before);
      expect(await countWhere(content)).toBe(0);
      const [comment] = await t.ds.query(
        `SELECT e.type, e.note, e.internal FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.code = $1 AND e.type = 'comment'`, [existing]);
      expect(comment).toEqual({ type: 'comment', internal: true, note: `Người phản ánh gọi lại Tổng đài 1022 (Lý Thị Phương, số 0944 555 666): ${content}` });
    } finally {
      await context.close();
    }
  }, BROWSER_TEST_MS);

  it('logs a walk-in without JavaScript, the history and the duplicate check as buttons; Enter in a field saves', async () => {
    const { context, page } = await signedIn(false);
    try {
      const key = await page.inputValue('input[name=idempotencyKey]');
      await page.check('#channel-walk_in');
      await page.fill('#reporterPhone', '+84 912 345 678');
      await Promise.all([page.waitForNavigation(), page.click('#xem-lich-su')]);
      expect(await page.isVisible('#lich-su')).toBe(true);
      expect(await page.textContent('#tieu-de-lich-su')).toBe('Phản ánh trước đây của số 0912 345 678');
      expect(await page.locator('#ds-lich-su .tcode').count()).toBeGreaterThan(0);
      expect(await page.isChecked('#channel-walk_in')).toBe(true);
      await page.selectOption('#areaCode', '29401');
      await page.selectOption('#categoryCode', 'AN-SINH');
      const content = 'Người dân đến trụ sở báo chưa nhận được gói hỗ trợ lương thực.';
      await page.fill('#content', content);
      await Promise.all([page.waitForNavigation(), page.click('#kiem-tra')]);
      expect(await page.isVisible('#trung')).toBe(true);
      expect(await page.locator('#ds-trung .badge.soon').allTextContents()).toContain('Cùng số điện thoại');
      expect(await page.inputValue('#content')).toBe(content);
      // the same rendering all along: its key is kept
      expect(await page.inputValue('input[name=idempotencyKey]')).toBe(key);
      await page.fill('#reporterName', 'Huỳnh Văn Giang');
      await Promise.all([page.waitForURL(/\/tong-dai\/phan-anh\/PA-/), page.press('#reporterName', 'Enter')]);
      const code = await codeOn(page);
      expect(await ticketRow(code)).toMatchObject({ channel: 'walk_in', reporter_phone: '+84912345678', area_code: '29401', category_code: 'AN-SINH', reporter_name: 'Huỳnh Văn Giang' });
      expect(await page.textContent('#kenh')).toContain('Trực tiếp');
    } finally {
      await context.close();
    }
  }, BROWSER_TEST_MS);

  it('shows a bad phone number\'s reason next to the field in the browser', async () => {
    const { context, page } = await signedIn();
    try {
      // a number with tickets shows them as it is typed
      await page.type('#reporterPhone', '0912 345 678');
      await page.waitForSelector('#ds-lich-su .tcode');
      await page.fill('#reporterPhone', '0912 34');
      await page.fill('#reporterName', 'Ngô Thị Dung');
      await page.fill('#content', 'Nội dung thử với số sai.');
      await Promise.all([page.waitForNavigation(), page.click('#luu')]);
      expect(await page.textContent('#reporterPhone-error')).toMatch(/^Số điện thoại không hợp lệ\./);
      expect(await page.inputValue('#reporterName')).toBe('Ngô Thị Dung');
      expect(await checkPage(page, 'console-error')).toEqual([]);
    } finally {
      await context.close();
    }
  }, BROWSER_TEST_MS);

  it('ends its event streams when the instance stops listening (a deploy stops taking connections first)', async () => {
    const third = await startTestApp({ alongside: t, clock: t.clock });
    try {
      await third.app.listen(0, '127.0.0.1');
      const server = third.app.getHttpServer() as Server;
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const login = await third.http().post('/dang-nhap').type('form').send({ username: OPERATOR, password: TEST_PASSWORD }).expect(303);
      const cookie = (login.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${COOKIE}=`))!.split(';')[0];
      const s = await stream(url, cookie);
      await until(() => s.text().includes('retry:'));
      const started = Date.now();
      // what src/main.ts does on SIGTERM before closing the application: stop listening, wait for the connections
      const drained = new Promise<void>((done) => server.close(() => done()));
      await s.ended;
      await drained;
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await third.close();
    }
  });

  it('ends its event streams when the instance closes, so that a console never holds a shutdown', async () => {
    await other.app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(other.app.getHttpServer().address() as AddressInfo).port}`;
    const login = await other.http().post('/dang-nhap').type('form').send({ username: OPERATOR, password: TEST_PASSWORD }).expect(303);
    const cookie = (login.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${COOKIE}=`))!.split(';')[0];
    const s = await stream(url, cookie);
    await until(() => s.text().includes('retry:'));
    const started = Date.now();
    otherClosed = true;
    await other.close();
    await s.ended;
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
