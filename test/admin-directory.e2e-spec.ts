import type { Browser, BrowserContext, Page } from 'playwright-core';
import { closeAll } from './support/browser.js';
import { browserSession, checkBothScreens, OFFICE_SCREEN, signIn } from './support/pages.js';
import { bearer, listen, startTestApp, TEST_PASSWORD, tokensFor, type TestApp } from './support/test-app.js';

/**
 * The administration of the directory (/quan-tri) in real Chromium: the index, units (the tree, a search without
 * diacritics, create, rename, deactivate, and a merge done with the keyboard after its preview counted what moves),
 * a category edited, a routing rule added and named by the tester then removed, a day off added that moves a new
 * ticket's deadline past it. Every change has its audit_entries row with before and after; a coordinator gets 403.
 * Every page is checked with axe at the office and the phone screen, and photographed at both.
 */

const BASE = '2026-03-02T09:00:00+07:00'; // a Monday, 09:00 in Viet Nam

interface AuditRow { action: string; actor_name: string; subject_type: string; subject_id: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }

describe('the administration of the directory (browser)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser, context: BrowserContext, page: Page;
  let admin: string;
  let op: string;
  let coord: string;

  const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const audit = async (action: string, subjectId: string): Promise<AuditRow[]> =>
    t.ds.query(`SELECT action, actor_name, subject_type, subject_id, before, after FROM audit_entries WHERE action = $1 AND subject_id = $2 ORDER BY id`, [action, subjectId]);
  const unitRow = async (code: string) =>
    (await t.ds.query(`SELECT code, name, active, merged_into_code, parent_code FROM units WHERE code = $1`, [code]))[0];

  /** axe at both screens, their screenshots, nothing wider than the phone (support/pages.ts). */
  const accessible = (name: string) => checkBothScreens(page, name);

  /** Presses Tab until the element focused matches `selector` (the page's own tab order), at most 80 times. */
  async function tabTo(selector: string): Promise<void> {
    for (let i = 0; i < 80; i++) {
      if (await page.evaluate(`!!document.activeElement?.matches(${JSON.stringify(selector)})`)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  async function createTicket(body: Record<string, unknown>): Promise<{ code: string; dueAt: string; assignedUnit: { code: string } | null }> {
    const res = await t.http().post('/api/tickets').set(bearer(op))
      .send({ channel: 'hotline', reporterName: 'Trần Thị Mai', reporterPhone: '0911000001', areaCode: '29401', content: 'Phản ánh để thử trang quản trị.', ...body });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  beforeAll(async () => {
    t = await startTestApp({ now: BASE });
    base = await listen(t);
    [admin, op, coord] = await tokensFor(t, [['admin', null, 'quantri.vien'], 'operator', ['coordinator', null, 'dieuphoi.vien']]);
    ({ browser, context, page } = await browserSession({ signIn: { base, username: 'quantri.vien' } }));
  }, 90_000);

  afterAll(() => closeAll(context, browser, t));

  it('a coordinator gets the 403 page on every administration address; a signed-out visitor the sign-in page', async () => {
    // over HTTP with the coordinator's page session: a browser would add nothing to a status and a heading
    const signedIn = await t.http().post('/dang-nhap').type('form').send({ username: 'dieuphoi.vien', password: TEST_PASSWORD }).expect(303);
    const cookie = (signedIn.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    let html = '';
    for (const path of ['/quan-tri', '/quan-tri/don-vi', '/quan-tri/don-vi/SO-YTE', '/quan-tri/don-vi/them', '/quan-tri/don-vi/SO-YTE/sap-nhap?intoCode=CA-TINH',
      '/quan-tri/linh-vuc', '/quan-tri/linh-vuc/KHAC', '/quan-tri/phan-cong', '/quan-tri/lich?nam=2026']) {
      const res = await t.http().get(path).set('Cookie', cookie);
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.text).toMatch(/<h1[^>]*>\s*Không có quyền truy cập\s*<\/h1>/);
      expect(res.text).toContain('chỉ dành cho quản trị viên');
      html = res.text;
    }
    // the menu has no administration link for them
    expect(html).toContain('id="menu-dieu-phoi"');
    expect(html).not.toContain('id="menu-quan-tri"');
    // a form sent by a coordinator changes nothing
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const res = await t.http().post('/quan-tri/don-vi/SO-YTE/ngung').set('Cookie', cookie).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(403);
    expect((await unitRow('SO-YTE')).active).toBe(true);

    const anon = await t.http().get('/quan-tri/phan-cong').expect(303);
    expect(anon.headers.location).toBe('/dang-nhap?next=%2Fquan-tri%2Fphan-cong');
  }, 120_000);

  it('the index links every administration page', async () => {
    await page.goto(`${base}/`);
    await page.click('#menu-quan-tri');
    expect(new URL(page.url()).pathname).toBe('/quan-tri');
    const links = await page.locator('#trang-quan-tri a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    expect(links).toEqual([
      ['/quan-tri/don-vi', 'Đơn vị xử lý'], ['/quan-tri/linh-vuc', 'Lĩnh vực'], ['/quan-tri/phan-cong', 'Quy tắc phân công'], ['/quan-tri/lich', 'Lịch nghỉ, làm bù'],
      ['/quan-tri/tai-khoan', 'Tài khoản'], ['/quan-tri/nguoi-nhan', 'Người nhận báo cáo'], ['/quan-tri/gui-tin', 'Gửi thư và kênh'],
      ['/quan-tri/ung-dung', 'Ứng dụng kết nối (Open311)'], ['/quan-tri/nhat-ky', 'Nhật ký thay đổi'], ['/quan-tri/thu', 'Thư đã giữ lại'],
    ]);
    expect(await page.locator('#menu-quan-tri').getAttribute('aria-current')).toBe('page');
    await accessible('admin-index');
  }, 120_000);

  it('the units tree, and a search typed without diacritics', async () => {
    await page.goto(`${base}/quan-tri/don-vi`);
    // the commune committees of Châu Thành sit under its district office
    const office = page.locator('#cay-don-vi li', { has: page.locator('a[href="/quan-tri/don-vi/VP-847"]') }).first();
    expect(await office.locator('a[href="/quan-tri/don-vi/UB-29401"]').count()).toBe(1);
    expect(await page.locator('#cap-province').textContent()).toBe('Cấp tỉnh');
    await accessible('admin-units');

    await page.fill('#q', 'hoa loi');
    await page.press('#q', 'Enter');
    await page.waitForURL(/q=hoa/);
    const found = await page.locator('#ket-qua tbody tr td:first-child a').allTextContents();
    expect(found).toContain('UBND xã Hòa Lợi');
    expect(found.every((n) => /Hòa Lợi/.test(n))).toBe(true);
    await accessible('admin-units-search');
  }, 120_000);

  it('creates a unit (a refused form first), renames it and deactivates it; each change is in the audit log', async () => {
    await page.goto(`${base}/quan-tri/don-vi`);
    await page.click('#them-don-vi');
    await page.fill('#code', 'TT HCC');
    await page.fill('#name', 'Trung tâm Phục vụ hành chính công');
    await page.click('#nut-them');
    expect(await text('#loi')).toContain('Mã: chỉ gồm chữ, số');
    expect(await page.locator('#code').getAttribute('aria-invalid')).toBe('true');
    expect(await page.inputValue('#name')).toBe('Trung tâm Phục vụ hành chính công');
    await accessible('admin-unit-new');

    await page.fill('#code', 'TT-HCC');
    await page.fill('#parentCode-tim', 'van phong ubnd tinh');
    await page.keyboard.press('Enter');
    await page.click('#nut-them');
    await page.waitForURL(/\/quan-tri\/don-vi\/TT-HCC\?da=them/);
    expect(await text('#thong-bao')).toBe('Đã thêm đơn vị Trung tâm Phục vụ hành chính công.');
    expect(await unitRow('TT-HCC')).toEqual({ code: 'TT-HCC', name: 'Trung tâm Phục vụ hành chính công', active: true, merged_into_code: null, parent_code: 'VP-UBND-TINH' });
    const [created] = await audit('unit.create', 'TT-HCC');
    expect(created).toEqual(expect.objectContaining({ actor_name: 'quantri.vien', subject_type: 'unit', before: null }));
    expect(created.after).toEqual(expect.objectContaining({ code: 'TT-HCC', name: 'Trung tâm Phục vụ hành chính công', parentCode: 'VP-UBND-TINH', active: true }));
    await accessible('admin-unit');

    await page.fill('#name', 'Trung tâm Phục vụ hành chính công tỉnh');
    await page.click('#nut-doi-ten');
    await page.waitForURL(/da=doi-ten/);
    expect(await text('#thong-bao')).toBe('Đã đổi tên đơn vị thành “Trung tâm Phục vụ hành chính công tỉnh”.');
    expect(await text('h1')).toBe('Trung tâm Phục vụ hành chính công tỉnh');
    const [renamed] = await audit('unit.rename', 'TT-HCC');
    expect(renamed.before).toEqual(expect.objectContaining({ name: 'Trung tâm Phục vụ hành chính công' }));
    expect(renamed.after).toEqual(expect.objectContaining({ name: 'Trung tâm Phục vụ hành chính công tỉnh' }));

    await page.click('#nut-ngung');
    await page.waitForURL(/da=ngung/);
    expect(await text('#tinh-trang')).toBe('Ngừng hoạt động');
    expect((await unitRow('TT-HCC')).active).toBe(false);
    const [off] = await audit('unit.deactivate', 'TT-HCC');
    expect([off.before!.active, off.after!.active]).toEqual([true, false]);
    // nothing is deleted: it is still in the tree, marked
    await page.goto(`${base}/quan-tri/don-vi?q=phuc vu hanh chinh`);
    expect(await text('#ket-qua tbody tr')).toContain('Ngừng hoạt động');
  }, 120_000);

  it('a unit\'s parent, area and addresses are changed with the keyboard; a bad address, a parent below it, an unknown area are refused at the field with nothing written', async () => {
    const api = (url: string, body: object) => t.http().post(url).set(bearer(admin)).send(body);
    await api('/api/units', { code: 'TT-XTDT', name: 'Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch', level: 'province', areaCode: '84' }).expect(201);
    await api('/api/units', { code: 'TT-XTDT-DL', name: 'Phòng Thông tin du lịch', level: 'province', parentCode: 'TT-XTDT' }).expect(201);
    const row = async () => (await t.ds.query(`SELECT parent_code, area_code, emails FROM units WHERE code = 'TT-XTDT'`))[0];
    const untouched = { parent_code: null, area_code: '84', emails: [] };

    // the keyboard alone: a parent and an area typed without diacritics, two addresses, one of them wrong
    await page.goto(`${base}/quan-tri/don-vi/TT-XTDT`);
    await tabTo('#parentCode-tim');
    await page.keyboard.type('van phong ubnd tinh');
    await page.keyboard.press('Enter');
    expect(await page.locator('#parentCode').inputValue()).toBe('VP-UBND-TINH');
    await tabTo('#areaCode-tim');
    await page.keyboard.type('huyen chau thanh');
    await page.keyboard.press('Enter');
    expect(await page.locator('#areaCode').inputValue()).toBe('847');
    await tabTo('#emails');
    await page.keyboard.type('vanthu@xtdt.travinh.gov.vn, lanhdao.xtdt');
    await tabTo('#nut-luu-thong-tin');
    await Promise.all([page.waitForURL(/\/thong-tin$/), page.keyboard.press('Enter')]);
    expect(await text('#emails-error')).toBe('“lanhdao.xtdt” không phải là địa chỉ thư hợp lệ (ví dụ: vanthu@travinh.gov.vn).');
    expect(await page.locator('#emails').getAttribute('aria-invalid')).toBe('true');
    expect(await text('#loi-thong-tin')).toContain('Địa chỉ thư: “lanhdao.xtdt” không phải');
    // what was typed is kept, nothing is written
    expect(await page.locator('#emails').inputValue()).toBe('vanthu@xtdt.travinh.gov.vn, lanhdao.xtdt');
    expect(await page.locator('#parentCode').inputValue()).toBe('VP-UBND-TINH');
    expect(await row()).toEqual(untouched);
    expect(await audit('unit.update', 'TT-XTDT')).toEqual([]);
    await accessible('admin-unit-links-refused');

    await page.focus('#emails');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('vanthu@xtdt.travinh.gov.vn; lanhdao@xtdt.travinh.gov.vn');
    await tabTo('#nut-luu-thong-tin');
    await Promise.all([page.waitForURL(/\/quan-tri\/don-vi\/TT-XTDT\?da=thong-tin/), page.keyboard.press('Enter')]);
    expect(await text('#thong-bao')).toBe('Đã lưu đơn vị cấp trên, địa bàn và địa chỉ thư của Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch.');
    expect(await page.locator('#thong-tin-don-vi dd').allTextContents()).toEqual(expect.arrayContaining([
      'Văn phòng UBND tỉnh', 'Huyện Châu Thành', 'vanthu@xtdt.travinh.gov.vn, lanhdao@xtdt.travinh.gov.vn',
    ]));
    expect(await row()).toEqual({ parent_code: 'VP-UBND-TINH', area_code: '847', emails: ['vanthu@xtdt.travinh.gov.vn', 'lanhdao@xtdt.travinh.gov.vn'] });
    const [changed] = await audit('unit.update', 'TT-XTDT');
    expect(changed.actor_name).toBe('quantri.vien');
    expect(changed.before).toEqual(expect.objectContaining({ parentCode: null, areaCode: '84', emails: [] }));
    expect(changed.after).toEqual(expect.objectContaining({ parentCode: 'VP-UBND-TINH', areaCode: '847', emails: ['vanthu@xtdt.travinh.gov.vn', 'lanhdao@xtdt.travinh.gov.vn'] }));

    // its own sub-unit as its parent: refused at the field
    await page.fill('#parentCode-tim', 'phong thong tin du lich');
    await page.keyboard.press('Enter');
    expect(await page.locator('#parentCode').inputValue()).toBe('TT-XTDT-DL');
    await Promise.all([page.waitForURL(/\/thong-tin$/), page.click('#nut-luu-thong-tin')]);
    expect(await text('#parentCode-error')).toBe('Không thể đặt đơn vị cấp dưới làm đơn vị cha.');
    expect(await page.locator('#parentCode').getAttribute('aria-invalid')).toBe('true');
    // an area that does not exist (a stale or forged form): refused at the field too
    const csrf = await page.locator('#form-thong-tin input[name=_csrf]').inputValue();
    const forged = await page.request.post(`${base}/quan-tri/don-vi/TT-XTDT/thong-tin`, { form: { _csrf: csrf, parentCode: '', areaCode: '99999', emails: '' }, maxRedirects: 0 });
    expect(forged.status()).toBe(400);
    expect(await forged.text()).toContain('<p class="error" id="areaCode-error">Không có khu vực mã &quot;99999&quot;.</p>');
    expect((await row()).parent_code).toBe('VP-UBND-TINH');
    expect(await audit('unit.update', 'TT-XTDT')).toHaveLength(1);
  }, 120_000);

  it('a unit with open tickets cannot be deactivated; it is merged with the keyboard after a preview that counts what moves', async () => {
    // the unit merged away: a category routed to it, two open tickets and a rejected one, an account, a unit below it
    const api = (method: 'post' | 'patch', url: string, body: object) => t.http()[method](url).set(bearer(admin)).send(body);
    await api('post', '/api/units', { code: 'SO-KHCN', name: 'Sở Khoa học và Công nghệ', level: 'province', areaCode: '84' }).expect(201);
    await api('post', '/api/units', { code: 'TT-UDKH', name: 'Trung tâm Ứng dụng tiến bộ khoa học', level: 'province', parentCode: 'SO-KHCN' }).expect(201);
    await api('post', '/api/units', { code: 'SO-KHDT', name: 'Sở Kế hoạch và Đầu tư', level: 'province', areaCode: '84' }).expect(201);
    await api('post', '/api/categories', { code: 'KHCN', name: 'Khoa học, công nghệ', deadlineHours: 40 }).expect(201);
    await api('post', '/api/routing-rules', { categoryCode: 'KHCN', unitCode: 'SO-KHCN' }).expect(201);
    const open1 = await createTicket({ categoryCode: 'KHCN', reporterPhone: '0911000011' });
    const open2 = await createTicket({ categoryCode: 'KHCN', reporterPhone: '0911000012' });
    const done = await createTicket({ categoryCode: 'KHCN', reporterPhone: '0911000013' });
    expect([open1, open2, done].map((x) => x.assignedUnit?.code)).toEqual(['SO-KHCN', 'SO-KHCN', 'SO-KHCN']);
    await t.http().post(`/api/tickets/${done.code}/reject`).set(bearer(coord)).send({ reason: 'spam' }).expect(200);
    await t.userToken('unit_staff', 'SO-KHCN', 'canbo.khcn');
    // the API's changes are recorded too, with the account that made them
    expect((await audit('category.create', 'KHCN'))[0]).toEqual(expect.objectContaining({ actor_name: 'quantri.vien', before: null }));
    expect((await audit('unit.create', 'SO-KHCN'))[0].after).toEqual(expect.objectContaining({ name: 'Sở Khoa học và Công nghệ' }));

    await page.goto(`${base}/quan-tri/don-vi/SO-KHCN`);
    await page.click('#nut-ngung');
    expect(await text('#loi-ngung')).toContain('Đơn vị còn 2 phản ánh đang xử lý');
    expect((await unitRow('SO-KHCN')).active).toBe(true);

    // the keyboard alone: the successor typed without diacritics, the preview, the confirmation
    await page.goto(`${base}/quan-tri/don-vi/SO-KHCN`);
    await tabTo('#intoCode-tim');
    await page.keyboard.type('so ke hoach dau tu');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    expect(await page.locator('#intoCode').inputValue()).toBe('SO-KHDT');
    await tabTo('#nut-xem-truoc');
    await Promise.all([page.waitForURL(/\/sap-nhap\?intoCode=SO-KHDT/), page.keyboard.press('Enter')]);
    expect(await text('h1')).toBe('Sáp nhập Sở Khoa học và Công nghệ vào Sở Kế hoạch và Đầu tư');
    expect(await text('#chuyen-phan-anh .n')).toBe('2');
    expect(await text('#chuyen-quy-tac .n')).toBe('1');
    expect(await text('#chuyen-tai-khoan .n')).toBe('1');
    expect(await text('#chuyen-don-vi .n')).toBe('1');
    // the preview wrote nothing
    expect((await unitRow('SO-KHCN')).active).toBe(true);
    await accessible('admin-merge-preview');
    await tabTo('#nut-xac-nhan');
    await Promise.all([page.waitForURL(/\/quan-tri\/don-vi\/SO-KHDT\?da=sap-nhap/), page.keyboard.press('Enter')]);
    expect(await text('#thong-bao')).toBe('Đã sáp nhập Sở Khoa học và Công nghệ vào Sở Kế hoạch và Đầu tư.');
    expect(await page.locator('#don-vi-truc-thuoc').textContent()).toContain('Trung tâm Ứng dụng tiến bộ khoa học');

    expect(await unitRow('SO-KHCN')).toEqual(expect.objectContaining({ active: false, merged_into_code: 'SO-KHDT' }));
    expect((await unitRow('TT-UDKH')).parent_code).toBe('SO-KHDT');
    const units: Array<{ code: string; unit: string }> = await t.ds.query(
      `SELECT code, assigned_unit_code AS unit FROM tickets WHERE code = ANY($1) ORDER BY code`, [[open1.code, open2.code, done.code]]);
    expect(Object.fromEntries(units.map((u) => [u.code, u.unit]))).toEqual({ [open1.code]: 'SO-KHDT', [open2.code]: 'SO-KHDT', [done.code]: 'SO-KHCN' });
    const [merge] = await audit('unit.merge', 'SO-KHCN');
    expect(merge.actor_name).toBe('quantri.vien');
    expect(merge.before).toEqual({ unit: expect.objectContaining({ code: 'SO-KHCN', active: true }), into: expect.objectContaining({ code: 'SO-KHDT' }) });
    expect(merge.after).toEqual({
      unit: expect.objectContaining({ active: false, mergedIntoCode: 'SO-KHDT' }), into: expect.objectContaining({ code: 'SO-KHDT' }),
      moved: { tickets: 2, routingRules: 1, users: 1, subUnits: 1 },
    });
  }, 120_000);

  it('without scripts: the tester, the confirmation of a removal and the merge preview work with the plain lists; cancelling changes nothing', async () => {
    const plain = await browser.newContext({ viewport: OFFICE_SCREEN, locale: 'vi-VN', javaScriptEnabled: false });
    const p = await plain.newPage();
    await signIn(p, base, 'quantri.vien');
    await p.goto(`${base}/quan-tri/phan-cong`);
    await p.selectOption('#thuLinhVuc', 'AN-SINH');
    await p.selectOption('#thuXa', '29377');
    await p.click('#nut-thu');
    expect((await p.locator('#don-vi-thu').textContent())?.trim()).toBe('UBND xã Đa Lộc');
    expect((await p.locator('#quy-tac-thu').textContent())?.replace(/\s+/g, ' ').trim())
      .toBe('Theo quy tắc: Hỗ trợ an sinh xã hội, lương thực · Toàn tỉnh → UBND xã, phường, thị trấn nơi phát sinh');

    // removing a rule asks first, without scripts too; cancelling keeps it
    const [seeded] = await t.ds.query(`SELECT id FROM routing_rules WHERE category_code = 'AN-SINH' AND area_code IS NULL`);
    await p.click(`#quy-tac-${seeded.id} button`);
    expect((await p.locator('h1').textContent())?.trim()).toBe('Xóa quy tắc Hỗ trợ an sinh xã hội, lương thực · Toàn tỉnh?');
    await p.click('#huy');
    expect(new URL(p.url()).pathname).toBe('/quan-tri/phan-cong');
    expect(await p.locator(`#quy-tac-${seeded.id}`).count()).toBe(1);
    expect(await t.ds.query(`SELECT id FROM routing_rules WHERE id = $1`, [seeded.id])).toEqual([seeded]);

    await p.goto(`${base}/quan-tri/don-vi/SO-GTVT`);
    await p.selectOption('#intoCode', 'SO-CT');
    await p.click('#nut-xem-truoc');
    expect((await p.locator('h1').textContent())?.trim()).toBe('Sáp nhập Sở Giao thông vận tải vào Sở Công Thương');
    expect((await p.locator('#chuyen-quy-tac .n').textContent())?.trim()).toBe('0');
    await p.click('#huy');
    expect(new URL(p.url()).pathname).toBe('/quan-tri/don-vi/SO-GTVT');
    expect(await unitRow('SO-GTVT')).toEqual(expect.objectContaining({ active: true, merged_into_code: null }));
    // no successor chosen (the list is required; sent anyway): the unit's page says so
    const none = await p.goto(`${base}/quan-tri/don-vi/SO-GTVT/sap-nhap?intoCode=`);
    expect(none!.status()).toBe(400);
    expect((await p.locator('#loi-sap-nhap').textContent())?.replace(/\s+/g, ' ').trim()).toContain('Đơn vị tiếp nhận: hãy chọn đơn vị tiếp nhận.');
    expect(await p.locator('#intoCode').getAttribute('aria-invalid')).toBe('true');
    await plain.close();
  }, 120_000);

  it('edits a category (time limit, clock hours, urgent) and adds one; both in the audit log', async () => {
    await page.goto(`${base}/quan-tri/linh-vuc`);
    expect(await text('#linh-vuc-KHAC .deadline')).toBe('80 giờ làm việc');
    await accessible('admin-categories');
    await page.click('#sua-KHAC');
    await page.fill('#deadlineHours', 'bốn mươi');
    await page.click('#nut-luu');
    expect(await page.locator('#deadlineHours').getAttribute('aria-invalid')).toBe('true');
    expect(await text('#deadlineHours-error')).toBe('Phải là số nguyên.');
    await accessible('admin-category');
    await page.fill('#deadlineHours', '48');
    await page.check('#deadlineMode-clock');
    await page.check('#urgent');
    await page.click('#nut-luu');
    await page.waitForURL(/da=sua&ma=KHAC/);
    expect(await text('#thong-bao')).toBe('Đã lưu lĩnh vực Lĩnh vực khác.');
    expect(await text('#linh-vuc-KHAC .deadline')).toBe('48 giờ liên tục');
    const [edit] = await audit('category.update', 'KHAC');
    expect(edit.before).toEqual({ code: 'KHAC', name: 'Lĩnh vực khác', deadlineHours: 80, deadlineMode: 'working', urgent: false, active: true });
    expect(edit.after).toEqual({ code: 'KHAC', name: 'Lĩnh vực khác', deadlineHours: 48, deadlineMode: 'clock', urgent: true, active: true });

    await page.fill('#code', 'DAT-DAI');
    await page.fill('#name', 'Đất đai, xây dựng');
    await page.fill('#deadlineHours', '120');
    await page.click('#nut-them-linh-vuc');
    await page.waitForURL(/da=them&ma=DAT-DAI/);
    expect(await text('#linh-vuc-DAT-DAI .deadline')).toBe('120 giờ làm việc');
    expect((await audit('category.create', 'DAT-DAI'))[0].after).toEqual({ code: 'DAT-DAI', name: 'Đất đai, xây dựng', deadlineHours: 120, deadlineMode: 'working', urgent: false, active: true });
  }, 120_000);

  it('adds a routing rule and the tester chooses it and names it; removing it is recorded', async () => {
    await page.goto(`${base}/quan-tri/phan-cong`);
    // before: no rule for land matters, the ticket would wait
    await page.selectOption('#thuLinhVuc', 'DAT-DAI');
    await page.fill('#thuXa-tim', 'hoa loi');
    await page.keyboard.press('Enter');
    await page.click('#nut-thu');
    expect(await text('#don-vi-thu')).toBe('Chờ điều phối viên: Không có quy tắc phân công phù hợp: chờ điều phối viên.');

    await page.selectOption('#categoryCode', 'DAT-DAI');
    await page.fill('#areaCode-tim', 'huyen chau thanh');
    await page.keyboard.press('Enter');
    await page.fill('#unitCode-tim', 'van phong hdnd ubnd chau thanh');
    await page.keyboard.press('Enter');
    await page.click('#nut-them-quy-tac');
    await page.waitForURL(/da=them&linhVuc=DAT-DAI/);
    expect(await text('#thong-bao')).toBe('Đã thêm quy tắc phân công.');
    const [rule] = await t.ds.query(`SELECT id, area_code, unit_code FROM routing_rules WHERE category_code = 'DAT-DAI'`);
    expect(rule).toEqual(expect.objectContaining({ area_code: '847', unit_code: 'VP-847' }));
    expect(await text(`#quy-tac-${rule.id}`)).toContain('Huyện Châu Thành');
    const [added] = await audit('routing_rule.create', rule.id);
    expect(added).toEqual(expect.objectContaining({ actor_name: 'quantri.vien', before: null }));
    expect(added.after).toEqual({ id: rule.id, categoryCode: 'DAT-DAI', areaCode: '847', unitCode: 'VP-847', toCommuneCommittee: false });

    // the tester: a commune of Châu Thành goes to its district office, by that rule
    await page.selectOption('#thuLinhVuc', 'DAT-DAI');
    await page.fill('#thuXa-tim', 'hoa loi');
    await page.keyboard.press('Enter');
    await page.click('#nut-thu');
    expect(await text('#don-vi-thu')).toBe('Văn phòng HĐND và UBND huyện Châu Thành');
    expect(await text('#quy-tac-thu')).toBe('Theo quy tắc: Đất đai, xây dựng · Huyện Châu Thành → Văn phòng HĐND và UBND huyện Châu Thành');
    expect(await page.locator('#quy-tac-thu a').getAttribute('href')).toBe(`#quy-tac-${rule.id}`);
    // a commune elsewhere has no rule
    await page.goto(`${base}/quan-tri/phan-cong?thuLinhVuc=Y-TE&thuXa=29401`);
    expect(await text('#don-vi-thu')).toBe('Phòng Y tế huyện Châu Thành');
    expect(await text('#quy-tac-thu')).toContain('Y tế, khám chữa bệnh · Huyện Châu Thành →');
    await accessible('admin-routing');

    // removing asks first: the confirmation says which rule, and nothing is removed until it is confirmed
    await page.goto(`${base}/quan-tri/phan-cong?linhVuc=DAT-DAI`);
    await Promise.all([page.waitForURL(/\/xoa$/), page.click(`#quy-tac-${rule.id} button`)]);
    expect(await text('h1')).toBe('Xóa quy tắc Đất đai, xây dựng · Huyện Châu Thành?');
    expect(await page.locator('#muc-xoa dd').allTextContents()).toEqual(['Đất đai, xây dựng', 'Huyện Châu Thành', 'Văn phòng HĐND và UBND huyện Châu Thành']);
    expect(await t.ds.query(`SELECT id FROM routing_rules WHERE category_code = 'DAT-DAI'`)).toEqual([{ id: rule.id }]);
    expect(await audit('routing_rule.delete', rule.id)).toEqual([]);
    await accessible('admin-routing-remove');
    await tabTo('#nut-xac-nhan');
    await Promise.all([page.waitForURL(/da=xoa&linhVuc=DAT-DAI/), page.keyboard.press('Enter')]);
    expect(await t.ds.query(`SELECT id FROM routing_rules WHERE category_code = 'DAT-DAI'`)).toEqual([]);
    const [removed] = await audit('routing_rule.delete', rule.id);
    expect(removed.before).toEqual(added.after);
    expect(removed.after).toBeNull();
  }, 120_000);

  it('a day off added on the calendar page moves a new ticket\'s deadline past it; removing it is recorded', async () => {
    // 24 working hours (8 a day) from Monday 09:00: Thursday 09:00
    const before = await createTicket({ categoryCode: 'AN-SINH', reporterPhone: '0911000021' });
    expect(before.dueAt).toBe('2026-03-05T02:00:00.000Z');

    await page.goto(`${base}/quan-tri/lich`);
    expect(await text('h1')).toBe('Lịch nghỉ, làm bù năm 2026');
    // the seeded holidays are shown: Quốc khánh
    expect(await page.locator('#ngay-2026-09-02').getAttribute('class')).toContain('off');
    await page.fill('#date', '31/02/2026');
    await page.fill('#name', 'Nghỉ đột xuất');
    await page.click('#nut-them-ngay');
    expect(await text('#date-error')).toContain('ngày/tháng/năm');
    await page.fill('#date', '03/03/2026');
    await page.fill('#name', 'Nghỉ đột xuất do bão');
    await page.click('#nut-them-ngay');
    await page.waitForURL(/da=them&ngay=2026-03-03/);
    expect(await text('#thong-bao')).toBe('Đã lưu ngày 03/03/2026 vào lịch.');
    expect(await page.locator('#ngay-2026-03-03').getAttribute('class')).toContain('off');
    expect(await text('#muc-2026-03-03')).toContain('Nghỉ đột xuất do bão');
    const [added] = await audit('calendar_day.create', '2026-03-03');
    expect(added).toEqual(expect.objectContaining({ actor_name: 'quantri.vien', before: null, after: { date: '2026-03-03', kind: 'off', name: 'Nghỉ đột xuất do bão' } }));
    await accessible('admin-calendar');

    // a ticket created now (through the API) skips Tuesday: Friday 09:00
    const after = await createTicket({ categoryCode: 'AN-SINH', reporterPhone: '0911000022' });
    expect(after.dueAt).toBe('2026-03-06T02:00:00.000Z');

    // removing asks first; cancelling keeps the day; confirming (the keyboard alone) removes it
    await Promise.all([page.waitForURL(/\/xoa$/), page.click('#muc-2026-03-03 button')]);
    expect(await text('h1')).toBe('Bỏ ngày 03/03/2026 khỏi lịch?');
    expect(await page.locator('#muc-xoa dd').allTextContents()).toEqual(['03/03/2026', 'Ngày nghỉ', 'Nghỉ đột xuất do bão']);
    expect(await audit('calendar_day.delete', '2026-03-03')).toEqual([]);
    await page.click('#huy');
    expect(await page.locator('#ngay-2026-03-03').getAttribute('class')).toContain('off');
    await Promise.all([page.waitForURL(/\/xoa$/), page.click('#muc-2026-03-03 button')]);
    await tabTo('#nut-xac-nhan');
    await Promise.all([page.waitForURL(/da=xoa&ngay=2026-03-03/), page.keyboard.press('Enter')]);
    expect(await page.locator('#ngay-2026-03-03').count()).toBe(0);
    const [removed] = await audit('calendar_day.delete', '2026-03-03');
    expect(removed.before).toEqual({ date: '2026-03-03', kind: 'off', name: 'Nghỉ đột xuất do bão' });
    expect(removed.after).toBeNull();
    const again = await createTicket({ categoryCode: 'AN-SINH', reporterPhone: '0911000023' });
    expect(again.dueAt).toBe('2026-03-05T02:00:00.000Z');

    // a make-up working day on a Saturday, then its note changed: the second is an update with what it replaced
    for (const name of ['Làm bù cho ngày nghỉ 27/04', 'Làm bù cho ngày nghỉ 27/04/2026']) {
      await page.fill('#date', '7/3/2026');
      await page.check('#kind-work');
      await page.fill('#name', name);
      await page.click('#nut-them-ngay');
      await page.waitForURL(/da=them&ngay=2026-03-07/);
    }
    expect(await page.locator('#ngay-2026-03-07').getAttribute('class')).toBe('weekend work');
    expect(await text('#muc-2026-03-07')).toContain('Ngày làm bù Làm bù cho ngày nghỉ 27/04/2026');
    const [update] = await audit('calendar_day.update', '2026-03-07');
    expect(update.before).toEqual({ date: '2026-03-07', kind: 'work', name: 'Làm bù cho ngày nghỉ 27/04' });
    expect(update.after).toEqual({ date: '2026-03-07', kind: 'work', name: 'Làm bù cho ngày nghỉ 27/04/2026' });
  }, 120_000);
});
