import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { StaffSessions, SESSION_COOKIE } from '../src/web/staff-session.js';
import { launchChromium } from './support/browser.js';
import { checkPage, PHONE_SCREEN } from './support/pages.js';
import { bearer, startTestApp, tokensFor, type TestApp } from './support/test-app.js';

/**
 * Published answers (hỏi đáp): a coordinator publishes a resolved ticket's question and answer with the reporter's
 * details hidden (a text that still holds them is refused, nothing kept), the public /hoi-dap lists them newest
 * first, searched without diacritics and filtered by commune and category, one page each; a withdrawal takes one
 * off. In Chromium: the coordinator's journey with the keyboard alone, the public pages on a phone (they carry no script).
 */

const BASE = '2026-03-02T09:00:00+07:00';
const REPORTER = { reporterName: 'Nguyễn Văn An', reporterPhone: '0912345678', address: 'Số 12 đường Lê Lợi' };

describe('published answers (hỏi đáp)', () => {
  let t: TestApp;
  let op: string;
  let coord: string;
  let staff: string;
  let daLoc: string;
  let admin: string;
  let csrf: (token: string) => string;
  const codes: Record<string, string> = {};

  const cookie = (token: string) => ({ Cookie: `${SESSION_COOKIE}=${encodeURIComponent(token)}` });
  const page = (token: string, path: string) => t.http().get(path).set(cookie(token));
  const post = (token: string, path: string, body: Record<string, string>) =>
    t.http().post(path).set(cookie(token)).type('form').send({ _csrf: csrf(token), ...body });
  const publishForm = (token: string, code: string, text: { title: string; question: string; answer: string }, buoc = 'cong-bo') =>
    post(token, '/dieu-phoi/hoi-dap/moi', { ticket: code, ...text, buoc });
  const rows = async () => (await t.ds.query('SELECT id, ticket_code, title, question, answer, withdrawn_at FROM published_answers ORDER BY id')) as
    Array<{ id: string; ticket_code: string; title: string; question: string; answer: string; withdrawn_at: Date | null }>;
  /** The text of a textarea (or input) of the form, unescaped. */
  const field = (html: string, name: string) => {
    const m = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([\\s\\S]*?)</textarea>|<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
    return (m?.[1] ?? m?.[2] ?? '').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  };
  /** The public ids in the order /hoi-dap lists them. */
  const listed = (html: string) => [...html.matchAll(/<h2><a href="\/hoi-dap\/(\d+)">/g)].map((m) => m[1]);

  async function act(token: string, code: string, action: string, body: Record<string, unknown> = {}): Promise<void> {
    const res = await t.http().post(`/api/tickets/${code}/${action}`).set(bearer(token)).send(body);
    if (res.status !== 200) throw new Error(`${action} ${code}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** A ticket brought to `resolved` through the API by the unit it was routed to. */
  async function resolved(body: Record<string, unknown>, resolution: string, unit = staff): Promise<string> {
    const res = await t.http().post('/api/tickets').set(bearer(op)).send({ channel: 'hotline', ...REPORTER, ...body });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    const code = res.body.code as string;
    if (res.body.status === 'received') await act(coord, code, 'assign', { unitCode: 'UB-29401' });
    await act(unit, code, 'accept');
    await act(unit, code, 'resolve', { resolution });
    return code;
  }

  beforeAll(async () => {
    t = await startTestApp({ now: BASE });
    await t.app.listen(0, '127.0.0.1');
    [op, coord, staff, daLoc, admin] = await tokensFor(t, [
      'operator', ['coordinator', null, 'dieuphoi.hoidap'],
      ['unit_staff', 'UB-29401'], ['unit_staff', 'UB-29377'], 'admin',
    ]);
    const sessions = t.app.get(StaffSessions, { strict: false });
    csrf = (token) => sessions.csrfFor(token);
    codes.rice = await resolved({
      areaCode: '29401', categoryCode: 'AN-SINH',
      content: 'Tôi là Nguyễn Văn An, số điện thoại 0912 345 678, nhà ở Số 12 đường Lê Lợi. Gia đình tôi chưa nhận được gạo hỗ trợ tháng 2.',
    }, 'Ngày 05/3, UBND xã đã liên hệ ông Văn An qua số 0912345678 và trao 20 kg gạo hỗ trợ cho gia đình.');
    codes.road = await resolved({ areaCode: '29377', categoryCode: 'AN-SINH', content: 'Đường vào ấp Hòa Thuận bị sạt lở, xe cứu thương không vào được.' },
      'UBND xã đã gia cố tạm đoạn đường sạt lở và cắm biển cảnh báo.', daLoc);
    codes.loudspeaker = await resolved({ areaCode: '29401', categoryCode: 'KHAC', content: 'Loa phát thanh của ấp bị hỏng đã hai tuần.' },
      'Đài truyền thanh xã đã thay loa mới cho ấp.');
    codes.browser = await resolved({ areaCode: '29401', categoryCode: 'AN-SINH', content: 'Hỏi thủ tục đăng ký trợ cấp cho người cao tuổi.' },
      'Gia đình nộp tờ khai tại bộ phận một cửa của xã; cán bộ đã hướng dẫn qua điện thoại.');
    const open = await t.http().post('/api/tickets').set(bearer(op))
      .send({ channel: 'hotline', ...REPORTER, areaCode: '29401', categoryCode: 'AN-SINH', content: 'Đèn đường ấp 3 không sáng.' }).expect(201);
    codes.open = open.body.code;
  });
  afterAll(() => t?.close());

  it('offers the texts with the name, phone and address hidden; refuses a text that still has them, keeps nothing; publishes the edited text', async () => {
    const form = await page(coord, `/dieu-phoi/hoi-dap/moi?ticket=${codes.rice}`).expect(200);
    const question = field(form.text, 'question');
    const answer = field(form.text, 'answer');
    expect(question).toBe('Tôi là [đã ẩn], số điện thoại [đã ẩn], nhà ở [đã ẩn]. Gia đình tôi chưa nhận được gạo hỗ trợ tháng 2.');
    expect(answer).toBe('Ngày 05/3, UBND xã đã liên hệ ông [đã ẩn] qua số [đã ẩn] và trao 20 kg gạo hỗ trợ cho gia đình.');
    expect(field(form.text, 'title')).toBe('Tôi là [đã ẩn], số điện thoại [đã ẩn], nhà ở [đã ẩn].');
    expect(form.text).toContain('UBND xã Hòa Lợi');

    // the coordinator typed the name and the phone back: refused at the preview and at the publication, per field
    const leaky = { title: 'Chưa nhận gạo hỗ trợ tháng 2', question: 'Ông Nguyễn Văn An (0912.345.678) chưa nhận gạo hỗ trợ tháng 2.', answer };
    for (const buoc of ['xem-truoc', 'cong-bo']) {
      const refused = await publishForm(coord, codes.rice, leaky, buoc).expect(400);
      expect(refused.text).toMatch(/<p class="error" id="question-error">Nội dung công bố còn số điện thoại, họ tên người phản ánh\./);
      expect(refused.text).not.toContain('id="answer-error"');
      expect(field(refused.text, 'question')).toBe(leaky.question);
    }
    const withEmail = await publishForm(coord, codes.rice, { ...leaky, question: 'Gạo?', answer: 'Đã trả lời qua an@example.vn rồi.' }).expect(400);
    expect(withEmail.text).toContain('id="answer-error">Nội dung công bố còn địa chỉ email.');
    expect(withEmail.text).toContain('id="question-error">Câu hỏi quá ngắn');
    expect(await rows()).toEqual([]);

    // the preview shows what the public will see; publishing it keeps exactly that
    const text = { title: 'Chưa nhận gạo hỗ trợ tháng 2', question, answer };
    const preview = await publishForm(coord, codes.rice, text, 'xem-truoc').expect(200);
    expect(preview.text).toContain('id="nut-cong-bo"');
    expect(preview.text).toContain(answer);
    expect(await rows()).toEqual([]);
    const done = await publishForm(coord, codes.rice, text).expect(303);
    const [row] = await rows();
    expect(done.headers.location).toBe(`/dieu-phoi/hoi-dap?da=cong-bo&so=${row.id}`);
    expect(row).toMatchObject({ ticket_code: codes.rice, ...text, withdrawn_at: null });
    const audit = await t.ds.query(`SELECT action, actor_name FROM audit_entries WHERE subject_type = 'published_answer' AND subject_id = $1`, [row.id]);
    expect(audit).toEqual([{ action: 'published_answer.publish', actor_name: 'dieuphoi.hoidap' }]);

    // its public page: the answer, the unit, the category, the commune, the dates; no name, phone, address or code
    const pub = await t.http().get(`/hoi-dap/${row.id}`).expect(200);
    for (const s of ['Chưa nhận gạo hỗ trợ tháng 2', 'trao 20 kg gạo hỗ trợ', 'UBND xã Hòa Lợi', 'Hỗ trợ an sinh xã hội, lương thực', 'Xã Hòa Lợi', '02/03/2026']) expect(pub.text).toContain(s);
    for (const s of ['Nguyễn Văn An', 'Văn An', '0912', 'Lê Lợi', codes.rice]) expect(pub.text).not.toContain(s);
  });

  it('refuses a ticket without its answer (409) and anyone but coordinators and admins (403); keeps nothing', async () => {
    const before = await rows();
    expect((await page(coord, `/dieu-phoi/hoi-dap/moi?ticket=${codes.open}`).expect(409)).text).toContain('chưa có kết quả xử lý');
    await publishForm(coord, codes.open, { title: 'Đèn đường không sáng', question: 'Đèn đường ấp 3 không sáng.', answer: 'Đã sửa xong đèn.' }).expect(409);
    expect((await page(coord, '/dieu-phoi/hoi-dap/moi?ticket=PA-ZZZZ').expect(400)).text).toContain('id="ticket-error">Mã phản ánh có dạng PA-XXXX-XXXX.');
    await page(coord, '/dieu-phoi/hoi-dap/moi?ticket=PA-2222-2222').expect(404);
    for (const token of [staff, op]) {
      await page(token, '/dieu-phoi/hoi-dap').expect(403);
      await publishForm(token, codes.road, { title: 'Đường sạt lở', question: 'Đường vào ấp bị sạt lở.', answer: 'Đã gia cố tạm.' }).expect(403);
      await post(token, `/dieu-phoi/hoi-dap/${before[0].id}/go`, {}).expect(403);
    }
    // admins may, like coordinators
    expect((await page(admin, `/dieu-phoi/hoi-dap/moi?ticket=${codes.road}`).expect(200)).text).toContain('id="nut-xem-truoc"');
    // a form without the session's token changes nothing either
    await t.http().post(`/dieu-phoi/hoi-dap/${before[0].id}/go`).set(cookie(coord)).type('form').send({ _csrf: 'gia-mao' }).expect(403);
    expect(await rows()).toEqual(before);
    // the ticket's page links to the publication for coordinators only, once it is resolved
    expect((await page(coord, `/tickets/${codes.road}`).expect(200)).text).toContain('id="cong-bo-hoi-dap"');
    expect((await page(coord, `/tickets/${codes.open}`).expect(200)).text).not.toContain('id="cong-bo-hoi-dap"');
    expect((await page(staff, `/tickets/${codes.rice}`).expect(200)).text).not.toContain('id="cong-bo-hoi-dap"');
  });

  it('lists answers newest first, searched without diacritics, filtered by commune and category; a withdrawal takes one off', async () => {
    // minutes apart (a day later, the staff's sign-in would have expired on the test's clock)
    const publish = async (code: string, title: string, at: string) => {
      t.clock.set(at);
      const form = await page(coord, `/dieu-phoi/hoi-dap/moi?ticket=${code}`).expect(200);
      await publishForm(coord, code, { title, question: field(form.text, 'question'), answer: field(form.text, 'answer') }).expect(303);
    };
    await publish(codes.road, 'Đường vào ấp Hòa Thuận bị sạt lở', '2026-03-02T09:10:00+07:00');
    await publish(codes.loudspeaker, 'Loa phát thanh ấp bị hỏng', '2026-03-02T09:20:00+07:00');
    t.clock.set(BASE);
    const id = Object.fromEntries((await rows()).map((r) => [r.ticket_code, r.id]));

    const all = await t.http().get('/hoi-dap').expect(200);
    expect(listed(all.text)).toEqual([id[codes.loudspeaker], id[codes.road], id[codes.rice]]);
    expect(all.text).toContain('Có 3 bài hỏi đáp.');
    for (const q of ['gao ho tro', 'GẠO hỗ trợ', 'nhan duoc gao']) {
      expect(listed((await t.http().get('/hoi-dap').query({ q }).expect(200)).text)).toEqual([id[codes.rice]]);
    }
    // the unit's name and the commune are searched too
    expect(listed((await t.http().get('/hoi-dap').query({ q: 'da loc' }).expect(200)).text)).toEqual([id[codes.road]]);
    const none = await t.http().get('/hoi-dap').query({ q: 'hoc phi' }).expect(200);
    expect(listed(none.text)).toEqual([]);
    expect(none.text).toContain('Không tìm thấy bài hỏi đáp nào phù hợp.');
    expect(listed((await t.http().get('/hoi-dap').query({ xa: '29377' }).expect(200)).text)).toEqual([id[codes.road]]);
    expect(listed((await t.http().get('/hoi-dap').query({ 'linh-vuc': 'KHAC' }).expect(200)).text)).toEqual([id[codes.loudspeaker]]);
    expect(listed((await t.http().get('/hoi-dap').query({ 'linh-vuc': 'AN-SINH', xa: '29401' }).expect(200)).text)).toEqual([id[codes.rice]]);
    // the filters offer the communes and categories that have answers
    expect(all.text).toMatch(/<option value="29377">Xã Đa Lộc[^<]*<\/option>/);
    // nonsense in the address is no error
    expect(listed((await t.http().get('/hoi-dap').query({ xa: '<script>', trang: '-3', q: '%_\\' }).expect(200)).text)).toEqual([]);
    expect(listed((await t.http().get('/hoi-dap').query({ xa: '<script>', trang: 'x' }).expect(200)).text)).toHaveLength(3);
    await t.http().get('/hoi-dap/abc').expect(404);
    await t.http().get('/hoi-dap/999999').expect(404);

    // withdrawn: off the list and its page, audited; publishing the ticket again brings it back under the same number
    await post(coord, `/dieu-phoi/hoi-dap/${id[codes.road]}/go`, {}).expect(303);
    await t.http().get(`/hoi-dap/${id[codes.road]}`).expect(404);
    expect(listed((await t.http().get('/hoi-dap').expect(200)).text)).toEqual([id[codes.loudspeaker], id[codes.rice]]);
    expect((await t.http().get('/hoi-dap').query({ xa: '29377' }).expect(200)).text).not.toContain('value="29377"');
    expect((await page(coord, '/dieu-phoi/hoi-dap').expect(200)).text).toContain(`Đã gỡ 02/03/2026`);
    await publish(codes.road, 'Đường vào ấp Hòa Thuận đã được gia cố', '2026-03-02T09:30:00+07:00');
    t.clock.set(BASE);
    expect(listed((await t.http().get('/hoi-dap').expect(200)).text)).toEqual([id[codes.road], id[codes.loudspeaker], id[codes.rice]]);
    const audit = await t.ds.query(`SELECT action FROM audit_entries WHERE subject_type = 'published_answer' AND subject_id = $1 ORDER BY id`, [id[codes.road]]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['published_answer.publish', 'published_answer.withdraw', 'published_answer.update']);
  });

  describe('in Chromium', () => {
    let browser: Browser;
    let base: string;

    beforeAll(async () => {
      browser = await launchChromium();
      base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    });
    afterAll(() => browser?.close());

    it('the coordinator publishes with the keyboard alone: code, form, preview, publish', async () => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      await context.addCookies([{ name: SESSION_COOKIE, value: encodeURIComponent(coord), url: base }]);
      const p = await context.newPage();
      const focusOn = async (selector: string) => {
        for (let i = 0; i < 60; i++) {
          if (await p.evaluate(`!!document.activeElement?.matches(${JSON.stringify(selector)})`)) return;
          await p.keyboard.press('Tab');
        }
        throw new Error(`Tab never reached ${selector}`);
      };
      await p.goto(`${base}/dieu-phoi/hoi-dap`);
      expect(await p.locator('#menu-hoi-dap[aria-current=page]').count()).toBe(1);
      await focusOn('#ticket');
      await p.keyboard.type(codes.browser.toLowerCase());
      await Promise.all([p.waitForURL(/\/dieu-phoi\/hoi-dap\/moi\?/), p.keyboard.press('Enter')]);
      expect(await checkPage(p, 'answers-publish')).toEqual([]);
      // the title is edited with the keyboard, then the preview
      await focusOn('#title');
      await p.keyboard.press('ControlOrMeta+a');
      await p.keyboard.type('Thủ tục đăng ký trợ cấp người cao tuổi');
      await focusOn('#nut-xem-truoc');
      await Promise.all([p.waitForLoadState(), p.keyboard.press('Enter')]);
      await p.locator('#nut-cong-bo').waitFor();
      expect(await p.locator('#hd-tieu-de').textContent()).toBe('Thủ tục đăng ký trợ cấp người cao tuổi');
      expect(await checkPage(p, 'answers-preview')).toEqual([]);
      await focusOn('#nut-cong-bo');
      await Promise.all([p.waitForURL(/da=cong-bo/), p.keyboard.press('Enter')]);
      expect(await p.locator('#thong-bao').textContent()).toBe('Đã công bố bài hỏi đáp.');
      expect(await checkPage(p, 'answers-staff-list')).toEqual([]);
      const [row] = await t.ds.query('SELECT title FROM published_answers WHERE ticket_code = $1', [codes.browser]);
      expect(row.title).toBe('Thủ tục đăng ký trợ cấp người cao tuổi');
      await context.close();
    }, 90_000);

    it('a citizen on a phone searches /hoi-dap and reads an answer with the keyboard; the pages need no script', async () => {
      // axe runs as a script in the page, so the browser keeps scripts on; the pages themselves have none (a GET
      // form and links), which the HTML below shows
      for (const path of ['/hoi-dap', `/hoi-dap?q=tro+cap`]) expect((await t.http().get(path).expect(200)).text).not.toContain('<script');
      const context = await browser.newContext({ viewport: PHONE_SCREEN });
      const p = await context.newPage();
      await p.goto(`${base}/hoi-dap`);
      await p.locator('#q').focus();
      await p.keyboard.type('tro cap');
      await Promise.all([p.waitForURL(/q=tro\+cap/), p.keyboard.press('Enter')]);
      expect(await p.locator('ol.answers > li').count()).toBe(1);
      expect(await checkPage(p, 'answers-public')).toEqual([]);
      expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE_SCREEN.width);
      await p.locator('ol.answers h2 a').first().focus();
      await Promise.all([p.waitForURL(/\/hoi-dap\/\d+$/), p.keyboard.press('Enter')]);
      expect(await p.locator('#hd-tra-loi').textContent()).toContain('bộ phận một cửa');
      expect((await t.http().get(new URL(p.url()).pathname).expect(200)).text).not.toContain('<script');
      expect(await checkPage(p, 'answers-public-answer')).toEqual([]);
      expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE_SCREEN.width);
      await context.close();
    }, 90_000);
  });
});
