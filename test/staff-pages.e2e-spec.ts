import type { Browser, BrowserContext, Page } from 'playwright-core';
import { OverdueService } from '../src/sla/overdue.service.js';
import { bearer, listen, startTestApp, TEST_PASSWORD, tokensFor, type TestApp } from './support/test-app.js';
import { closeAll } from './support/browser.js';
import { browserSession } from './support/pages.js';

/**
 * The staff pages (src/web/): sign-in with a session cookie, the ticket list, one ticket with the forms of the
 * actions its reader may take now, the overdue list; over plain HTTP with supertest, then once in real headless
 * Chromium on a phone screen with JavaScript off, from the link of an overdue e-mail to "Đã xử lý".
 */

const BASE = '2026-03-02T09:00:00+07:00'; // a Monday, 09:00 in Viet Nam
const CODE = /PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}/g;
const COOKIE = 'tongdai1022_phien';
const PHONE_SCREEN = { width: 390, height: 844 };

/** The same page twice, whatever the nonce and the codes in it. */
const normalize = (html: string) => html.replace(/nonce-[^']+'/g, "nonce-'").replace(/nonce="[^"]+"/g, 'nonce=""').replace(CODE, 'PA-XXXX-XXXX');
const formOf = (html: string, action: string) => new RegExp(`<form class="card action" id="form-${action}"[\\s\\S]*?</form>`).exec(html)?.[0] ?? null;
const valueOf = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const formsOn = (html: string) => [...html.matchAll(/<form class="card action" id="form-([a-z]+)"/g)].map((m) => m[1]);
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
/** The text of the element with that id, as a person reads it (tags dropped, entities decoded, spaces collapsed). */
const textOf = (html: string, id: string) => new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</(?:dd|div|p|span)>`).exec(html)?.[1]
  .replace(/<[^>]+>/g, '').replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]).replace(/\s+/g, ' ').trim();

describe('staff pages over HTTP (e2e)', () => {
  let t: TestApp;
  let op: string;
  let admin: string;
  const users = { hoaLoi: 'canbo.hoaloi', soYte: 'canbo.soyte', coord: 'dieuphoi.vien', leaderVP: 'lanhdao.chauthanh', locked: 'canbo.tamnghi' };

  beforeAll(async () => {
    t = await startTestApp({ now: BASE, env: { PUBLIC_URL: 'https://tongdai1022.travinh.gov.vn', TOKEN_TTL_HOURS: '720' } });
    [op, admin] = await tokensFor(t, ['operator', 'admin']);
    await tokensFor(t, [
      ['unit_staff', 'UB-29401', users.hoaLoi], ['unit_staff', 'SO-YTE', users.soYte],
      ['coordinator', null, users.coord], ['leader', 'VP-847', users.leaderVP],
      ['unit_staff', 'UB-29401', users.locked],
    ]);
  });
  afterAll(() => t?.close());

  async function create(body: Record<string, unknown>): Promise<{ code: string; assignedUnit: { code: string; name: string } | null; dueAt: string }> {
    const res = await t.http().post('/api/tickets').set(bearer(op)).send({ channel: 'hotline', reporterName: 'Trần Thị Mai', content: 'Chưa nhận được hỗ trợ.', ...body });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Signs in through the form; the session cookie as a Cookie header. */
  async function login(username: string, next?: string): Promise<string> {
    const res = await t.http().post('/dang-nhap').type('form').send({ username, password: TEST_PASSWORD, ...(next ? { next } : {}) });
    expect(res.status).toBe(303);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${COOKIE}=`))!;
    return cookie.split(';')[0];
  }
  const get = (cookie: string, path: string) => t.http().get(path).set('Cookie', cookie);

  /** Sends the ticket page's form for an action, with its hidden fields (CSRF token, version) and these values. */
  async function submit(cookie: string, code: string, action: string, fields: Record<string, string> = {}, override: Record<string, string> = {}) {
    const page = await get(cookie, `/tickets/${code}`).expect(200);
    const form = formOf(page.text, action);
    if (!form) throw new Error(`no "${action}" form on the page of ${code}: ${formsOn(page.text).join(', ')}`);
    const hidden: Record<string, string> = { _csrf: valueOf(form, '_csrf')! };
    const version = valueOf(form, 'version');
    if (version) hidden.version = version;
    return t.http().post(`/tickets/${code}/${action}`).set('Cookie', cookie).type('form').send({ ...hidden, ...fields, ...override });
  }

  const snapshot = async (code: string) => {
    const [row] = await t.ds.query('SELECT id, status, version, assigned_unit_code, resolution FROM tickets WHERE code = $1', [code]);
    const [{ n }] = await t.ds.query('SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1', [row.id]);
    return { status: row.status as string, version: row.version as number, unit: row.assigned_unit_code as string | null, resolution: row.resolution as string | null, events: n as number };
  };
  const lastEvent = async (code: string) =>
    (await t.ds.query(
      `SELECT e.type, e.actor_name, e.note, e.internal, e.from_status, e.to_status, e.to_unit_code FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
        WHERE t.code = $1 ORDER BY e.at DESC, e.id DESC LIMIT 1`, [code]))[0];

  describe('signing in', () => {
    it('every page redirects to the login page without a valid session, and a form sent without one changes nothing', async () => {
      const tk = await create({ categoryCode: 'AN-SINH', areaCode: '29401' });
      for (const [path, next] of [['/tickets', '/tickets'], ['/tickets?status=assigned&q=m%C3%A1y', '/tickets?status=assigned&q=m%C3%A1y'], [`/tickets/${tk.code}`, `/tickets/${tk.code}`], ['/tre-han', '/tre-han']]) {
        const res = await t.http().get(path);
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe(`/dang-nhap?next=${encodeURIComponent(next)}`);
        // a forged or foreign cookie is no session either, and is cleared
        const bad = await t.http().get(path).set('Cookie', `${COOKIE}=eyJhbGciOiJIUzI1NiJ9.e30.AAAA`);
        expect(bad.status).toBe(303);
        expect((bad.headers['set-cookie'] as unknown as string[])[0]).toMatch(new RegExp(`^${COOKIE}=;.*Expires=Thu, 01 Jan 1970`));
      }
      const before = await snapshot(tk.code);
      const post = await t.http().post(`/tickets/${tk.code}/accept`).type('form').send({ _csrf: 'x', version: String(before.version) });
      expect(post.status).toBe(303);
      expect(post.headers.location).toBe(`/dang-nhap?next=${encodeURIComponent(`/tickets/${tk.code}`)}`);
      expect(await snapshot(tk.code)).toEqual(before);
    });

    it('shows the login form in Vietnamese; a wrong password gets the form again with the error and no cookie', async () => {
      const form = await t.http().get('/dang-nhap?next=/tickets/PA-2222-2222').expect(200);
      expect(form.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(form.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(form.text).toContain('<html lang="vi">');
      expect(form.text).toContain('<h1>Đăng nhập</h1>');
      expect(form.text).toContain('<input type="hidden" name="next" value="/tickets/PA-2222-2222">');

      for (const [password, status] of [['sai-mat-khau', 401], ['', 400]] as const) {
        const res = await t.http().post('/dang-nhap').type('form').send({ username: users.hoaLoi, password, next: '/tickets/PA-2222-2222' });
        expect(res.status).toBe(status);
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(textOf(res.text, 'loi')).toBe(status === 401 ? 'Tên đăng nhập hoặc mật khẩu không đúng.' : 'Vui lòng nhập tên đăng nhập và mật khẩu.');
        expect(res.text).toContain(`id="username" name="username" value="${users.hoaLoi}"`);
        expect(res.text).toContain('name="next" value="/tickets/PA-2222-2222"');
      }
      const unknown = await t.http().post('/dang-nhap').type('form').send({ username: 'khong.ton.tai', password: TEST_PASSWORD });
      expect(unknown.status).toBe(401);
      expect(textOf(unknown.text, 'loi')).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
    });

    it('sets an HttpOnly, SameSite=Lax, Secure cookie holding the access token and goes to `next`, only when it is a local path', async () => {
      const res = await t.http().post('/dang-nhap').type('form').send({ username: users.hoaLoi, password: TEST_PASSWORD, next: '/tickets?status=assigned' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/tickets?status=assigned');
      const cookies = res.headers['set-cookie'] as unknown as string[];
      expect(cookies).toHaveLength(1);
      const attrs = cookies[0].split(/;\s*/);
      expect(attrs).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/', `Max-Age=${720 * 3600}`]));
      // the cookie holds the API's own access token
      const token = attrs[0].slice(COOKIE.length + 1);
      const me = await t.http().get('/api/auth/me').set(bearer(token)).expect(200);
      expect(me.body).toMatchObject({ username: users.hoaLoi, role: 'unit_staff', unitCode: 'UB-29401' });

      for (const next of ['https://evil.example/tickets', '//evil.example/tickets', '/\\evil.example', 'javascript:alert(1)', '/dang-nhap?next=//evil.example', '']) {
        const r = await t.http().post('/dang-nhap').type('form').send({ username: users.hoaLoi, password: TEST_PASSWORD, next });
        expect([next, r.status, r.headers.location]).toEqual([next, 303, '/tickets']);
      }
      // the login page of someone signed in goes straight on
      const again = await t.http().get('/dang-nhap?next=/tre-han').set('Cookie', attrs[0]);
      expect([again.status, again.headers.location]).toEqual([303, '/tre-han']);
    });

    it('a deactivated account loses its pages at once', async () => {
      const cookie = await login(users.locked);
      await get(cookie, '/tickets').expect(200);
      await t.http().patch(`/api/users/${users.locked}`).set(bearer(admin)).send({ active: false }).expect(200);
      const res = await get(cookie, '/tickets');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/dang-nhap?next=%2Ftickets');
    });
  });

  describe('a unit staff', () => {
    let hl: { code: string; assignedUnit: { code: string; name: string } | null; dueAt: string };
    let sy: { code: string };
    let cookie: string;

    beforeAll(async () => {
      hl = await create({
        categoryCode: 'AN-SINH', areaCode: '29401', reporterName: 'Nguyễn Văn <b>Tư</b>', reporterPhone: '+84 912 345 678', address: 'Ấp Bến Có',
        content: 'Gia đình chưa nhận được gạo hỗ trợ. <script>alert(1)</script>',
      });
      sy = await create({ categoryCode: 'Y-TE' });
      expect(hl.assignedUnit?.code).toBe('UB-29401');
      cookie = await login(users.hoaLoi);
    });

    it('lists exactly the tickets TicketsService gives them: their unit\'s, not another unit\'s', async () => {
      const page = await get(cookie, '/tickets').expect(200);
      const token = cookie.slice(COOKIE.length + 1);
      const api = await t.http().get('/api/tickets').query({ pageSize: 100, sort: 'deadline' }).set(bearer(token)).expect(200);
      const listed = [...page.text.matchAll(/<tr[^>]*data-code="([^"]+)"/g)].map((m) => m[1]);
      expect(listed).toEqual(api.body.items.map((i: { code: string }) => i.code).slice(0, 50));
      expect(listed).toContain(hl.code);
      expect(page.text).not.toContain(sy.code);
      expect(textOf(page.text, 'tong-so')).toBe(`Có ${api.body.total} phản ánh.`);
      expect(api.body.items.every((i: { assignedUnit: { code: string } }) => i.assignedUnit.code === 'UB-29401')).toBe(true);
      // no link to the overdue list for unit staff, and that page refuses them
      expect(page.text).not.toContain('href="/tre-han"');
      const overdue = await get(cookie, '/tre-han');
      expect(overdue.status).toBe(403);
      expect(overdue.text).toContain('Không có quyền truy cập');
    });

    it('another unit\'s ticket answers the same 404 page as an unknown code', async () => {
      const other = await get(cookie, `/tickets/${sy.code}`);
      const unknown = await get(cookie, '/tickets/PA-2222-2222');
      expect(other.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(normalize(other.text)).toBe(normalize(unknown.text));
      expect(textOf(other.text, 'thong-bao')).toBe(`Không tìm thấy phản ánh mã "${sy.code}".`);
      // and the coordinator does see it
      const coord = await login(users.coord);
      await get(coord, `/tickets/${sy.code}`).expect(200);
    });

    it('shows the ticket: status, unit, category, area, reporter with the phone in national form, content, deadline, timeline, escaped', async () => {
      const page = await get(cookie, `/tickets/${hl.code.toLowerCase()}`).expect(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.text).toContain(`<h1>Phản ánh ${hl.code}</h1>`);
      expect(textOf(page.text, 'trang-thai')).toBe('Đã chuyển đơn vị xử lý');
      expect(textOf(page.text, 'don-vi')).toBe(hl.assignedUnit!.name);
      expect(textOf(page.text, 'linh-vuc')).toBe('Hỗ trợ an sinh xã hội, lương thực');
      expect(textOf(page.text, 'dia-ban')).toBe('Xã Hòa Lợi, Huyện Châu Thành');
      expect(textOf(page.text, 'dia-chi')).toBe('Ấp Bến Có');
      expect(textOf(page.text, 'so-dien-thoai')).toBe('0912345678');
      expect(page.text).toContain('href="tel:0912345678"');
      expect(page.text).toContain('Nguyễn Văn &lt;b&gt;Tư&lt;/b&gt;');
      expect(page.text).toContain('Gia đình chưa nhận được gạo hỗ trợ. &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.text).not.toMatch(/<script>alert|<b>Tư/);
      // AN-SINH: 24 working hours from Monday 09:00 is Thursday 09:00
      expect(textOf(page.text, 'han-xu-ly')).toBe('09:00 05/03/2026 — còn 24 giờ làm việc');
      expect(page.text).toMatch(/<ol class="timeline" id="qua-trinh">\s*<li data-type="created"><span class="time">09:00 02\/03\/2026 · [^<]+<\/span><strong>Tiếp nhận phản ánh qua Tổng đài 1022, chuyển đến /);
      // the actions of unit staff on an assigned ticket, from TRANSITIONS: accept and return (and the comment box)
      expect(formsOn(page.text)).toEqual(['accept', 'return', 'comment']);
    });

    it('acts through the forms: each changes the ticket, writes the event, and redirects back (Post/Redirect/Get)', async () => {
      const accepted = await submit(cookie, hl.code, 'accept', { note: 'Đã liên hệ người dân.' });
      expect(accepted.status).toBe(303);
      expect(accepted.headers.location).toBe(`/tickets/${hl.code}?da=accept`);
      expect(await snapshot(hl.code)).toMatchObject({ status: 'in_progress' });
      expect(await lastEvent(hl.code)).toMatchObject({ type: 'accepted', actor_name: users.hoaLoi, note: 'Đã liên hệ người dân.', from_status: 'assigned', to_status: 'in_progress' });
      const after = await get(cookie, accepted.headers.location).expect(200);
      expect(textOf(after.text, 'thong-bao')).toBe('Đã tiếp nhận phản ánh.');
      expect(textOf(after.text, 'trang-thai')).toBe('Đang xử lý');
      expect(formsOn(after.text)).toEqual(['return', 'resolve', 'comment']);

      const commented = await submit(cookie, hl.code, 'comment', { text: 'Chờ danh sách hộ nghèo của ấp.' });
      expect(commented.status).toBe(303);
      expect(await lastEvent(hl.code)).toMatchObject({ type: 'comment', note: 'Chờ danh sách hộ nghèo của ấp.', internal: true });
      const published = await submit(cookie, hl.code, 'comment', { text: 'Xã đang xác minh, sẽ trả lời trong tuần.', public: 'on' });
      expect(published.status).toBe(303);
      expect(await lastEvent(hl.code)).toMatchObject({ type: 'comment', internal: false });
      const timeline = (await get(cookie, `/tickets/${hl.code}`)).text;
      expect(timeline).toMatch(/<li class="internal" data-type="comment">[^\n]*Ý kiến nội bộ<\/strong> <span class="badge internal">Nội bộ<\/span><div class="note">Chờ danh sách hộ nghèo của ấp.<\/div><\/li>/);
      expect(timeline).toMatch(/<li data-type="comment">[^\n]*Thông báo cho người dân<\/strong><div class="note">Xã đang xác minh, sẽ trả lời trong tuần.<\/div><\/li>/);

      const resolved = await submit(cookie, hl.code, 'resolve', { resolution: 'Đã cấp 30 kg gạo cho gia đình ngày 02/03.' });
      expect(resolved.status).toBe(303);
      expect(await snapshot(hl.code)).toMatchObject({ status: 'resolved', resolution: 'Đã cấp 30 kg gạo cho gia đình ngày 02/03.' });
      expect(await lastEvent(hl.code)).toMatchObject({ type: 'resolved', actor_name: users.hoaLoi, from_status: 'in_progress', to_status: 'resolved' });
      const done = await get(cookie, resolved.headers.location).expect(200);
      expect(textOf(done.text, 'trang-thai')).toBe('Đã xử lý');
      expect(textOf(done.text, 'ket-qua')).toBe('Đã cấp 30 kg gạo cho gia đình ngày 02/03.');
      expect(formsOn(done.text)).toEqual(['comment']);
    });

    it('refuses a wrong, missing or foreign CSRF token with 403 and changes nothing', async () => {
      const tk = await create({ categoryCode: 'AN-SINH', areaCode: '29401' });
      const before = await snapshot(tk.code);
      const foreign = (await get(await login(users.soYte), '/tickets')).text;
      for (const csrf of ['sai-ma', '', valueOf(foreign, '_csrf')!]) {
        const res = await submit(cookie, tk.code, 'accept', {}, { _csrf: csrf });
        expect(res.status).toBe(403);
        expect(res.text).toContain('<h1>Biểu mẫu không hợp lệ</h1>');
        expect(await snapshot(tk.code)).toEqual(before);
      }
      // signing out needs the token too
      const out = await t.http().post('/dang-xuat').set('Cookie', cookie).type('form').send({ _csrf: 'sai-ma' });
      expect(out.status).toBe(403);
      expect(out.headers['set-cookie']).toBeUndefined();
    });

    it('shows a Vietnamese error on 400 (an empty result) and 409 (someone else changed it), keeping what was typed and writing nothing', async () => {
      const tk = await create({ categoryCode: 'AN-SINH', areaCode: '29401' });
      expect((await submit(cookie, tk.code, 'accept')).status).toBe(303);
      let before = await snapshot(tk.code);
      const empty = await submit(cookie, tk.code, 'resolve', { resolution: '   ' });
      expect(empty.status).toBe(400);
      expect(empty.text).toContain('Chưa thực hiện được: vui lòng kiểm tra lại thông tin đã nhập.');
      expect(empty.text).toContain('<li>Kết quả xử lý: không được để trống.</li>');
      expect(await snapshot(tk.code)).toEqual(before);
      const long = `Không thuộc thẩm quyền <của xã>. ${'x'.repeat(2000)}`;
      const tooLong = await submit(cookie, tk.code, 'return', { reason: long });
      expect(tooLong.status).toBe(400);
      expect(tooLong.text).toContain('<li>Lý do: dài tối đa 2000 ký tự.</li>');
      expect(tooLong.text).toContain(`name="reason" rows="3" maxlength="2000" required>${long.replace('<', '&lt;').replace('>', '&gt;')}</textarea>`);
      expect(await snapshot(tk.code)).toEqual(before);

      // the page is opened; meanwhile the coordinator moves the ticket to another commune and back; the form sent from
      // the old page is refused, and the ticket page shows what it is now
      const page = await get(cookie, `/tickets/${tk.code}`).expect(200);
      const form = formOf(page.text, 'resolve')!;
      const coord = (await login(users.coord)).slice(COOKIE.length + 1);
      await t.http().post(`/api/tickets/${tk.code}/assign`).set(bearer(coord)).send({ unitCode: 'UB-29404' }).expect(200);
      await t.http().post(`/api/tickets/${tk.code}/assign`).set(bearer(coord)).send({ unitCode: 'UB-29401' }).expect(200);
      before = await snapshot(tk.code);
      const stale = await t.http().post(`/tickets/${tk.code}/resolve`).set('Cookie', cookie).type('form')
        .send({ _csrf: valueOf(form, '_csrf'), version: valueOf(form, 'version'), resolution: 'Đã giải quyết xong.' });
      expect(stale.status).toBe(409);
      expect(textOf(stale.text, 'loi')).toBe('Phản ánh vừa được người khác cập nhật; vui lòng tải lại và thử lại. Thông tin bên dưới là tình trạng mới nhất của phản ánh.');
      expect(textOf(stale.text, 'trang-thai')).toBe('Đã chuyển đơn vị xử lý');
      expect(await snapshot(tk.code)).toEqual(before);
      // the page shown is the current one: the form of the new state, with its new version
      expect(formsOn(stale.text)).toEqual(['accept', 'return', 'comment']);
      expect(valueOf(formOf(stale.text, 'accept')!, 'version')).toBe(String(before.version));
    });

    it('returning a ticket takes it out of sight: back to the list with a message', async () => {
      const tk = await create({ categoryCode: 'AN-SINH', areaCode: '29401' });
      const res = await submit(cookie, tk.code, 'return', { reason: 'Không thuộc thẩm quyền của xã.' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/tickets?da=return&ma=${tk.code}`);
      expect(await snapshot(tk.code)).toMatchObject({ status: 'received', unit: null });
      expect(await lastEvent(tk.code)).toMatchObject({ type: 'returned', note: 'Không thuộc thẩm quyền của xã.' });
      const list = await get(cookie, res.headers.location).expect(200);
      expect(textOf(list.text, 'thong-bao')).toBe(`Đã trả lại phản ánh ${tk.code} cho điều phối viên.`);
      expect(list.text).not.toContain(`data-code="${tk.code}"`);
      await get(cookie, `/tickets/${tk.code}`).expect(404);
      // the coordinator reads why, above everything else on the ticket's page
      const back = await get(await login(users.coord), `/tickets/${tk.code}`).expect(200);
      expect(/id="chi-dao-tieu-de">([^<]*)<\/h2>/.exec(back.text)?.[1]).toBe('Lý do UBND xã Hòa Lợi trả lại phản ánh');
      expect(textOf(back.text, 'chi-dao-noi-dung')).toBe('Không thuộc thẩm quyền của xã.');
      expect(back.text.indexOf('id="chi-dao"')).toBeLessThan(back.text.indexOf('id="trang-thai"'));
      // sent again to a unit with an instruction, that instruction is what the unit reads first
      const coordToken = (await login(users.coord)).slice(COOKIE.length + 1);
      await t.http().post(`/api/tickets/${tk.code}/assign`).set(bearer(coordToken)).send({ unitCode: 'UB-29401', note: 'Xã phối hợp với huyện xác minh.' }).expect(200);
      const again = await get(cookie, `/tickets/${tk.code}`).expect(200);
      expect(/id="chi-dao-tieu-de">([^<]*)<\/h2>/.exec(again.text)?.[1]).toBe('Chỉ đạo xử lý');
      expect(textOf(again.text, 'chi-dao-noi-dung')).toBe('Xã phối hợp với huyện xác minh.');
    });
  });

  describe('a coordinator', () => {
    let cookie: string;
    beforeAll(async () => {
      cookie = await login(users.coord);
    });

    it('assigns with the unit select, closes, reopens and rejects, with the forms TRANSITIONS allows in each state', async () => {
      const tk = await create({ categoryCode: 'KHAC' });
      expect(tk.assignedUnit).toBeNull();
      const page = await get(cookie, `/tickets/${tk.code}`).expect(200);
      expect(formsOn(page.text)).toEqual(['assign', 'reject', 'extend', 'comment']);
      const select = /<select id="assign-unitCode" name="unitCode"[^>]*>([\s\S]*?)<\/select>/.exec(page.text)![1];
      const unitRows: Array<{ n: number }> = await t.ds.query('SELECT count(*)::int AS n FROM units WHERE active');
      expect([...select.matchAll(/<option value="([^"]+)"/g)]).toHaveLength(unitRows[0].n);
      expect(select).toContain('<option value="SO-YTE">Sở Y tế</option>');
      expect(select).toMatch(/<optgroup label="Cấp xã">[\s\S]*<option value="UB-29401">/);

      const assigned = await submit(cookie, tk.code, 'assign', { unitCode: 'UB-29401', note: 'Giao xã xác minh.' });
      expect(assigned.status).toBe(303);
      expect(await snapshot(tk.code)).toMatchObject({ status: 'assigned', unit: 'UB-29401' });
      expect(await lastEvent(tk.code)).toMatchObject({ type: 'assigned', to_unit_code: 'UB-29401', note: 'Giao xã xác minh.', actor_name: users.coord });
      const now = await get(cookie, assigned.headers.location);
      expect(textOf(now.text, 'thong-bao')).toBe('Đã phân công phản ánh.');
      expect(formsOn(now.text)).toEqual(['assign', 'reject', 'extend', 'comment']);
      expect(now.text).toContain('<h3>Chuyển đơn vị xử lý</h3>');

      const staff = await login(users.hoaLoi);
      expect((await submit(staff, tk.code, 'accept')).status).toBe(303);
      expect((await submit(staff, tk.code, 'resolve', { resolution: 'Đã xử lý.' })).status).toBe(303);
      expect(formsOn((await get(cookie, `/tickets/${tk.code}`)).text)).toEqual(['close', 'reopen', 'comment']);
      expect((await submit(cookie, tk.code, 'close')).status).toBe(303);
      expect(await snapshot(tk.code)).toMatchObject({ status: 'closed' });
      expect(await lastEvent(tk.code)).toMatchObject({ type: 'closed' });

      const noReason = await submit(cookie, tk.code, 'reopen', { reason: '' });
      expect(noReason.status).toBe(400);
      expect(noReason.text).toContain('<li>Lý do: không được để trống.</li>');
      expect((await submit(cookie, tk.code, 'reopen', { reason: 'Người dân phản ánh chưa nhận đủ.' })).status).toBe(303);
      expect(await snapshot(tk.code)).toMatchObject({ status: 'assigned', unit: 'UB-29401' });
      expect(await lastEvent(tk.code)).toMatchObject({ type: 'reopened', note: 'Người dân phản ánh chưa nhận đủ.' });

      const noOriginal = await submit(cookie, tk.code, 'reject', { reason: 'duplicate', note: 'Trùng phản ánh hôm qua.', confirm: 'on' });
      expect(noOriginal.status).toBe(400);
      expect(noOriginal.text).toContain('<li>Mã phản ánh trùng: bắt buộc khi lý do là trùng phản ánh (duplicate).</li>');
      expect(noOriginal.text).toContain('<option value="duplicate" selected>');
      expect(noOriginal.text).toContain('name="note" rows="2" maxlength="2000">Trùng phản ánh hôm qua.</textarea>');
      expect(await snapshot(tk.code)).toMatchObject({ status: 'assigned' });
      expect((await submit(cookie, tk.code, 'reject', { reason: 'out_of_scope', note: 'Thuộc thẩm quyền tòa án.', confirm: 'on' })).status).toBe(303);
      expect(await snapshot(tk.code)).toMatchObject({ status: 'rejected' });
      const rejected = await get(cookie, `/tickets/${tk.code}`);
      expect(textOf(rejected.text, 'trang-thai')).toBe('Không xử lý');
      expect(textOf(rejected.text, 'ly-do-tu-choi')).toBe('Không thuộc phạm vi tiếp nhận');
      expect(rejected.text).toContain('<strong>Từ chối xử lý: không thuộc phạm vi tiếp nhận</strong>');
    });

    it('an action of another role is not offered, and sent anyway answers 403 with nothing written', async () => {
      const tk = await create({ categoryCode: 'AN-SINH', areaCode: '29401' });
      const page = await get(cookie, `/tickets/${tk.code}`);
      expect(formsOn(page.text)).not.toContain('accept');
      const before = await snapshot(tk.code);
      const res = await t.http().post(`/tickets/${tk.code}/accept`).set('Cookie', cookie).type('form').send({ _csrf: valueOf(page.text, '_csrf') });
      expect(res.status).toBe(403);
      expect(textOf(res.text, 'loi')).toBe('Vai trò của bạn không được tiếp nhận phản ánh.');
      expect(await snapshot(tk.code)).toEqual(before);
      // an action that does not exist is no page at all
      const unknown = await t.http().post(`/tickets/${tk.code}/delete`).set('Cookie', cookie).type('form').send({ _csrf: valueOf(page.text, '_csrf') });
      expect(unknown.status).toBe(404);
    });
  });

  describe('extending a deadline', () => {
    let coord: string;
    let staff: string;
    const dueAtOf = async (code: string) => ((await t.ds.query('SELECT due_at FROM tickets WHERE code = $1', [code]))[0].due_at as Date).toISOString();
    const extensions = async (code: string) => (await t.ds.query(
      `SELECT count(*)::int AS n FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.code = $1 AND e.type = 'deadline_extended'`, [code]))[0].n as number;

    beforeAll(async () => {
      t.clock.set(BASE);
      [coord, staff] = await Promise.all([login(users.coord), login(users.hoaLoi)]);
    });

    it('offers coordinators the form on open tickets only, prefilled with the deadline in Vietnam time; never unit staff', async () => {
      const tk = await create({ categoryCode: 'AN-SINH', areaCode: '29401' });
      const page = await get(coord, `/tickets/${tk.code}`).expect(200);
      expect(formsOn(page.text)).toContain('extend');
      const form = formOf(page.text, 'extend')!;
      expect(form).toContain(`action="/tickets/${tk.code}/extend"`);
      expect(form).toContain('<h3>Gia hạn xử lý</h3>');
      // AN-SINH: due Thursday 09:00 in Viet Nam
      // dd/mm/yyyy and 24-hour time as text, whatever the browser's language (a date input would follow its locale)
      expect(form).toContain('<input type="text" id="extend-dueDate" name="dueDate" value="05/03/2026" placeholder="dd/mm/yyyy" pattern="[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"');
      expect(form).toContain('<input type="text" id="extend-dueTime" name="dueTime" value="09:00" placeholder="HH:mm" pattern="[0-9]{1,2}:[0-9]{2}"');
      expect(form).not.toMatch(/type="(date|time|datetime-local)"/);
      expect(form).toContain('<label for="extend-reason">Lý do gia hạn</label>');
      expect(form).toMatch(/<textarea id="extend-reason" name="reason" rows="3" maxlength="2000" required><\/textarea>/);
      expect(valueOf(form, 'version')).toBe(String((await snapshot(tk.code)).version));

      expect(formsOn((await get(staff, `/tickets/${tk.code}`).expect(200)).text)).toEqual(['accept', 'return', 'comment']);
      expect((await submit(staff, tk.code, 'accept')).status).toBe(303);
      expect(formsOn((await get(coord, `/tickets/${tk.code}`)).text)).toEqual(['assign', 'reject', 'extend', 'comment']);
      expect((await submit(staff, tk.code, 'resolve', { resolution: 'Đã xử lý.' })).status).toBe(303);
      const resolved = await get(coord, `/tickets/${tk.code}`).expect(200);
      expect(formsOn(resolved.text)).toEqual(['close', 'reopen', 'comment']);
      expect(formOf(resolved.text, 'extend')).toBeNull();
    });

    it('posted by unit staff anyway: 403 with nothing changed', async () => {
      const tk = await create({ categoryCode: 'AN-SINH', areaCode: '29401' });
      const page = await get(staff, `/tickets/${tk.code}`).expect(200);
      const before = { row: await snapshot(tk.code), dueAt: await dueAtOf(tk.code) };
      const res = await t.http().post(`/tickets/${tk.code}/extend`).set('Cookie', staff).type('form')
        .send({ _csrf: valueOf(page.text, '_csrf'), version: String(before.row.version), dueDate: '10/03/2026', dueTime: '09:00', reason: 'Xin thêm thời gian.' });
      expect(res.status).toBe(403);
      expect(textOf(res.text, 'loi')).toBe('Chỉ điều phối viên được gia hạn xử lý phản ánh.');
      expect(formsOn(res.text)).not.toContain('extend');
      expect({ row: await snapshot(tk.code), dueAt: await dueAtOf(tk.code) }).toEqual(before);
    });

    it('a later deadline in Vietnam time moves the deadline and writes "deadline_extended" with the reason (Post/Redirect/Get)', async () => {
      const tk = await create({ categoryCode: 'AN-SINH', areaCode: '29401' });
      const reason = 'Cần xác minh thêm danh sách hộ nghèo <ấp Sóc Ruộng>.';
      const res = await submit(coord, tk.code, 'extend', { dueDate: '6/3/2026', dueTime: '16:30', reason });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/tickets/${tk.code}?da=extend`);
      const token = coord.slice(COOKIE.length + 1);
      const deadline = await t.http().get(`/api/tickets/${tk.code}/deadline`).set(bearer(token)).expect(200);
      expect(deadline.body.dueAt).toBe('2026-03-06T09:30:00.000Z');
      expect(await dueAtOf(tk.code)).toBe('2026-03-06T09:30:00.000Z');
      expect(await lastEvent(tk.code)).toMatchObject({ type: 'deadline_extended', actor_name: users.coord, note: reason, from_status: 'assigned', to_status: 'assigned' });

      const after = await get(coord, res.headers.location).expect(200);
      expect(textOf(after.text, 'thong-bao')).toBe('Đã gia hạn xử lý phản ánh.');
      expect(textOf(after.text, 'han-xu-ly')).toMatch(/^16:30 06\/03\/2026 — còn /);
      expect([valueOf(formOf(after.text, 'extend')!, 'dueDate'), valueOf(formOf(after.text, 'extend')!, 'dueTime')]).toEqual(['06/03/2026', '16:30']);
      expect(after.text).toContain('<strong>Gia hạn xử lý đến 16:30 06/03/2026</strong>');
      expect(after.text).toContain('Cần xác minh thêm danh sách hộ nghèo &lt;ấp Sóc Ruộng&gt;.');
    });

    it('a deadline not after the current one: the service\'s reason next to the field, the values kept, nothing changed', async () => {
      const tk = await create({ categoryCode: 'AN-SINH', areaCode: '29401' });
      const before = { row: await snapshot(tk.code), dueAt: await dueAtOf(tk.code), n: await extensions(tk.code) };
      for (const [dueDate, dueTime] of [['04/03/2026', '16:00'], ['05/03/2026', '09:00']]) {
        const res = await submit(coord, tk.code, 'extend', { dueDate, dueTime, reason: 'Chờ ý kiến của huyện.' });
        expect(res.status).toBe(400);
        expect(textOf(res.text, 'loi')).toBe('Chưa thực hiện được: vui lòng kiểm tra lại thông tin đã nhập.');
        expect(res.text).toContain('<li>Hạn xử lý mới: phải sau hạn hiện tại (09:00 05/03/2026).</li>');
        const form = formOf(res.text, 'extend')!;
        expect(form).toMatch(new RegExp(`<input type="text" id="extend-dueDate" name="dueDate" value="${dueDate}" [^>]* required aria-invalid="true" aria-describedby="extend-dueDate-loi">`));
        expect(form).toMatch(new RegExp(`<input type="text" id="extend-dueTime" name="dueTime" value="${dueTime}" [^>]* required>`));
        expect(form).toContain('<p class="error" id="extend-dueDate-loi">Phải sau hạn hiện tại (09:00 05/03/2026).</p>');
        expect(form).toContain('required>Chờ ý kiến của huyện.</textarea>');
        expect({ row: await snapshot(tk.code), dueAt: await dueAtOf(tk.code), n: await extensions(tk.code) }).toEqual(before);
      }
      // a date without a time, and no reason: each field says what is wrong with it, in Vietnamese
      const bare = await submit(coord, tk.code, 'extend', { dueDate: '10/03/2026', dueTime: '', reason: '  ' });
      expect(bare.status).toBe(400);
      expect(bare.text).toContain('<li>Giờ của hạn mới: không được để trống; ghi giờ theo dạng HH:mm (24 giờ), ví dụ 16:30.</li>');
      expect(bare.text).toContain('<li>Lý do: không được để trống.</li>');
      expect(bare.text).toContain('<p class="error" id="extend-dueTime-loi">Không được để trống; ghi giờ theo dạng HH:mm (24 giờ), ví dụ 16:30.</p>');
      expect(bare.text).toContain('<p class="error" id="extend-reason-loi">Không được để trống.</p>');
      expect(formOf(bare.text, 'extend')).toContain('name="dueDate" value="10/03/2026"');
      // a date in another form, a day that does not exist, an afternoon hour in 12-hour form
      for (const [dueDate, dueTime, field, reason] of [
        ['2026-03-10', '09:00', 'dueDate', '"2026-03-10" không phải ngày theo dạng dd/mm/yyyy, ví dụ 05/03/2026'],
        ['30/02/2026', '09:00', 'dueDate', 'không có ngày 30/02/2026'],
        ['10/03/2026', '4:30 PM', 'dueTime', '"4:30 PM" không phải giờ theo dạng HH:mm (24 giờ), ví dụ 16:30'],
        ['10/03/2026', '24:00', 'dueTime', '"24:00" không phải giờ theo dạng HH:mm (24 giờ), ví dụ 16:30'],
      ]) {
        const res = await submit(coord, tk.code, 'extend', { dueDate, dueTime, reason: 'Chờ ý kiến của huyện.' });
        expect([dueDate, dueTime, res.status]).toEqual([dueDate, dueTime, 400]);
        const label = field === 'dueDate' ? 'Ngày của hạn mới' : 'Giờ của hạn mới';
        expect(res.text).toContain(`<li>${label}: ${reason.replace(/"/g, '&quot;')}.</li>`);
        expect(res.text).toContain(`id="extend-${field}-loi"`);
      }
      expect({ row: await snapshot(tk.code), dueAt: await dueAtOf(tk.code), n: await extensions(tk.code) }).toEqual(before);
    });

    it('refuses a wrong CSRF token with 403 and changes nothing', async () => {
      const tk = await create({ categoryCode: 'AN-SINH', areaCode: '29401' });
      const before = { row: await snapshot(tk.code), dueAt: await dueAtOf(tk.code), n: await extensions(tk.code) };
      for (const csrf of ['sai-ma', '']) {
        const res = await submit(coord, tk.code, 'extend', { dueDate: '10/03/2026', dueTime: '09:00', reason: 'Xin thêm thời gian.' }, { _csrf: csrf });
        expect(res.status).toBe(403);
        expect(res.text).toContain('<h1>Biểu mẫu không hợp lệ</h1>');
        expect({ row: await snapshot(tk.code), dueAt: await dueAtOf(tk.code), n: await extensions(tk.code) }).toEqual(before);
      }
    });
  });

  describe('lists', () => {
    const WORDS = 'Cống thoát nước ấp Sóc Ruộng bị tắc';
    let coord: string;
    let codes: string[];

    beforeAll(async () => {
      t.clock.set(BASE);
      codes = [];
      for (let i = 1; i <= 51; i++) codes.push((await create({ categoryCode: 'AN-SINH', areaCode: '29401', content: `${WORDS}, lần ${i}.` })).code);
      const y = await create({ categoryCode: 'Y-TE', content: `${WORDS} gần trạm y tế.` });
      codes.push(y.code);
      coord = await login(users.coord);
      // Friday: the AN-SINH tickets of Monday (due Thursday 09:00) are late, the Y-TE one (40 working hours) not yet
      t.clock.set('2026-03-06T10:00:00+07:00');
    });

    it('searches text without diacritics, pages by 50 keeping the filters, and marks overdue tickets "Trễ hạn"', async () => {
      const first = await get(coord, '/tickets?q=cong%20thoat%20nuoc%20ap%20soc%20ruong').expect(200);
      expect(textOf(first.text, 'tong-so')).toBe('Có 52 phản ánh phù hợp.');
      expect(textOf(first.text, 'so-trang')).toBe('Trang 1/2');
      const items = [...first.text.matchAll(/<tr( class="(?:late|soon)")? data-code="([^"]+)">([\s\S]*?)<\/tr>/g)];
      expect(items).toHaveLength(50);
      const next = /<a href="([^"]+)" rel="next"/.exec(first.text)![1].replace(/&amp;/g, '&');
      expect(next).toBe('/tickets?q=cong+thoat+nuoc+ap+soc+ruong&page=2');
      const second = await get(coord, next).expect(200);
      const more = [...second.text.matchAll(/data-code="([^"]+)"/g)].map((m) => m[1]);
      expect(more).toHaveLength(2);
      expect(new Set([...items.map((m) => m[2]), ...more])).toEqual(new Set(codes));
      expect(second.text).toContain('rel="prev"');
      // "Trễ hạn" on exactly the 51 late ones, which come first (by deadline); the Y-TE one is not late yet
      const all = [...first.text.matchAll(/<tr( class="(?:late|soon)")? data-code="([^"]+)">([\s\S]*?)<\/tr>/g), ...second.text.matchAll(/<tr( class="(?:late|soon)")? data-code="([^"]+)">([\s\S]*?)<\/tr>/g)];
      const late = all.filter((m) => m[3].includes('<span class="badge late">Trễ hạn</span>')).map((m) => m[2]);
      expect(late.sort()).toEqual(codes.slice(0, 51).sort());
      expect(all.filter((m) => m[1] === ' class="late"').map((m) => m[2]).sort()).toEqual(late.sort());
      expect(all[51][2]).toBe(codes[51]);
    });

    it('filters by status and by "overdue only", as the API does', async () => {
      const token = coord.slice(COOKIE.length + 1);
      expect((await submit(coord, codes[0], 'reject', { reason: 'spam', confirm: 'on' })).status).toBe(303);
      for (const [query, api] of [['status=rejected', { status: 'rejected' }], ['overdue=true', { overdue: 'true' }], ['status=assigned&overdue=true&q=soc+ruong', { status: 'assigned', overdue: 'true', q: 'soc ruong' }]] as const) {
        const page = await get(coord, `/tickets?${query}`).expect(200);
        const expected = await t.http().get('/api/tickets').query({ ...api, pageSize: 50, sort: 'deadline' }).set(bearer(token)).expect(200);
        expect([query, [...page.text.matchAll(/data-code="([^"]+)"/g)].map((m) => m[1])]).toEqual([query, expected.body.items.map((i: { code: string }) => i.code)]);
        expect(expected.body.total).toBeGreaterThan(0);
      }
      const rejected = await get(coord, '/tickets?status=rejected');
      expect(rejected.text).toContain('<option value="rejected" selected>Không xử lý</option>');
      expect(rejected.text).toContain(`data-code="${codes[0]}"`);
      const overdueOnly = await get(coord, '/tickets?status=assigned&overdue=true&q=soc+ruong');
      expect(textOf(overdueOnly.text, 'tong-so')).toBe('Có 50 phản ánh phù hợp.');
      expect(overdueOnly.text).toContain('<input type="checkbox" id="overdue" name="overdue" value="true" checked>');
    });

    it('/tre-han: the per-unit overdue list now, for coordinators and for a leader their subtree only', async () => {
      const syLate = await (async () => {
        t.clock.set(BASE);
        const tk = await create({ categoryCode: 'XET-NGHIEM', areaCode: '29401' }); // 24 clock hours
        t.clock.set('2026-03-06T10:00:00+07:00');
        return tk;
      })();
      const expected = await t.app.get(OverdueService).overdueAt(t.clock.now());
      const page = await get(coord, '/tre-han').expect(200);
      expect(textOf(page.text, 'tong-so')).toBe(`Tính đến 10:00 06/03/2026: ${expected.total} phản ánh trễ hạn ở ${expected.units.length} đơn vị.`);
      const sections = [...page.text.matchAll(/<section class="card unit" data-unit="([^"]*)">([\s\S]*?)<\/section>/g)];
      expect(sections.map((s) => s[1])).toEqual(expected.units.map((u) => u.unit?.code ?? ''));
      const hoaLoi = sections.find((s) => s[1] === 'UB-29401')![2];
      const shown = [...hoaLoi.matchAll(/href="\/tickets\/([^"]+)"/g)].map((m) => m[1]);
      expect(shown).toEqual(expected.units.find((u) => u.unit?.code === 'UB-29401')!.tickets.map((x) => x.code));
      expect(shown.filter((c) => codes.includes(c)).length).toBeGreaterThan(0);
      expect(hoaLoi).not.toContain(codes[0]); // rejected: no longer open
      expect(hoaLoi).toContain('Hạn 09:00 05/03/2026 · trễ 1 ngày');
      // XET-NGHIEM goes to Sở Y tế, outside the Châu Thành leader's subtree
      expect(syLate.assignedUnit?.code).toBe('SO-YTE');
      expect(sections.find((s) => s[1] === 'SO-YTE')![2]).toContain(`href="/tickets/${syLate.code}"`);

      const leader = await login(users.leaderVP);
      const scoped = await get(leader, '/tre-han').expect(200);
      const mine = await t.app.get(OverdueService).overdueAt(t.clock.now(), { id: '', username: users.leaderVP, fullName: '', role: 'leader', unitCode: 'VP-847' });
      const leaderUnits = [...scoped.text.matchAll(/data-unit="([^"]*)"/g)].map((m) => m[1]);
      expect(leaderUnits).toEqual(mine.units.map((u) => u.unit!.code));
      expect(leaderUnits).toContain('UB-29401');
      expect(scoped.text).toContain('href="/tre-han"');
      expect(leaderUnits).not.toContain('SO-YTE');
      expect(scoped.text).not.toContain(syLate.code);
    });

    it('signing out clears the cookie', async () => {
      const page = await get(coord, '/tickets');
      const res = await t.http().post('/dang-xuat').set('Cookie', coord).type('form').send({ _csrf: valueOf(page.text, '_csrf') });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/dang-nhap');
      expect((res.headers['set-cookie'] as unknown as string[])[0]).toMatch(new RegExp(`^${COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax$`));
    });
  });
});

describe('staff pages in headless Chromium on a phone screen, without JavaScript (e2e)', () => {
  const PUBLIC_URL = 'http://tongdai1022.example.vn';
  let t: TestApp;
  let base: string;
  let browser: Browser, context: BrowserContext, page: Page;

  beforeAll(async () => {
    t = await startTestApp({ now: BASE, env: { PUBLIC_URL } });
    base = await listen(t);
    ({ browser, context, page } = await browserSession({
      context: { javaScriptEnabled: false, viewport: PHONE_SCREEN, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'vi-VN' },
    }));
  }, 60_000);
  afterAll(() => closeAll(context, browser, t));

  it('from the link of an overdue e-mail: log in as the unit\'s staff, accept, resolve with a text, see "Đã xử lý"', async () => {
    const [op, admin] = await tokensFor(t, ['operator', 'admin', ['unit_staff', 'UB-29401', 'canbo.hoaloi']]);
    await t.http().patch('/api/units/UB-29401').set(bearer(admin)).send({ emails: ['hoaloi@ubnd.travinh.gov.vn'] }).expect(200);
    const created = await t.http().post('/api/tickets').set(bearer(op)).send({
      channel: 'hotline', reporterName: 'Lê Văn Sáu', reporterPhone: '0987654321', areaCode: '29401', categoryCode: 'AN-SINH',
      content: 'Hộ nghèo ở ấp Sóc Ruộng chưa nhận được gạo cứu trợ.',
    }).expect(201);
    const code: string = created.body.code;

    // Thursday 10:00: past its deadline; the sweep sends the unit the overdue notice with the link
    t.clock.set('2026-03-05T10:00:00+07:00');
    expect(await t.app.get(OverdueService).sweepOverdue()).toBe(1);
    const [mail] = await t.ds.query(
      `SELECT o.payload FROM outbox_messages o JOIN tickets t ON t.id = o.ticket_id WHERE t.code = $1 AND o.dedupe_key LIKE 'overdue:%'`, [code]);
    expect(mail.payload.to).toEqual(['hoaloi@ubnd.travinh.gov.vn']);
    const link = /Xem chi tiết: (\S+)/.exec(mail.payload.text)![1];
    expect(link).toBe(`${PUBLIC_URL}/tickets/${code}`);

    // the link, on this server: first the login page, then straight back to the ticket
    await page.goto(`${base}${new URL(link).pathname}`);
    expect(new URL(page.url()).pathname).toBe('/dang-nhap');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/tickets/${code}`);
    expect(await page.title()).toBe('Đăng nhập — Tổng đài 1022');
    await page.fill('#username', 'canbo.hoaloi');
    await page.fill('#password', TEST_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe(`/tickets/${code}`);
    expect(await page.locator('h1').textContent()).toBe(`Phản ánh ${code}`);
    expect((await page.locator('#trang-thai').textContent())!.replace(/\s+/g, ' ').trim()).toBe('Đã chuyển đơn vị xử lý Trễ hạn');
    expect(await page.locator('#so-dien-thoai').textContent()).toBe('0987654321');
    expect(await page.locator('#qua-trinh li[data-type="overdue"] strong').textContent()).toBe('Trễ hạn xử lý');
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.secure])).toEqual([['tongdai1022_phien', true, 'Lax', false]]);
    // nothing wider than the phone's screen
    for (const selector of ['header', '#form-accept', '#form-accept button', '#form-return textarea', '#qua-trinh']) {
      const box = (await page.locator(selector).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE_SCREEN.width);
    }

    await page.click('#form-accept button[type=submit]');
    await page.waitForLoadState();
    expect(await page.locator('#thong-bao').textContent()).toBe('Đã tiếp nhận phản ánh.');
    expect((await page.locator('#trang-thai').textContent())!.replace(/\s+/g, ' ').trim()).toBe('Đang xử lý Trễ hạn');

    const resolution = 'Đã phối hợp Hội Chữ thập đỏ xã cấp 20 kg gạo cho hộ ông Sáu ngày 05/03/2026.';
    await page.fill('#resolve-resolution', resolution);
    await page.click('#form-resolve button[type=submit]');
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe(`/tickets/${code}`);
    expect(await page.locator('#thong-bao').textContent()).toBe('Đã báo cáo kết quả xử lý.');
    expect((await page.locator('#trang-thai').textContent())!.trim()).toBe('Đã xử lý');
    expect(await page.locator('#ket-qua').textContent()).toBe(resolution);
    // reloading the result does not send the form again (Post/Redirect/Get)
    await page.reload();
    expect((await page.locator('#trang-thai').textContent())!.trim()).toBe('Đã xử lý');

    const [row] = await t.ds.query(`SELECT status, resolution FROM tickets WHERE code = $1`, [code]);
    expect(row).toEqual({ status: 'resolved', resolution });
    const events = await t.ds.query(
      `SELECT e.type, e.actor_name FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.code = $1 ORDER BY e.at, e.id`, [code]);
    expect(events).toEqual([
      { type: 'created', actor_name: expect.any(String) },
      { type: 'overdue', actor_name: 'Hệ thống' },
      { type: 'accepted', actor_name: 'canbo.hoaloi' },
      { type: 'resolved', actor_name: 'canbo.hoaloi' },
    ]);
  }, 60_000);
});
