import type { AddressInfo } from 'node:net';
import { launchChromium } from './support/browser.js';
import { bearer, sessionCookie, startTestApp, TEST_PASSWORD, tokensFor, type TestApp } from './support/test-app.js';

/**
 * The view layer's common ground: `/` by role, a Vietnamese page for a browser at an unknown address (JSON stays for
 * the API), the static files, the pages' CSP, and the header's live counts (GET /trang/dem).
 */

describe('view layer (e2e)', () => {
  let t: TestApp;
  let operator: string;
  const users = { op: 'tongdai.vien', coord: 'dieuphoi.vien', unit: 'canbo.hoaloi', leader: 'lanhdao.tinh', admin: 'quantri' };

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-02T09:00:00+07:00' });
    operator = await t.userToken('operator', null, users.op);
    await tokensFor(t, [
      ['coordinator', null, users.coord], ['unit_staff', 'UB-29401', users.unit],
      ['leader', null, users.leader], ['admin', null, users.admin],
    ]);
  });
  afterAll(() => t?.close());

  /** Signs in over HTTP: the session cookie (support/test-app.ts). */
  const login = (username: string) => sessionCookie(t, username);

  /** A browser signed in as `username` on /tickets of the app served on a local port, its clock under the test's hand. */
  const signedInTab = async (username: string) => {
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ baseURL: base, viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      await page.clock.install();
      await page.goto('/dang-nhap?next=/tickets');
      await page.fill('#username', username);
      await page.fill('#password', TEST_PASSWORD);
      await page.press('#password', 'Enter');
      await page.waitForURL((u) => u.pathname === '/tickets');
      return { browser, page, base };
    } catch (e) {
      await browser.close();
      throw e;
    }
  };

  it('/ sends a visitor to the sign-in page and a signed-in person to the page of their job', async () => {
    expect((await t.http().get('/')).headers.location).toBe('/dang-nhap');
    const homes: Array<[string, string]> = [
      [users.op, '/tong-dai'], [users.coord, '/dieu-phoi'], [users.admin, '/dieu-phoi'], [users.unit, '/tickets'], [users.leader, '/bao-cao'],
    ];
    for (const [username, home] of homes) {
      const res = await t.http().get('/').set('Cookie', await login(username));
      expect([res.status, res.headers.location]).toEqual([303, home]);
    }
  });

  it('a browser at an unknown address gets a page in Vietnamese; the API and a program asking for JSON get JSON', async () => {
    const page = await t.http().get('/khong-co-trang-nay').set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<html lang="vi">');
    expect(page.text).toContain('Không tìm thấy trang');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const api = await t.http().get('/api/khong-co').set('Accept', 'text/html');
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/json/);
    const program = await t.http().get('/khong-co-trang-nay').set('Accept', 'application/json');
    expect(program.headers['content-type']).toMatch(/^application\/json/);
    expect(program.body).toMatchObject({ statusCode: 404 });
  });

  it('serves the static CSS and scripts with their types, and 404 for a file that is not there or outside', async () => {
    const css = await t.http().get('/static/css/base.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['cache-control']).toContain('max-age=3600');
    const js = await t.http().get('/static/js/combobox.js').expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    await t.http().get('/static/css/nothing.css').expect(404);
    await t.http().get('/static/..%2f..%2fpackage.json').expect(404);
    await t.http().get('/static/').expect(404);
  });

  it('the header counts what waits: the queue for coordinators, the unit\'s new tickets for its staff', async () => {
    const create = (body: Record<string, unknown>) => t.http().post('/api/tickets').set(bearer(operator))
      .send({ channel: 'hotline', reporterName: 'Lê Văn A', content: 'Chưa nhận được hỗ trợ.', ...body }).expect(201);
    const coord = await login(users.coord);
    const unit = await login(users.unit);
    const before = { queue: (await t.http().get('/trang/dem').set('Cookie', coord).expect(200)).body.queue, unit: (await t.http().get('/trang/dem').set('Cookie', unit).expect(200)).body.unit };
    await create({ areaCode: '29401', categoryCode: 'AN-SINH' }); // routed to UB-29401
    await create({}); // no commune, no category: waits for a coordinator
    expect((await t.http().get('/trang/dem').set('Cookie', coord)).body).toEqual({ queue: before.queue + 1 });
    expect((await t.http().get('/trang/dem').set('Cookie', unit)).body).toEqual({ unit: before.unit + 1 });
    // the header of a staff page shows the same number on first render
    const list = await t.http().get('/tickets').set('Cookie', unit).expect(200);
    expect(list.text).toMatch(new RegExp(`data-live-count="unit"[^>]*>${before.unit + 1}<`));
    // without a session: the sign-in page, not the numbers
    expect((await t.http().get('/trang/dem')).status).toBe(303);
  });

  it('in the browser, a new ticket for the unit appears in its list and the header count without a reload', async () => {
    const { browser, page, base } = await signedInTab(users.unit);
    try {
      const count = Number(await page.locator('[data-live-count="unit"]').textContent());
      const created = await t.http().post('/api/tickets').set(bearer(operator))
        .send({ channel: 'hotline', reporterName: 'Trần Văn Mới', areaCode: '29401', categoryCode: 'AN-SINH', content: 'Phản ánh vừa gọi tới.' }).expect(201);
      expect(await page.locator(`text=${created.body.code}`).count()).toBe(0);
      await page.clock.fastForward(31_000);
      await page.locator(`[data-live-list] >> text=${created.body.code}`).first().waitFor({ timeout: 10_000 });
      expect(Number(await page.locator('[data-live-count="unit"]').textContent())).toBe(count + 1);
      expect(await page.locator('[role=status][aria-live=polite]').textContent()).toContain('có phản ánh mới');
      // a page loaded once: the swap did not navigate
      expect(page.url()).toBe(`${base}/tickets`);
    } finally {
      await browser.close();
    }
  });
  it('past 999 waiting the header reads "999+", on first render and as live.js updates it, and counts no further', async () => {
    const coord = await login(users.coord);
    const queue = async () => (await t.http().get('/trang/dem').set('Cookie', coord).expect(200)).body.queue as number;
    // fill the queue to exactly 999 tickets waiting for a coordinator (received, no unit), with their creation events
    const missing = 999 - await queue();
    await t.ds.query(
      `WITH t AS (
         INSERT INTO tickets (code, channel, status, reporter_name, content, received_at, due_at, warn_at, search_text)
         SELECT 'PA-HANG-' || g, 'hotline', 'received', 'Người dân ' || g, 'Chờ phân loại ' || g,
                $1::timestamptz - interval '1 hour', $1::timestamptz + interval '2 days', $1::timestamptz + interval '1 day', 'pa-hang-' || g
           FROM generate_series(1, $2) g
         RETURNING id, received_at, due_at)
       INSERT INTO ticket_events (ticket_id, type, at, actor_name, to_status, due_at)
       SELECT id, 'created', received_at, 'Tổng đài viên', 'received', due_at FROM t`,
      [new Date('2026-03-02T09:00:00+07:00'), missing]);
    expect(await queue()).toBe(999);
    const page = await t.http().get('/dieu-phoi').set('Cookie', coord).expect(200);
    expect(page.text).toMatch(/data-live-count="queue" data-n="999" data-cap="999">999</);
    const create = () => t.http().post('/api/tickets').set(bearer(operator))
      .send({ channel: 'hotline', reporterName: 'Lê Văn B', content: 'Chưa được phân loại.' }).expect(201);

    const { browser, page: tab } = await signedInTab(users.coord);
    try {
      const badge = tab.locator('[data-live-count="queue"]');
      expect(await badge.textContent()).toBe('999');
      await create();
      // the 1,000th: the server counts one past the cap, the badge says "more than 999"
      expect(await queue()).toBe(1000);
      await tab.clock.fastForward(31_000);
      await tab.locator('[data-live-count="queue"]', { hasText: /^999\+$/ }).waitFor({ timeout: 10_000 });
      expect(await badge.getAttribute('data-n')).toBe('1000');
      await create();
      expect(await queue()).toBe(1000);
      // a page rendered past the cap says the same
      const list = await t.http().get('/tickets').set('Cookie', coord).expect(200);
      expect(list.text).toMatch(/data-live-count="queue" data-n="1000" data-cap="999">999\+</);
    } finally {
      await browser.close();
      await t.ds.query(`DELETE FROM tickets WHERE code LIKE 'PA-HANG-%'`);
    }
  });
});
