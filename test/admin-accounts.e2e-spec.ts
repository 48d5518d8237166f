import type { Browser, Page } from 'playwright-core';
import { closeAll, launchChromium } from './support/browser.js';
import { browserSession, checkBothScreens, checkPage, OFFICE_SCREEN, PHONE_SCREEN, scrollWidth, signIn } from './support/pages.js';
import { SmtpRelay } from './support/smtp-relay.js';
import { bearer, listen, startTestApp, TEST_PASSWORD, type TestApp } from './support/test-app.js';
import { loadSettings } from '../config/settings.js';
import { DeliveryService } from '../src/notifications/delivery.service.js';
import { RecipientListsService } from '../src/notifications/recipient-lists.service.js';
import { ReportMailerService } from '../src/reports/report-mailer.service.js';

/**
 * The administration of people and deliveries in real Chromium: an admin creates an account with the keyboard alone
 * (its password shown once), changes its role and unit, deactivates an account whose open page session and API token
 * stop at once, resets a password, edits the report recipients, retries a failed e-mail that then reaches the SMTP
 * server once, reads the channels' state and the audit log of all of it; a coordinator gets 403; with no SMTP server
 * set (development), mail is caught in the app and read there with its attachment. Every page: axe at the office and
 * phone screens, screenshots.
 */

const GENERATED = /^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}$/;

describe('administration of people and deliveries (browser)', () => {
  let t: TestApp;
  let relay: SmtpRelay;
  let browser: Browser;
  let page: Page;
  let base: string;
  let adminToken: string;

  const text = async (p: Page, selector: string) => ((await p.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const focused = (p: Page) => p.evaluate('document.activeElement && document.activeElement.id');

  /** Tabs until the element with this id has the focus (at most 40 presses). */
  async function tabTo(p: Page, id: string): Promise<void> {
    for (let i = 0; i < 40 && (await focused(p)) !== id; i++) await p.keyboard.press('Tab');
    expect(await focused(p)).toBe(id);
  }

  const audit = async (subjectId: string) =>
    (await t.ds.query(`SELECT action, actor_name, before, after FROM audit_entries WHERE subject_id = $1 ORDER BY id`, [subjectId])) as Array<{ action: string; actor_name: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>;

  beforeAll(async () => {
    relay = await new SmtpRelay().start();
    t = await startTestApp({
      env: { SMTP_URL: relay.url, SMTP_IGNORE_TLS: 'true', WORKERS_ENABLED: 'true', MAIL_ONLY_IN_WORKING_TIME: 'false', OUTBOX_MAX_ATTEMPTS: '1' },
    });
    base = await listen(t);
    adminToken = await t.userToken('admin', null, 'quantri');
    await t.ds.query(`UPDATE users SET full_name = 'Phạm Quản Trị' WHERE username = 'quantri'`);
    ({ browser, page } = await browserSession({ signIn: { base, username: 'quantri' } }));
  }, 120_000);

  afterAll(() => closeAll(browser, t, relay));

  it('is for admins only: signed out goes to the sign-in page, a coordinator gets 403', async () => {
    const anon = await browser.newContext();
    const p = await anon.newPage();
    await p.goto(`${base}/quan-tri/tai-khoan`);
    expect(new URL(p.url()).pathname).toBe('/dang-nhap');
    await t.userToken('coordinator', null, 'dieuphoi1');
    await signIn(p, base, 'dieuphoi1');
    for (const path of ['tai-khoan', 'nguoi-nhan', 'gui-tin', 'nhat-ky', 'thu']) {
      const res = await p.goto(`${base}/quan-tri/${path}`);
      expect([path, res?.status()]).toEqual([path, 403]);
    }
    expect(await text(p, 'h1')).toBe('Không có quyền truy cập');
    await anon.close();
  }, 60_000);

  let createdPassword = '';

  it('creates an account with the keyboard alone; its password is shown once and works', async () => {
    await page.goto(`${base}/quan-tri/tai-khoan`);
    await checkBothScreens(page, 'admin-users');
    await tabTo(page, 'tao-tai-khoan');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/quan-tri/tai-khoan/moi');
    await checkBothScreens(page, 'admin-user-new');
    await tabTo(page, 'username');
    await page.keyboard.type('tdv.lethu');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('fullName');
    await page.keyboard.type('Lê Thị Thu');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('role');
    await page.keyboard.press('ArrowDown'); // Tổng đài viên, the first role
    expect(await page.inputValue('#role')).toBe('operator');
    // the unit's search box opens its list on focus; an operator has no unit: Escape closes it, the unit stays empty
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('unitCode-tim');
    await page.keyboard.press('Escape');
    await tabTo(page, 'nut-tao');
    expect(await page.inputValue('#unitCode')).toBe('');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#mat-khau');
    createdPassword = await text(page, '#mat-khau');
    expect(createdPassword).toMatch(GENERATED);
    expect(await text(page, '#chi-hien-mot-lan')).toContain('chỉ hiện một lần');
    await checkBothScreens(page, 'admin-user-password');
    await t.http().post('/api/auth/login').send({ username: 'tdv.lethu', password: createdPassword }).expect(200);
    // never shown again: not on the account's page, nor stored readable
    await page.goto(`${base}/quan-tri/tai-khoan/tdv.lethu`);
    expect(await page.content()).not.toContain(createdPassword);
    const [row] = await t.ds.query(`SELECT password_hash, role, full_name FROM users WHERE username = 'tdv.lethu'`);
    expect(row.password_hash).not.toContain(createdPassword);
    expect([row.role, row.full_name]).toEqual(['operator', 'Lê Thị Thu']);
    const [entry] = await audit('tdv.lethu');
    expect(entry.action).toBe('user.create');
    expect(entry.actor_name).toBe('Phạm Quản Trị');
    expect(JSON.stringify(entry.after)).not.toContain(createdPassword);
  }, 90_000);

  it('refuses a bad form with the reasons next to the fields', async () => {
    await page.goto(`${base}/quan-tri/tai-khoan/moi`);
    await page.fill('#username', 'Có Dấu');
    await page.selectOption('#role', 'unit_staff');
    await page.click('#nut-tao');
    await page.waitForSelector('#loi');
    expect(await text(page, '#username-error')).toContain('chữ thường không dấu');
    expect(await text(page, '#unitCode-error')).toBe('Cán bộ đơn vị phải thuộc một đơn vị.');
    await checkBothScreens(page, 'admin-user-new-refused');
  }, 60_000);

  it('changes the role and unit; the account\'s sessions end', async () => {
    const oldToken = (await t.http().post('/api/auth/login').send({ username: 'tdv.lethu', password: createdPassword }).expect(200)).body.accessToken;
    t.clock.advance(2000); // tokens carry whole seconds: the change comes after this one was issued
    await page.goto(`${base}/quan-tri/tai-khoan/tdv.lethu`);
    await checkBothScreens(page, 'admin-user');
    await page.selectOption('#role', 'unit_staff');
    await page.focus('#unitCode-tim');
    await page.keyboard.type('so y te');
    await page.keyboard.press('Enter');
    expect(await page.inputValue('#unitCode')).toBe('SO-YTE');
    await page.click('#nut-luu');
    await page.waitForSelector('#thong-bao');
    expect(await text(page, '#thong-bao')).toBe('Đã lưu thay đổi của tài khoản tdv.lethu.');
    expect(await text(page, '#tk-tdv\\.lethu')).toContain('Cán bộ đơn vị');
    const [row] = await t.ds.query(`SELECT role, unit_code FROM users WHERE username = 'tdv.lethu'`);
    expect(row).toEqual({ role: 'unit_staff', unit_code: 'SO-YTE' });
    await t.http().get('/api/tickets').set(bearer(oldToken)).expect(401);
    const update = (await audit('tdv.lethu')).find((e) => e.action === 'user.update')!;
    expect([update.before?.role, update.after?.role, update.before?.unitCode, update.after?.unitCode]).toEqual(['operator', 'unit_staff', null, 'SO-YTE']);
  }, 60_000);

  it('deactivates an account: its open page session goes to the sign-in page and its API token gets 401', async () => {
    const victimToken = await t.userToken('operator', null, 'tdv.nghiviec');
    const other = await browser.newContext({ viewport: OFFICE_SCREEN });
    const vp = await other.newPage();
    await signIn(vp, base, 'tdv.nghiviec');
    await vp.goto(`${base}/tickets`);
    expect(new URL(vp.url()).pathname).toBe('/tickets');
    await t.http().get('/api/tickets').set(bearer(victimToken)).expect(200);

    await page.goto(`${base}/quan-tri/tai-khoan/tdv.nghiviec`);
    await page.click('#nut-khoa');
    await page.waitForSelector('#thong-bao');
    expect(await text(page, '#thong-bao')).toContain('Đã khóa tài khoản tdv.nghiviec');
    expect(await text(page, '#tk-tdv\\.nghiviec')).toContain('Đã khóa');

    await vp.reload();
    expect(new URL(vp.url()).pathname).toBe('/dang-nhap');
    await t.http().get('/api/tickets').set(bearer(victimToken)).expect(401);
    await t.http().post('/api/auth/login').send({ username: 'tdv.nghiviec', password: TEST_PASSWORD }).expect(401);
    await other.close();
    expect((await audit('tdv.nghiviec')).map((e) => e.action)).toEqual(['user.deactivate']);
  }, 60_000);

  it('resets a password (generated): the new one works, the old one no longer', async () => {
    await t.userToken('operator', null, 'tdv.quenmk');
    await page.goto(`${base}/quan-tri/tai-khoan/tdv.quenmk`);
    await page.click('#nut-dat-lai');
    await page.waitForSelector('#mat-khau');
    const fresh = await text(page, '#mat-khau');
    expect(fresh).toMatch(GENERATED);
    await t.http().post('/api/auth/login').send({ username: 'tdv.quenmk', password: fresh }).expect(200);
    await t.http().post('/api/auth/login').send({ username: 'tdv.quenmk', password: TEST_PASSWORD }).expect(401);
    const [entry] = await audit('tdv.quenmk');
    expect(entry.action).toBe('user.reset_password');
    expect(JSON.stringify(entry)).not.toContain(fresh);
  }, 60_000);

  it('records the API\'s account changes too, with the admin who made them', async () => {
    await t.http().patch('/api/users/tdv.quenmk').set(bearer(adminToken)).send({ fullName: 'Trần Văn Quên' }).expect(200);
    const e = (await audit('tdv.quenmk')).pop()!;
    expect([e.action, e.actor_name, e.before?.fullName, e.after?.fullName]).toEqual(['user.update', 'Phạm Quản Trị', '', 'Trần Văn Quên']);
  });

  it('edits the report recipients; a bad address is refused with the reason', async () => {
    await page.goto(`${base}/quan-tri/nguoi-nhan`);
    await checkBothScreens(page, 'admin-recipients');
    await page.fill('#emails-leadership', 'khong-phai-dia-chi\nvanphong@travinh.gov.vn');
    await page.click('#luu-leadership');
    await page.waitForSelector('#emails-leadership-error');
    expect(await text(page, '#emails-leadership-error')).toContain('khong-phai-dia-chi');
    expect(await t.ds.query(`SELECT emails FROM recipient_lists WHERE code = 'leadership'`)).toEqual([{ emails: [] }]);
    await page.fill('#emails-leadership', 'ChanhVanPhong@TraVinh.gov.vn\nvanphong@travinh.gov.vn\n');
    await page.click('#luu-leadership');
    await page.waitForSelector('#thong-bao');
    expect(await t.ds.query(`SELECT emails FROM recipient_lists WHERE code = 'leadership'`)).toEqual([{ emails: ['chanhvanphong@travinh.gov.vn', 'vanphong@travinh.gov.vn'] }]);
    expect(await page.inputValue('#emails-leadership')).toBe('chanhvanphong@travinh.gov.vn\nvanphong@travinh.gov.vn');
    const [e] = await audit('leadership');
    expect([e.action, e.before?.emails, e.after?.emails]).toEqual(['recipient_list.update', [], ['chanhvanphong@travinh.gov.vn', 'vanphong@travinh.gov.vn']]);
  }, 60_000);

  it('shows a failed e-mail with its error; retried, it reaches the SMTP server once', async () => {
    const [{ id }] = await t.ds.query(
      `INSERT INTO outbox_messages (channel, dedupe_key, payload, status, attempts, last_error, available_at, created_at)
       VALUES ('email', 'test:failed-1', $1, 'failed', 8, 'connect ECONNREFUSED 10.0.0.25:587', now(), $2) RETURNING id`,
      [{ to: ['truongphong@travinh.gov.vn'], subject: 'Thông báo phản ánh trễ hạn (thử gửi lại)', text: 'Nội dung thông báo.' }, t.clock.now()]);
    await page.goto(`${base}/quan-tri/gui-tin`);
    await checkBothScreens(page, 'admin-deliveries');
    const rowText = await text(page, `#tin-${id}`);
    expect(rowText).toContain('truongphong@travinh.gov.vn');
    expect(rowText).toContain('connect ECONNREFUSED 10.0.0.25:587');
    expect(await text(page, '#so-loi')).toBe('1');
    await page.click(`#gui-lai-${id}`);
    await page.waitForSelector('#thong-bao');
    for (let i = 0; i < 100 && !relay.mails.some((m) => m.subject === 'Thông báo phản ánh trễ hạn (thử gửi lại)'); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500)); // the relay polls every 200 ms: a second sending would show by now
    expect(relay.received.filter((r) => r.mail.subject === 'Thông báo phản ánh trễ hạn (thử gửi lại)').map((r) => r.rcptTo)).toEqual([['truongphong@travinh.gov.vn']]);
    expect((await t.ds.query(`SELECT status FROM outbox_messages WHERE id = $1`, [id]))[0].status).toBe('sent');
    await page.reload();
    expect(await page.locator(`#tin-${id}`).count()).toBe(0);
    // retrying again changes nothing (the message is no longer failed)
    const res = await page.request.post(`${base}/quan-tri/gui-tin/${id}/gui-lai`, { form: { _csrf: await page.locator('input[name=_csrf]').first().inputValue() }, maxRedirects: 0 });
    expect(res.status()).toBe(303);
    await new Promise((r) => setTimeout(r, 600));
    expect(relay.received.filter((r) => r.mail.subject === 'Thông báo phản ánh trễ hạn (thử gửi lại)')).toHaveLength(1);
    const [e] = await audit(id);
    expect([e.action, e.before?.status, e.after?.status, e.before?.lastError]).toEqual(['outbox.retry', 'failed', 'pending', 'connect ECONNREFUSED 10.0.0.25:587']);
  }, 60_000);

  it('shows each channel\'s state: on or off by its settings, and the last thing it brought in', async () => {
    const op = await t.userToken('operator');
    await t.http().post('/api/tickets').set(bearer(op))
      .send({ channel: 'hotline', reporterName: 'Lê Văn A', reporterPhone: '0912345678', areaCode: '29401', categoryCode: 'AN-SINH', content: 'Chưa nhận được gói hỗ trợ.' })
      .expect(201);
    await page.goto(`${base}/quan-tri/gui-tin`);
    expect(await text(page, '#kenh-hotline')).toContain('09:00 02/03/2026');
    expect(await text(page, '#kenh-hotline')).toContain('1 phản ánh');
    const zalo = await text(page, '#kenh-zalo');
    expect(zalo).toContain('Đang tắt');
    expect(zalo).toContain('ZALO_APP_ID');
    expect(await text(page, '#kenh-facebook')).toContain('Đang tắt');
    expect(await text(page, '#kenh-web')).toContain('Chưa nhận lần nào');
    expect(await text(page, '#duong-thu')).toContain(`smtp://127.0.0.1:${relay.port}`);
  }, 60_000);

  it('lists every change in the audit log, newest first, with before and after, filtered by kind', async () => {
    await page.goto(`${base}/quan-tri/nhat-ky`);
    await checkBothScreens(page, 'admin-audit');
    const actions = await page.locator('#nhat-ky > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-action')));
    expect(actions).toEqual(['outbox.retry', 'recipient_list.update', 'user.update', 'user.reset_password', 'user.deactivate', 'user.update', 'user.create']);
    const roleChange = page.locator('#nhat-ky > li').nth(5);
    const rows = await roleChange.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent!.trim()).join(' | ')));
    expect(rows).toEqual(['Vai trò | Tổng đài viên | Cán bộ đơn vị', 'Đơn vị | — | SO-YTE', 'Tên đăng nhập | tdv.lethu | tdv.lethu']);
    expect(await roleChange.textContent()).toContain('Phạm Quản Trị');
    await page.selectOption('#loai', 'recipient_list');
    await page.click('#nut-loc');
    await page.waitForURL('**loai=recipient_list**');
    expect(await page.locator('#nhat-ky > li').count()).toBe(1);
    expect(await text(page, '#nhat-ky')).toContain('chanhvanphong@travinh.gov.vn, vanphong@travinh.gov.vn');
  }, 60_000);

  it('finds accounts by name without diacritics', async () => {
    await page.goto(`${base}/quan-tri/tai-khoan?q=${encodeURIComponent('le thi thu')}`);
    expect(await page.locator('#danh-sach-tai-khoan tbody tr').count()).toBe(1);
    expect(await text(page, '#danh-sach-tai-khoan')).toContain('tdv.lethu');
  });
});

describe('the mail catcher (no SMTP server set, development)', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'development', MAIL_ONLY_IN_WORKING_TIME: 'false' } });
    await t.app.listen(0, '127.0.0.1');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('is on only in development with no SMTP_URL', () => {
    expect(t.settings.MAIL_CATCHER).toBe(true);
    expect(loadSettings({ NODE_ENV: 'development', SMTP_URL: 'smtp://relay.example:25' }).MAIL_CATCHER).toBe(false);
    expect(loadSettings({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).MAIL_CATCHER).toBe(false);
    expect(loadSettings({ NODE_ENV: 'test' }).MAIL_CATCHER).toBe(false);
    expect(loadSettings({ NODE_ENV: 'development', SMTP_URL: 'smtp://relay.example:25', MAIL_CATCHER: 'true' }).MAIL_CATCHER).toBe(true);
  });

  it('catches the daily report as leadership would receive it, marked sent; an admin reads it with its attachments', async () => {
    await t.app.get(RecipientListsService).update('leadership', ['lanhdao@travinh.gov.vn']);
    expect(await t.app.get(ReportMailerService).sendOnce('daily', '2026-03-01')).toBe(true);
    const [{ id, payload }] = await t.ds.query(`SELECT id, payload FROM outbox_messages WHERE dedupe_key = 'report:daily:2026-03-01'`);
    expect(await t.app.get(DeliveryService).deliver(id)).toBe('sent');
    expect((await t.ds.query(`SELECT status FROM outbox_messages WHERE id = $1`, [id]))[0].status).toBe('sent');
    expect(await t.ds.query(`SELECT recipients, subject, attachment_count FROM caught_mails`))
      .toEqual([{ recipients: ['lanhdao@travinh.gov.vn'], subject: payload.subject, attachment_count: 2 }]);

    await t.userToken('admin', null, 'quantri');
    const base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    const context = await browser.newContext({ viewport: OFFICE_SCREEN });
    const page = await context.newPage();
    await signIn(page, base, 'quantri');
    await page.goto(`${base}/quan-tri/thu`);
    expect(await page.locator('#trang-thai-thu').textContent()).toContain('giữ lại tại đây');
    expect(await checkPage(page, 'admin-mails')).toEqual([]);
    await page.click(`a:text-is("${payload.subject}")`);
    await page.waitForSelector('#tieu-de-thu');
    expect(await page.locator('#nguoi-nhan').textContent()).toContain('lanhdao@travinh.gov.vn');
    expect(await page.locator('#van-ban').textContent()).toContain(payload.text.trim().split('\n')[0]);
    // the HTML body in its frame, as sent, under a policy that runs no script and an origin of its own
    const frame = page.frameLocator('#khung-thu');
    expect((await frame.locator('body').textContent())!.replace(/\s+/g, ' ')).toContain('Tổng đài 1022');
    const htmlRes = await page.request.get(`${page.url()}/noi-dung`);
    expect(await htmlRes.text()).toBe(payload.html);
    expect(htmlRes.headers()['content-security-policy']).toMatch(/^sandbox allow-scripts; default-src 'none'; style-src 'unsafe-inline'/);
    // the attachments, byte for byte, under their names
    const links = page.locator('#tep-dinh-kem a');
    expect(await links.allTextContents()).toEqual(payload.attachments.map((a: { filename: string }) => a.filename));
    for (const [i, a] of (payload.attachments as Array<{ filename: string; contentBase64: string }>).entries()) {
      const file = await page.request.get(`${base}${await links.nth(i).getAttribute('href')}`);
      expect(file.status()).toBe(200);
      expect((await file.body()).equals(Buffer.from(a.contentBase64, 'base64'))).toBe(true);
      expect(file.headers()['content-disposition']).toContain('attachment');
    }
    expect(await checkPage(page, 'admin-mail')).toEqual([]);
    await page.setViewportSize(PHONE_SCREEN);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE_SCREEN.width);
    await context.close();
  }, 90_000);
});
