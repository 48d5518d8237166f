import type { Browser, BrowserContext, Page } from 'playwright-core';
import { closeAll } from './support/browser.js';
import { browserSession, checkBothScreens, OFFICE_SCREEN, PHONE_SCREEN, signIn } from './support/pages.js';
import { queueCounts, queuePage } from '../src/tickets/ticket-queue.js';
import { bearer, listen, startTestApp, tokensFor, type TestApp } from './support/test-app.js';

/**
 * The coordinator's queue (/dieu-phoi) in real Chromium with scripts on: the views as tabs with counts, classifying
 * and assigning a citizen's web ticket with the keyboard alone while the routing preview follows, re-routing a ticket
 * a unit returned (its reason and who first, the default never that unit), assigning several at once with a report
 * per ticket, merging two tickets side by side, a rejection without a reason refused; unit staff get 403. Every
 * page is checked with axe at the office and the phone screen, and photographed at both.
 */

const BASE = '2026-03-02T09:00:00+07:00'; // a Monday, 09:00 in Viet Nam
const CODE = /PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}/;

describe('the coordinator\'s queue (browser)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser, context: BrowserContext, page: Page;
  let op: string;
  let coordToken: string;
  const codes: Record<string, string> = {};

  const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const row = async (code: string) =>
    (await t.ds.query(
      `SELECT t.id, t.status, t.version, t.assigned_unit_code AS unit, t.category_code AS category, t.area_code AS area, t.reject_reason, t.duplicate_of_id
         FROM tickets t WHERE t.code = $1`, [code]))[0];
  const events = async (code: string) =>
    (await t.ds.query(
      `SELECT e.type, e.actor_name, e.note, e.from_unit_code, e.to_unit_code FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
        WHERE t.code = $1 ORDER BY e.at, e.id`, [code])) as Array<{ type: string; actor_name: string; note: string | null; from_unit_code: string | null; to_unit_code: string | null }>;

  async function create(body: Record<string, unknown>, at?: string): Promise<string> {
    if (at) t.clock.set(at);
    const res = await t.http().post('/api/tickets').set(bearer(op)).send({ channel: 'hotline', reporterName: 'Trần Thị Mai', ...body });
    t.clock.set(BASE);
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.code;
  }

  /** A citizen's report through the public web form, as a browser sends it (after the bot trap's two seconds). */
  async function webReport(fields: Record<string, string>): Promise<string> {
    const form = await t.http().get('/gui-phan-anh').expect(200);
    const ts = /name="ts" value="([^"]+)"/.exec(form.text)![1];
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const res = await t.http().post('/gui-phan-anh').type('form').send({ ...fields, ts, website: '' });
    expect(res.status).toBe(303);
    return CODE.exec(res.headers.location)![0];
  }

  /** axe at the office screen and at the phone screen, the screenshots of both, nothing wider than the phone. */
  const accessible = (name: string) => checkBothScreens(page, name);

  /** The id of the element that has the focus. */
  const focused = () => page.evaluate('document.activeElement && document.activeElement.id');

  /** The text of `selector` once it is `expected` (a script changes it), or as it is after five seconds. */
  async function settled(selector: string, expected: string): Promise<void> {
    for (let i = 0; i < 50 && (await text(selector)) !== expected; i++) await page.waitForTimeout(100);
    expect(await text(selector)).toBe(expected);
  }

  /** Presses Tab until the element focused matches `selector` (the page's own tab order), at most 80 times. */
  async function tabTo(selector: string): Promise<void> {
    for (let i = 0; i < 80; i++) {
      if (await page.evaluate(`!!document.activeElement?.matches(${JSON.stringify(selector)})`)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  beforeAll(async () => {
    t = await startTestApp({ now: BASE });
    base = await listen(t);
    [op, coordToken] = await tokensFor(t, ['operator', 'coordinator', ['coordinator', null, 'dieuphoi.vien'], ['unit_staff', 'UB-29401', 'canbo.hoaloi']]);
    const daLoc = await t.userToken('unit_staff', 'UB-29377', 'canbo.daloc');

    // new: a citizen's web report whose category the citizen did not know (it waits for a coordinator)
    codes.web = await webReport({
      fullName: 'Nguyễn Văn Tư', phone: '0911000001', email: '', areaCode: '29401', categoryCode: '', address: 'Ấp Sóc Ruộng',
      content: 'Trạm y tế xã đóng cửa vào buổi chiều, người bệnh không được khám.',
    });
    // returned: routed to UBND xã Đa Lộc, which gives it back with its reason
    codes.returned = await create({ reporterPhone: '0911000002', areaCode: '29377', categoryCode: 'AN-SINH', content: 'Đường vào ấp bị sạt lở, xe cứu thương không vào được.' });
    await t.http().post(`/api/tickets/${codes.returned}/return`).set(bearer(daLoc))
      .send({ reason: 'Không thuộc thẩm quyền của xã: việc sạt lở đường do Công an tỉnh và Sở Giao thông vận tải xử lý.' }).expect(200);
    // new, no category: for the bulk assignment and the rejection
    codes.bulk1 = await create({ reporterPhone: '0911000003', content: 'Loa phát thanh ấp hỏng đã hai tuần.' });
    codes.bulk2 = await create({ reporterPhone: '0911000004', content: 'Cần hướng dẫn thủ tục xin trợ cấp người cao tuổi.' });
    codes.bulk3 = await create({ reporterPhone: '0911000005', content: 'Hỏi về lịch cắt điện khu vực chợ.' });
    codes.reject = await create({ reporterPhone: '0911000006', content: 'Alo alo thử máy.' });
    // two reports of the same matter by the same caller: the second lists the first as a likely duplicate
    codes.first = await create({ reporterPhone: '0911000007', areaCode: '29401', categoryCode: 'AN-SINH', content: 'Gia đình tôi chưa nhận được gạo hỗ trợ tháng 2.' }, '2026-03-02T08:00:00+07:00');
    codes.second = await create({ reporterPhone: '0911000007', areaCode: '29401', categoryCode: 'AN-SINH', content: 'Tôi gọi lại: vẫn chưa nhận được gạo hỗ trợ tháng 2.' }, '2026-03-02T08:30:00+07:00');
    // overdue (a 24-hour urgent matter from last Friday) and due soon (another from yesterday 13:00)
    codes.overdue = await create({ reporterPhone: '0911000008', areaCode: '29401', categoryCode: 'XET-NGHIEM', content: 'Chốt kiểm soát gây ùn tắc giờ cao điểm.' }, '2026-02-27T09:00:00+07:00');
    codes.dueSoon = await create({ reporterPhone: '0911000009', areaCode: '29401', categoryCode: 'XET-NGHIEM', content: 'Chưa có kết quả xét nghiệm sau hai ngày.' }, '2026-03-01T13:00:00+07:00');

    ({ browser, context, page } = await browserSession({ signIn: { base, username: 'dieuphoi.vien' } }));
  }, 90_000);

  afterAll(() => closeAll(context, browser, t));

  it('unit staff get the 403 page on every address of the queue', async () => {
    const other = await browser.newContext({ viewport: PHONE_SCREEN, locale: 'vi-VN' });
    const p = await other.newPage();
    await signIn(p, base, 'canbo.hoaloi');
    for (const path of ['/dieu-phoi', '/dieu-phoi?xem=tra-lai', `/dieu-phoi/phan-anh/${codes.web}`, `/dieu-phoi/gop?giu=${codes.first}&bo=${codes.second}`, '/dieu-phoi/tuyen?categoryCode=Y-TE']) {
      const res = await p.goto(`${base}${path}`);
      expect([path, res!.status()]).toEqual([path, 403]);
      expect(await p.locator('h1').textContent()).toBe('Không có quyền truy cập');
    }
    // nor may they send its forms: nothing changes
    const before = await row(codes.bulk1);
    const csrf = await p.locator('input[name=_csrf]').first().inputValue();
    const res = await p.request.post(`${base}/dieu-phoi/phan-cong`, { form: { _csrf: csrf, ma: codes.bulk1, unitCode: 'UB-29401' } });
    expect(res.status()).toBe(403);
    expect(await row(codes.bulk1)).toEqual(before);
    await other.close();
  });

  it('shows each view as a tab with its count; a table on a PC, cards on a phone', async () => {
    await page.goto(`${base}/dieu-phoi`);
    expect(await page.title()).toBe('Điều phối — Chờ phân công — Tổng đài 1022');
    const tabs = await page.locator('nav.tabs a').allTextContents();
    expect(tabs.map((s) => s.replace(/\s+/g, ' ').trim())).toEqual([
      'Chờ phân công 5', 'Đơn vị trả lại 1', 'Có thể trùng 1', 'Sắp đến hạn 1', 'Trễ hạn 1',
      // a unit's request for more time and a citizen's "not settled" (test/extension-requests, test/citizen-feedback)
      'Đề nghị gia hạn 0', 'Người dân chưa hài lòng 0',
    ]);
    expect(await page.locator('nav.tabs a[aria-current=page]').getAttribute('id')).toBe('tab-new');
    expect(await page.locator('#danh-sach').getAttribute('data-live-list')).toBe('queue');
    const listed = async () => page.locator('#danh-sach tbody tr a.tcode').allTextContents();
    expect((await listed()).sort()).toEqual([codes.web, codes.bulk1, codes.bulk2, codes.bulk3, codes.reject].sort());
    // a table on the office screen: a header row and rows side by side
    expect(await page.locator('#danh-sach thead').isVisible()).toBe(true);
    const cells = await page.locator(`#hang-${codes.web} td`).evaluateAll((tds) => tds.map((td) => td.getBoundingClientRect().y));
    expect(new Set(cells.map(Math.round)).size).toBe(1);
    await accessible('dieu-phoi-moi');
    // cards on the phone: no header row, the cells of a ticket stacked
    await page.setViewportSize(PHONE_SCREEN);
    expect(await page.locator('#danh-sach thead').isVisible()).toBe(false);
    const stacked = await page.locator(`#hang-${codes.web} td`).evaluateAll((tds) => tds.map((td) => td.getBoundingClientRect().y));
    expect(new Set(stacked.map(Math.round)).size).toBe(stacked.length);
    await page.setViewportSize(OFFICE_SCREEN);

    for (const [tab, slug, code] of [['tab-returned', 'tra-lai', codes.returned], ['tab-duplicates', 'trung', codes.second], ['tab-due-soon', 'sap-han', codes.dueSoon], ['tab-overdue', 'tre-han', codes.overdue]] as const) {
      await page.click(`#${tab}`);
      await page.waitForLoadState();
      expect(new URL(page.url()).search).toBe(`?xem=${slug}`);
      expect(await page.locator(`#${tab}`).getAttribute('aria-current')).toBe('page');
      expect(await listed()).toEqual([code]);
      await accessible(`dieu-phoi-${slug}`);
    }
    // the overdue one says so; the due-soon one carries its badge
    await page.goto(`${base}/dieu-phoi?xem=tre-han`);
    expect(await text(`#hang-${codes.overdue}`)).toContain('Trễ hạn');
    await page.goto(`${base}/dieu-phoi?xem=sap-han`);
    expect(await text(`#hang-${codes.dueSoon}`)).toContain('Sắp đến hạn');
  }, 120_000);

  it('classifies and assigns a web ticket with the keyboard alone, the routing preview following the choices', async () => {
    const before = await row(codes.web);
    expect(before).toMatchObject({ status: 'received', category: null, area: '29401', unit: null });
    await page.goto(`${base}/dieu-phoi`);
    await tabTo(`#hang-${codes.web} a.tcode`);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/dieu-phoi/phan-anh/${codes.web}?tu=moi`);
    expect(await page.locator('h1').textContent()).toBe(`Phân loại, phân công ${codes.web}`);
    // no category yet: the rules cannot decide
    expect(await text('#theo-quy-tac')).toBe('Theo quy tắc phân công: chưa xác định được đơn vị (chưa chọn lĩnh vực). Hãy chọn đơn vị xử lý.');
    expect(await page.inputValue('#areaCode-tim')).toBe('Xã Hòa Lợi — huyện Châu Thành');

    await tabTo('#categoryCode');
    await page.keyboard.type('Y tế, k');
    expect(await page.inputValue('#categoryCode')).toBe('Y-TE');
    await settled('#theo-quy-tac', 'Theo quy tắc phân công: Phòng Y tế huyện Châu Thành');

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('areaCode-tim');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('phuong 1 tra vinh');
    expect(await page.locator('#areaCode-ds [role=option]').allTextContents()).toEqual(['Phường 1 — thành phố Trà Vinh']);
    await page.keyboard.press('Enter');
    expect(await page.inputValue('#areaCode')).toBe('29239');
    await settled('#theo-quy-tac', 'Theo quy tắc phân công: Phòng Y tế thành phố Trà Vinh');

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('unitCode-tim');
    await page.keyboard.type('so y te');
    await page.keyboard.press('Enter');
    expect(await page.inputValue('#unitCode')).toBe('SO-YTE');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('note');
    await page.keyboard.type('Trạm y tế thuộc ngành y tế tỉnh quản lý.');
    await accessible('dieu-phoi-phan-anh');
    await tabTo('#nut-phan-cong');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/dieu-phoi');
    expect(await text('#thong-bao')).toBe(`Đã phân công phản ánh ${codes.web} cho Sở Y tế.`);
    expect(await page.locator(`#hang-${codes.web}`).count()).toBe(0);

    expect(await row(codes.web)).toMatchObject({ status: 'assigned', unit: 'SO-YTE', category: 'Y-TE', area: '29239', version: before.version + 1 });
    expect((await events(codes.web)).at(-1)).toEqual({
      type: 'assigned', actor_name: 'dieuphoi.vien', note: 'Trạm y tế thuộc ngành y tế tỉnh quản lý.', from_unit_code: null, to_unit_code: 'SO-YTE',
    });
  }, 60_000);

  it('without scripts the same form works with plain lists, and no unit chosen means the rules decide', async () => {
    const code = await create({ reporterPhone: '0911000010', areaCode: '29401', content: 'Xin hỏi chế độ hỗ trợ hộ cận nghèo.' });
    const plain = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE_SCREEN, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    const p = await plain.newPage();
    try {
      await signIn(p, base, 'dieuphoi.vien');
      await p.goto(`${base}/dieu-phoi/phan-anh/${code}`);
      // the lists themselves, no type-ahead; the preview as the server saw the ticket
      expect(await p.locator('#areaCode').isVisible()).toBe(true);
      expect(await p.locator('#areaCode-tim').count()).toBe(0);
      expect(await p.locator('#unitCode option:checked').textContent()).toBe('— Theo quy tắc phân công —');
      expect(((await p.locator('#theo-quy-tac').textContent()) ?? '').trim())
        .toBe('Theo quy tắc phân công: chưa xác định được đơn vị (chưa chọn lĩnh vực). Hãy chọn đơn vị xử lý.');
      // sent without a category nor a unit: the rules cannot decide, the unit field says so
      await p.click('#nut-phan-cong');
      await p.waitForLoadState();
      expect(((await p.locator('#unitCode-error').textContent()) ?? '').trim()).toBe('Hãy chọn đơn vị xử lý.');
      expect(await row(code)).toMatchObject({ status: 'received', unit: null });
      await p.selectOption('#categoryCode', 'AN-SINH');
      await p.click('#nut-phan-cong');
      await p.waitForLoadState();
      expect(((await p.locator('#thong-bao').textContent()) ?? '').trim()).toBe(`Đã phân công phản ánh ${code} cho UBND xã Hòa Lợi.`);
      expect(await row(code)).toMatchObject({ status: 'assigned', unit: 'UB-29401', category: 'AN-SINH' });
      expect((await events(code)).at(-1)).toMatchObject({ type: 'assigned', note: 'Phân công tự động theo quy tắc.', to_unit_code: 'UB-29401' });
    } finally {
      await plain.close();
    }
  }, 60_000);

  it('re-routes a returned ticket: the reason and who returned it come first, the default unit is never the one that returned it', async () => {
    await page.goto(`${base}/dieu-phoi?xem=tra-lai`);
    const reason = 'Không thuộc thẩm quyền của xã: việc sạt lở đường do Công an tỉnh và Sở Giao thông vận tải xử lý.';
    // the first column after the tick box: who returned it and why
    const first = (await page.locator(`#hang-${codes.returned} td`).nth(1).textContent())!.replace(/\s+/g, ' ').trim();
    expect(first).toBe(`UBND xã Đa Lộc trả lại (canbo.daloc) lúc 09:00 02/03/2026 Lý do: ${reason}`);
    await page.click(`#hang-${codes.returned} a.tcode`);
    await page.waitForLoadState();
    // on the ticket's page too, before anything else
    expect(await text('#tra-lai')).toBe(`UBND xã Đa Lộc trả lại (canbo.daloc) lúc 09:00 02/03/2026 Lý do: ${reason}`);
    const returnedBox = (await page.locator('#tra-lai').boundingBox())!;
    for (const later of ['#thong-tin', '#form-phan-cong']) expect((await page.locator(later).boundingBox())!.y).toBeGreaterThan(returnedBox.y);
    // the rules point back at the unit that returned it: the form does not choose it
    expect(await text('#theo-quy-tac')).toBe('Theo quy tắc phân công: UBND xã Đa Lộc (chính đơn vị vừa trả lại phản ánh này: hãy chọn đơn vị khác)');
    expect(await page.inputValue('#unitCode')).toBe('');
    expect(await page.inputValue('#unitCode-tim')).toBe('');
    expect(await page.locator('#unitCode-tim').getAttribute('required')).not.toBeNull();
    // sent without a unit anyway (a form without scripts, or an old page): refused, nothing changes
    const before = await row(codes.returned);
    const csrf = await page.locator('#form-phan-cong input[name=_csrf]').inputValue();
    const refused = await page.request.post(`${base}/dieu-phoi/phan-anh/${codes.returned}/phan-cong`, {
      form: { _csrf: csrf, version: String(before.version), categoryCode: 'AN-SINH', areaCode: '29377', unitCode: '', note: '' }, maxRedirects: 0,
    });
    expect(refused.status()).toBe(400);
    expect(await refused.text()).toContain('Hãy chọn đơn vị xử lý: UBND xã Đa Lộc vừa trả lại phản ánh này.');
    expect(await row(codes.returned)).toEqual(before);
    await accessible('dieu-phoi-tra-lai-phan-anh');

    await page.focus('#unitCode-tim');
    await page.keyboard.type('cong an tinh');
    await page.keyboard.press('Enter');
    await page.click('#nut-phan-cong');
    await page.waitForURL((u) => u.pathname === '/dieu-phoi' && u.searchParams.get('xem') === 'tra-lai');
    expect(await text('#thong-bao')).toBe(`Đã phân công phản ánh ${codes.returned} cho Công an tỉnh.`);
    expect(await text('#danh-sach')).toBe('Không có phản ánh nào bị đơn vị trả lại.');
    expect(await row(codes.returned)).toMatchObject({ status: 'assigned', unit: 'CA-TINH', version: before.version + 1 });
    expect((await events(codes.returned)).map((e) => [e.type, e.to_unit_code])).toEqual([['created', 'UB-29377'], ['returned', null], ['assigned', 'CA-TINH']]);
  }, 60_000);

  it('assigns several tickets at once, each at the version its row showed, and says what happened to each', async () => {
    await page.goto(`${base}/dieu-phoi`);
    // someone else assigns the third one while the list is on the screen
    await t.http().post(`/api/tickets/${codes.bulk3}/assign`).set(bearer(coordToken)).send({ unitCode: 'SO-CT' }).expect(200);
    for (const c of [codes.bulk1, codes.bulk2, codes.bulk3]) await page.check(`#chon-${c}`);
    await page.focus('#unitCode-tim');
    await page.keyboard.type('hoa loi');
    await page.keyboard.press('Enter');
    expect(await page.inputValue('#unitCode')).toBe('UB-29401');
    await page.click('#nut-phan-cong');
    await page.waitForLoadState();
    expect(await text('#ket-qua-phan-cong p')).toBe('Phân công nhiều phản ánh: 2 phản ánh đã phân công, 1 phản ánh không phân công được.');
    expect(await text(`#ket-qua-phan-cong li[data-code="${codes.bulk1}"]`)).toBe(`${codes.bulk1} Đã phân công cho UBND xã Hòa Lợi.`);
    expect(await text(`#ket-qua-phan-cong li[data-code="${codes.bulk2}"]`)).toBe(`${codes.bulk2} Đã phân công cho UBND xã Hòa Lợi.`);
    expect(await text(`#ket-qua-phan-cong li[data-code="${codes.bulk3}"]`))
      .toBe(`${codes.bulk3} Không phân công được: Phản ánh vừa được người khác cập nhật; vui lòng tải lại và thử lại.`);
    await accessible('dieu-phoi-phan-cong-nhieu');
    expect(await row(codes.bulk1)).toMatchObject({ status: 'assigned', unit: 'UB-29401' });
    expect(await row(codes.bulk2)).toMatchObject({ status: 'assigned', unit: 'UB-29401' });
    expect(await row(codes.bulk3)).toMatchObject({ status: 'assigned', unit: 'SO-CT' });
    expect((await events(codes.bulk1)).at(-1)).toMatchObject({ type: 'assigned', actor_name: 'dieuphoi.vien', to_unit_code: 'UB-29401' });

    // nothing ticked, no unit: the form says so by its fields
    await page.fill('#unitCode-tim', '');
    await page.click('#nut-phan-cong');
    await page.waitForLoadState();
    expect(await text('#ma-error')).toBe('Hãy chọn ít nhất một phản ánh trong danh sách.');
    expect(await text('#unitCode-error')).toBe('Hãy chọn đơn vị xử lý.');
  }, 60_000);

  it('merges two tickets side by side; the one kept lists the one merged into it', async () => {
    await page.goto(`${base}/dieu-phoi?xem=trung`);
    expect(await text(`#hang-${codes.second} ul.dups`)).toBe(`So sánh với ${codes.first} (cùng số điện thoại)`);
    await page.click(`#hang-${codes.second} ul.dups a`);
    await page.waitForLoadState();
    expect(new URL(page.url()).search).toBe(`?giu=${codes.first}&bo=${codes.second}`);
    expect(await text('#giu-tieu-de')).toBe(`Giữ lại ${codes.first}`);
    expect(await text('#bo-tieu-de')).toBe(`Sẽ gộp ${codes.second}`);
    expect(await text('#giu-noi-dung')).toBe('Gia đình tôi chưa nhận được gạo hỗ trợ tháng 2.');
    expect(await text('#bo-noi-dung')).toBe('Tôi gọi lại: vẫn chưa nhận được gạo hỗ trợ tháng 2.');
    // side by side on the office screen
    const kept = (await page.locator('#ben-giu').boundingBox())!;
    const dropped = (await page.locator('#ben-bo').boundingBox())!;
    expect(Math.round(dropped.y)).toBe(Math.round(kept.y));
    expect(dropped.x).toBeGreaterThan(kept.x + kept.width - 1);
    expect(await text('#da-gop-giu')).toBe('Chưa có phản ánh nào được gộp vào.');
    await accessible('dieu-phoi-gop');

    // the same two from the second one's own page: "merge this into that", the code of the kept one typed
    await page.goto(`${base}/dieu-phoi/phan-anh/${codes.second}`);
    await page.click('#gop-vao-khac');
    await page.waitForLoadState();
    expect(await text('#bo-tieu-de')).toBe(`Sẽ gộp ${codes.second}`);
    expect(await page.locator('#ben-giu').count()).toBe(0);
    await page.fill('#giu', 'pa-xxxx');
    await page.click('#nut-so-sanh');
    await page.waitForLoadState();
    expect(await text('#giu-error')).toBe('Mã phản ánh không đúng dạng PA-XXXX-XXXX.');
    await accessible('dieu-phoi-gop-nhap-ma');
    await page.fill('#giu', codes.first.toLowerCase());
    await page.click('#nut-so-sanh');
    await page.waitForLoadState();
    expect(await text('#giu-tieu-de')).toBe(`Giữ lại ${codes.first}`);
    expect(await text('#bo-tieu-de')).toBe(`Sẽ gộp ${codes.second}`);

    await page.click('#nut-gop');
    await page.waitForLoadState();
    expect(new URL(page.url()).searchParams.get('giu')).toBe(codes.first);
    expect(await text('#thong-bao')).toBe(`Đã gộp phản ánh ${codes.second} vào phản ánh ${codes.first}.`);
    expect(await page.locator('#da-gop-giu li a.tcode').allTextContents()).toEqual([codes.second]);
    await accessible('dieu-phoi-gop-xong');
    const first = await row(codes.first);
    expect(await row(codes.second)).toMatchObject({ status: 'rejected', reject_reason: 'duplicate', duplicate_of_id: first.id });
    expect((await events(codes.second)).at(-1)).toMatchObject({ type: 'rejected', actor_name: 'dieuphoi.vien' });
    // the merged ones of a ticket are read through a partial index of the few tickets that have been merged
    expect(await t.ds.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_tickets_duplicate_of'`)).toEqual([
      { indexdef: 'CREATE INDEX idx_tickets_duplicate_of ON public.tickets USING btree (duplicate_of_id) WHERE (duplicate_of_id IS NOT NULL)' },
    ]);
    // no longer a likely duplicate to decide on
    await page.goto(`${base}/dieu-phoi?xem=trung`);
    expect(await text('#danh-sach')).toBe('Không có phản ánh nào có khả năng trùng cần xem xét.');
    // the kept ticket's coordination page lists it too
    await page.goto(`${base}/dieu-phoi/phan-anh/${codes.first}`);
    expect(await page.locator('#da-gop li a.tcode').allTextContents()).toEqual([codes.second]);
  }, 60_000);

  it('a rejection has no reason chosen in advance: without one it is refused by its field; with one it asks to confirm', async () => {
    await page.goto(`${base}/dieu-phoi/phan-anh/${codes.reject}`);
    expect(await page.locator('#form-tu-choi input[name=reason]:checked').count()).toBe(0);
    const before = await row(codes.reject);
    await page.click('#nut-tu-choi');
    await page.waitForLoadState();
    expect(await text('#reason-error')).toBe('Hãy chọn lý do từ chối.');
    expect(await text('#loi-tu-choi p')).toBe('Chưa thực hiện được: vui lòng kiểm tra lại thông tin đã nhập.');
    expect(await row(codes.reject)).toEqual(before);
    await accessible('dieu-phoi-tu-choi-loi');

    await page.check('#reason-spam');
    await page.fill('#reject-note', 'Gọi thử máy, không có nội dung.');
    await page.click('#nut-tu-choi');
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe(`Xác nhận từ chối phản ánh ${codes.reject}`);
    expect(await text('#ly-do')).toBe('Tin rác, quấy rối');
    // not yet
    expect(await row(codes.reject)).toEqual(before);
    await accessible('dieu-phoi-tu-choi-xac-nhan');
    await page.click('#nut-xac-nhan');
    await page.waitForLoadState();
    expect(await text('#thong-bao')).toBe(`Đã từ chối phản ánh ${codes.reject}.`);
    expect(await row(codes.reject)).toMatchObject({ status: 'rejected', reject_reason: 'spam', version: before.version + 1 });
    expect((await events(codes.reject)).at(-1)).toMatchObject({ type: 'rejected', actor_name: 'dieuphoi.vien', note: 'Gọi thử máy, không có nội dung.' });
  }, 60_000);

  it('shows 50 tickets a page with the pager; a box ticks every ticket of the page', async () => {
    await page.goto(`${base}/dieu-phoi`);
    expect(await text('#danh-sach')).toBe('Không có phản ánh mới nào đang chờ phân công.');
    const made: string[] = [];
    for (let i = 0; i < 52; i++) made.push(await create({ reporterPhone: `09120000${String(i).padStart(2, '0')}`, content: `Phản ánh thứ ${i + 1} về đèn đường.` }));
    await page.goto(`${base}/dieu-phoi`);
    expect(await text('#tab-new')).toBe('Chờ phân công 52');
    expect(await page.locator('#danh-sach tbody tr').count()).toBe(50);
    expect(await text('#so-trang')).toBe('Trang 1/2');
    await page.check('#chon-tat-ca');
    expect(await page.locator('#danh-sach tbody input[name=ma]:checked').count()).toBe(50);
    await page.uncheck(`#chon-${made[0]}`);
    expect(await page.locator('#chon-tat-ca').isChecked()).toBe(false);
    await page.click('#trang-sau');
    await page.waitForLoadState();
    expect(new URL(page.url()).search).toBe('?trang=2');
    expect(await page.locator('#danh-sach tbody tr').count()).toBe(2);
    expect(await text('#so-trang')).toBe('Trang 2/2');
    await accessible('dieu-phoi-trang-2');
    // every ticket once over the two pages
    const second = await page.locator('#danh-sach tbody a.tcode').allTextContents();
    await page.click('#trang-truoc');
    await page.waitForLoadState();
    const first = await page.locator('#danh-sach tbody a.tcode').allTextContents();
    expect([...first, ...second].sort()).toEqual([...made].sort());
  }, 90_000);
  it('counts the new and the returned from the returns alone, as every waiting ticket\'s latest event says', async () => {
    const daLoc = await t.userToken('unit_staff', 'UB-29377', 'canbo.daloc2');
    const send = (code: string, action: 'return' | 'assign', token: string, body: Record<string, unknown>) =>
      t.http().post(`/api/tickets/${code}/${action}`).set(bearer(token)).send(body).expect(200);
    const giveBack = (code: string) => send(code, 'return', daLoc, { reason: 'Không thuộc thẩm quyền của xã.' });
    const toDaLoc = (code: string) => send(code, 'assign', coordToken, { unitCode: 'UB-29377' });
    const routed = () => create({ reporterPhone: '0913000001', areaCode: '29377', categoryCode: 'AN-SINH', content: 'Cống thoát nước bị tắc.' });
    // the clock stands still: every event below has the same instant, and only their order tells which is the latest
    const once = await routed(); await giveBack(once);
    const twice = await routed(); await giveBack(twice); await toDaLoc(twice); await giveBack(twice);
    const sentOn = await routed(); await giveBack(sentOn); await toDaLoc(sentOn);
    const never = await routed();
    const window = { now: new Date(BASE), duplicatesSince: new Date(new Date(BASE).getTime() - 7 * 86_400_000) };
    // the reference: the latest event leading to 'received' of every waiting ticket
    const [ref] = await t.ds.query(
      `SELECT count(*) FILTER (WHERE q.type IS DISTINCT FROM 'returned')::int AS new, count(*) FILTER (WHERE q.type = 'returned')::int AS returned,
              array_agg(t.code ORDER BY t.code) FILTER (WHERE q.type = 'returned') AS codes
         FROM tickets t LEFT JOIN LATERAL (SELECT e.type FROM ticket_events e WHERE e.ticket_id = t.id AND e.to_status = 'received'
                                          ORDER BY e.at DESC, e.id DESC LIMIT 1) q ON true
        WHERE t.status = 'received'`);
    expect(ref.codes).toEqual(expect.arrayContaining([once, twice]));
    expect(ref.codes).not.toContain(sentOn);
    expect(ref.codes).not.toContain(never);
    const counts = await queueCounts(t.ds.manager, window);
    expect({ new: counts.new, returned: counts.returned }).toEqual({ new: ref.new, returned: ref.returned });
    const page1 = await queuePage(t.ds.manager, 'returned', window, 1, 50);
    expect(page1.tickets.map((x) => x.code).sort()).toEqual(ref.codes);
    // each once, with who returned it
    expect(page1.returned.get(page1.tickets.find((x) => x.code === twice)!.id)).toMatchObject({ unitCode: 'UB-29377', reason: 'Không thuộc thẩm quyền của xã.' });
  });

  it('reads its counts on connections without JIT: every connection of the application\'s pool has it off', async () => {
    // the duplicates lookups are misestimated at a million tickets: with JIT on, compiling took seconds (bench)
    // five transactions at once, each holding its connection until all five have read theirs: five connections
    let arrived = 0;
    let allIn!: () => void;
    const together = new Promise<void>((resolve) => (allIn = resolve));
    const settings = await Promise.all(Array.from({ length: 5 }, () => t.ds.transaction(async (m) => {
      const [s] = await m.query(`SELECT current_setting('jit') AS jit, pg_backend_pid() AS pid`);
      if (++arrived === 5) allIn();
      await together;
      return s as { jit: string; pid: number };
    })));
    expect(new Set(settings.map((s) => s.pid)).size).toBe(5);
    expect(settings.map((s) => s.jit)).toEqual(Array(5).fill('off'));
    const [server] = await t.ds.query(`SELECT boot_val FROM pg_settings WHERE name = 'jit'`);
    expect(server.boot_val).toBe('on'); // the server's own default is on: the pool turns it off
  });
});
