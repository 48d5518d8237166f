import { deflateSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { closeAll } from './support/browser.js';
import { browserSession, checkPage, OFFICE_SCREEN, PHONE_SCREEN, seriousA11yViolations } from './support/pages.js';
import { signZaloBody } from '../src/intake/channels/zalo-signature.js';
import { DeliveryService } from '../src/notifications/delivery.service.js';
import { heic } from './support/citizen-report.js';
import { FakePlatform } from './support/fake-platform.js';
import { bearer, listen, sessionCookie, startTestApp, TEST_PASSWORD, tokensFor, type TestApp } from './support/test-app.js';

/**
 * The unit's workspace (issue #10, section 4) in real Chromium with JavaScript on, in a browser set to English and
 * New York time (the pages must still say dd/mm/yyyy, 24-hour Viet Nam time): a commune's staff member signs in, sees
 * the unit's tickets as a table by deadline with the late and due-soon ones marked, filters them, opens a ticket with
 * a citizen's photo, sees the thumbnail and opens it, and accepts and resolves the ticket with the keyboard alone.
 * Around it, over HTTP: another unit gets 404 for the ticket and its photo, search by phone written with spaces or
 * dots and by code in lower case without dashes, the received-date filters' errors, a leader's unit filter, and the
 * reject form that chooses nothing in advance and asks for a confirmation.
 */

const CODE = /^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
const COOKIE = 'tongdai1022_phien';
const MON = '2026-03-02T09:00:00+07:00';
const TUE = '2026-03-03T09:00:00+07:00';
const WED = '2026-03-04T09:00:00+07:00';
/** Thursday 15:00: Monday's AN-SINH ticket is 4 working hours late, Tuesday's is past 80 % of its time (due soon). */
const THU = '2026-03-05T15:00:00+07:00';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** A real PNG (a browser can draw it): width × height, a red and white diagonal pattern. */
function realPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set((x + y) % 16 < 8 ? [179, 38, 30] : [255, 255, 255], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
/** The text of the element with that id, as a person reads it (tags dropped, entities decoded, spaces collapsed). */
const textOf = (html: string, id: string) => new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</(?:dd|div|p|span)>`).exec(html)?.[1]
  .replace(/<[^>]+>/g, '').replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]).replace(/\s+/g, ' ').trim();
/** Runs a script in the page (given as text: the tests are compiled without the DOM's types). */
const js = async <R>(p: Page, expression: string): Promise<R> => (await p.evaluate(expression)) as R;
/** The codes of the list's rows, top to bottom. */
const codesOn = (p: Page) => js<string[]>(p, "Array.from(document.querySelectorAll('#danh-sach tbody tr'), (r) => r.getAttribute('data-code'))");
const rowsOf = (html: string) => [...html.matchAll(/<tr(?: class="(late|soon)")? data-code="([^"]+)">([\s\S]*?)<\/tr>/g)]
  .map((m) => ({ mark: m[1] ?? '', code: m[2], html: m[3] }));
const clean = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

describe('the unit\'s workspace in Chromium (e2e)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser, context: BrowserContext, page: Page;
  let op: string;
  let coordToken: string;
  const users = { unit: 'canbo.hoaloi', other: 'canbo.hoaminh', leader: 'lanhdao.chauthanh', coord: 'dieuphoi.vien' };
  const tk = { late: '', soon: '', instructed: '', photo: '', otherUnit: '' };
  let photoId = '';
  let heicId = '';
  const photo = realPng(64, 48);
  const instruction = 'Đề nghị xã xác minh tại ấp Bến Có và trả lời người dân trong tuần.';

  async function create(body: Record<string, unknown>): Promise<string> {
    const res = await t.http().post('/api/tickets').set(bearer(op)).send({ channel: 'hotline', reporterName: 'Trần Văn Hai', ...body });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.code;
  }

  /** Signs in over HTTP: the session cookie (support/test-app.ts). */
  const login = (username: string) => sessionCookie(t, username);
  const get = (cookie: string, path: string) => t.http().get(path).set('Cookie', cookie);

  /** What has the keyboard focus: its id, else its href. */
  const focused = (p: Page) => js<string>(p, "(() => { const e = document.activeElement; return e ? (e.id || e.getAttribute('href') || e.tagName) : ''; })()");
  /** Presses Tab until `target` (an id or an href) has the focus; fails when it never gets it. */
  async function tabTo(p: Page, target: string): Promise<void> {
    for (let i = 0; i < 150; i++) {
      if (await focused(p) === target) return;
      await p.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${target}`);
  }

  beforeAll(async () => {
    t = await startTestApp({ now: MON, env: { TOKEN_TTL_HOURS: '720' } });
    base = await listen(t);
    [op, coordToken] = await tokensFor(t, [
      'operator', ['coordinator', null, users.coord],
      ['unit_staff', 'UB-29401', users.unit], ['unit_staff', 'UB-29404', users.other],
      ['leader', 'VP-847', users.leader],
    ]);
    // Monday: due Thursday 09:00; Tuesday: due Friday 09:00; both AN-SINH, routed to UBND xã Hòa Lợi
    tk.late = await create({ categoryCode: 'AN-SINH', areaCode: '29401', reporterPhone: '0987 111 222', content: 'Hộ ông Hai chưa nhận được gạo cứu đói tháng 2.' });
    t.clock.set(TUE);
    tk.soon = await create({ categoryCode: 'AN-SINH', areaCode: '29401', reporterPhone: '0987 333 444', content: 'Chưa được xét hộ cận nghèo năm 2026.' });
    tk.otherUnit = await create({ categoryCode: 'Y-TE', content: 'Trạm y tế đóng cửa giờ hành chính.' });
    // Wednesday: waits for a coordinator, who sends it to the commune with an instruction
    t.clock.set(WED);
    tk.instructed = await create({ content: 'Đường vào ấp Bến Có ngập nước, xe cứu thương không vào được.' });
    await t.http().post(`/api/tickets/${tk.instructed}/assign`).set(bearer(coordToken)).send({ unitCode: 'UB-29401', note: instruction }).expect(200);
    // Thursday 15:00: a citizen sends a photo from the app
    t.clock.set(THU);
    const res = await t.http().post('/api/public/reports')
      .field('fullName', 'Nguyễn Thị Bé').field('phone', '0912345678').field('areaCode', '29401').field('categoryCode', 'AN-SINH')
      .field('address', 'Ấp Bến Có').field('content', 'Cống thoát nước trước nhà bị vỡ, nước tràn vào nhà (ảnh kèm theo).')
      .attach('attachments', photo, { filename: 'cống vỡ.png', contentType: 'image/png' })
      .attach('attachments', heic(2048), { filename: 'ảnh iPhone.heic', contentType: 'image/heic' });
    expect(res.status).toBe(201);
    tk.photo = res.body.code;
    expect(tk.photo).toMatch(CODE);
    const stored = await t.ds.query(`SELECT a.id, a.content_type FROM attachments a JOIN tickets t ON t.id = a.ticket_id WHERE t.code = $1`, [tk.photo]);
    photoId = stored.find((a: { content_type: string }) => a.content_type === 'image/png').id;
    heicId = stored.find((a: { content_type: string }) => a.content_type === 'image/heic').id;

    // a browser in English and New York time: the pages still show Viet Nam time as dd/mm/yyyy and 24 hours
    ({ browser, context, page } = await browserSession({ context: { viewport: OFFICE_SCREEN, locale: 'en-US', timezoneId: 'America/New_York' } }));
  }, 90_000);
  afterAll(() => closeAll(context, browser, t));

  it('signs in and sees the unit\'s tickets as a table by deadline, the late one first and marked, the due-soon one marked', async () => {
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/dang-nhap');
    expect(await checkPage(page, 'staff-login')).toEqual([]);
    await tabTo(page, 'username');
    await page.keyboard.type(users.unit);
    await page.keyboard.press('Tab');
    await page.keyboard.type(TEST_PASSWORD);
    await Promise.all([page.waitForURL(`${base}/tickets`), page.keyboard.press('Enter')]);

    expect(await page.locator('h1').textContent()).toBe('Phản ánh của đơn vị');
    expect(await page.locator('[data-live-list="unit"]').count()).toBe(1);
    expect(await page.locator('#danh-sach thead th').allTextContents())
      .toEqual(['Mã phản ánh', 'Tiếp nhận', 'Hạn xử lý', 'Trạng thái', 'Lĩnh vực', 'Xã, phường', 'Nội dung']);
    const codes = await codesOn(page);
    // by deadline: Monday's (late), Tuesday's (due soon), then the later ones as the API sorts them
    const token = (await context.cookies()).find((c) => c.name === COOKIE)!.value;
    const api = await t.http().get('/api/tickets').query({ sort: 'deadline', pageSize: 50 }).set(bearer(token)).expect(200);
    expect(codes).toEqual(api.body.items.map((i: { code: string }) => i.code));
    expect(codes.slice(0, 2)).toEqual([tk.late, tk.soon]);
    expect(new Set(codes)).toEqual(new Set([tk.late, tk.soon, tk.instructed, tk.photo]));
    const dues = api.body.items.map((i: { dueAt: string }) => Date.parse(i.dueAt));
    expect([...dues].sort((a, b) => a - b)).toEqual(dues);

    const late = page.locator(`tr[data-code="${tk.late}"]`);
    expect(await late.getAttribute('class')).toBe('late');
    expect(clean(await late.locator('td').nth(1).textContent())).toBe('09:00 02/03/2026');
    expect(clean(await late.locator('td.due').textContent())).toBe('09:00 05/03/2026 — Trễ hạn đã quá hạn 4 giờ làm việc');
    expect(clean(await late.locator('td').nth(4).textContent())).toBe('Hỗ trợ an sinh xã hội, lương thực');
    expect(clean(await late.locator('td').nth(5).textContent())).toBe('Xã Hòa Lợi');
    expect(clean(await late.locator('td.excerpt').textContent())).toBe('Hộ ông Hai chưa nhận được gạo cứu đói tháng 2.');
    const soon = page.locator(`tr[data-code="${tk.soon}"]`);
    expect(await soon.getAttribute('class')).toBe('soon');
    expect(clean(await soon.locator('td.due').textContent())).toBe('09:00 06/03/2026 — còn 4 giờ làm việc Sắp đến hạn');
    expect(await page.locator(`tr[data-code="${tk.photo}"]`).getAttribute('class')).toBeNull();
    expect(clean(await page.locator(`tr[data-code="${tk.photo}"] td.due`).textContent())).toMatch(/ — còn 24 giờ làm việc$/);
    expect(await page.locator('#tong-so').textContent()).toBe('Có 4 phản ánh.');

    expect(await checkPage(page, 'unit-list')).toEqual([]);
    // on a phone: the same list as cards, nothing wider than the screen, no violation either
    await page.setViewportSize(PHONE_SCREEN);
    expect(await page.locator('#danh-sach thead').isVisible()).toBe(false);
    for (const selector of ['header', '.filters', `tr[data-code="${tk.late}"]`, `tr[data-code="${tk.photo}"] td.excerpt`]) {
      const box = (await page.locator(selector).boundingBox())!;
      expect([selector, box.x >= 0 && box.x + box.width <= PHONE_SCREEN.width]).toEqual([selector, true]);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.setViewportSize(OFFICE_SCREEN);
  }, 60_000);

  it('filters by received dates typed as dd/mm/yyyy, by status, category and commune, keeping the choices', async () => {
    await page.goto(`${base}/tickets`);
    await page.fill('#from', '04/03/2026');
    await Promise.all([page.waitForURL(/from=/), page.locator('#from').press('Enter')]);
    const url = new URL(page.url());
    expect(url.searchParams.get('from')).toBe('04/03/2026');
    const codes = await codesOn(page);
    expect(new Set(codes)).toEqual(new Set([tk.instructed, tk.photo]));
    expect(await page.locator('#from').inputValue()).toBe('04/03/2026');
    expect(await page.locator('#tong-so').textContent()).toBe('Có 2 phản ánh phù hợp.');

    await page.fill('#from', '');
    await page.fill('#to', '03/03/2026');
    await page.selectOption('#status', 'assigned');
    // the long lists are chosen by typing without diacritics (static/js/combobox.js)
    await page.locator('#category-tim').focus();
    await page.keyboard.type('an sinh luong thuc');
    await page.keyboard.press('Enter');
    await page.locator('#area-tim').focus();
    await page.keyboard.type('xa hoa loi');
    await page.keyboard.press('Enter');
    expect([await page.locator('#category').inputValue(), await page.locator('#area').inputValue()]).toEqual(['AN-SINH', '29401']);
    await Promise.all([page.waitForURL(/to=/), page.locator('#to').press('Enter')]);
    const filtered = await codesOn(page);
    expect(filtered).toEqual([tk.late, tk.soon]);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ q: '', status: 'assigned', category: 'AN-SINH', channel: '', area: '29401', from: '', to: '03/03/2026' });
    expect(await page.locator('#status').inputValue()).toBe('assigned');
    expect(await page.locator('#category').inputValue()).toBe('AN-SINH');
    expect(await page.locator('#category-tim').inputValue()).toBe('Hỗ trợ an sinh xã hội, lương thực');
    // the same filters another way: a commune where the unit has nothing
    const elsewhere = await t.http().get('/tickets?area=29404').set('Cookie', `${COOKIE}=${(await context.cookies()).find((c) => c.name === COOKIE)!.value}`).expect(200);
    expect(rowsOf(elsewhere.text)).toEqual([]);
    await Promise.all([page.waitForURL(`${base}/tickets`), page.locator('#bo-loc').press('Enter')]);
  }, 60_000);

  it('a received date that cannot be read: 400, the reason next to its field, the list without that bound', async () => {
    const cookie = await login(users.unit);
    const bad = await get(cookie, '/tickets?from=31%2F02%2F2026&status=assigned');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<input type="text" id="from" name="from" value="31/02/2026"');
    expect(bad.text).toMatch(/id="from"[^>]*aria-invalid="true" aria-describedby="from-loi">/);
    expect(textOf(bad.text, 'from-loi')).toBe('Không có ngày 31/02/2026.');
    expect(bad.text).toContain('<li>Từ ngày: Không có ngày 31/02/2026.</li>');
    expect(rowsOf(bad.text).map((r) => r.code).sort()).toEqual([tk.late, tk.soon, tk.instructed, tk.photo].sort());
    const american = await get(cookie, '/tickets?to=2026-03-05');
    expect(american.status).toBe(400);
    expect(textOf(american.text, 'to-loi')).toBe('"2026-03-05" không phải ngày theo dạng dd/mm/yyyy, ví dụ 05/03/2026.');
    const reversed = await get(cookie, '/tickets?from=05%2F03%2F2026&to=04%2F03%2F2026');
    expect(reversed.status).toBe(400);
    expect(textOf(reversed.text, 'to-loi')).toBe('Phải từ ngày 05/03/2026 trở về sau.');
    // a whole day in Viet Nam time, whatever the server's zone: Thursday is the photo's day only
    const thursday = await get(cookie, '/tickets?from=05%2F03%2F2026&to=05%2F03%2F2026').expect(200);
    expect(rowsOf(thursday.text).map((r) => r.code)).toEqual([tk.photo]);
  });

  it('search finds a phone written with spaces or dots, and a code in lower case without dashes', async () => {
    const cookie = await login(users.unit);
    for (const q of ['0912 345 678', '0912.345.678', '+84 912-345-678', tk.photo.replace(/-/g, '').toLowerCase(), tk.photo.toLowerCase()]) {
      const res = await get(cookie, `/tickets?q=${encodeURIComponent(q)}`).expect(200);
      expect([q, rowsOf(res.text).map((r) => r.code)]).toEqual([q, [tk.photo]]);
      expect(res.text).toContain(`id="q" name="q" value="${q}"`);
    }
    // part of a phone, and words, still search the text as before
    expect(rowsOf((await get(cookie, `/tickets?q=${encodeURIComponent('0987')}`)).text).map((r) => r.code).sort()).toEqual([tk.late, tk.soon].sort());
    expect(rowsOf((await get(cookie, `/tickets?q=${encodeURIComponent('cong thoat nuoc')}`)).text).map((r) => r.code)).toEqual([tk.photo]);
    // and it stays within what the person may read: another commune finds nothing
    const other = await login(users.other);
    expect(rowsOf((await get(other, `/tickets?q=${encodeURIComponent('0912.345.678')}`)).text)).toEqual([]);
  });

  it('opens the photo ticket: the coordinator\'s instruction elsewhere, the thumbnail that opens full size, the conversation', async () => {
    await tabTo(page, `/tickets/${tk.instructed}`);
    await Promise.all([page.waitForURL(`${base}/tickets/${tk.instructed}`), page.keyboard.press('Enter')]);
    // the coordinator's instruction before anything else
    expect(await page.locator('#chi-dao h2').textContent()).toBe('Chỉ đạo xử lý');
    expect(await page.locator('#chi-dao .note').textContent()).toBe(instruction);
    expect(await page.locator('#chi-dao .time').textContent()).toBe(`09:00 04/03/2026 · ${users.coord}`);
    const [instructionBox, facts] = [await page.locator('#chi-dao').boundingBox(), await page.locator('#trang-thai').boundingBox()];
    expect(instructionBox!.y).toBeLessThan(facts!.y);
    await page.goBack();

    await tabTo(page, `/tickets/${tk.photo}`);
    await Promise.all([page.waitForURL(`${base}/tickets/${tk.photo}`), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').textContent()).toBe(`Phản ánh ${tk.photo}`);
    expect(await page.locator('#chi-dao').count()).toBe(0);
    expect(clean(await page.locator('#kenh').textContent())).toBe('App công dân');
    const thumb = page.locator('#tep-dinh-kem img');
    expect(await thumb.getAttribute('alt')).toBe('Ảnh 1 người dân gửi: cống vỡ.png');
    const href = `/tickets/${tk.photo}/tep-dinh-kem/${photoId}`;
    expect(await thumb.getAttribute('src')).toBe(href);
    // drawn: the browser decoded the photo (the page's CSP allows this site's images)
    await page.waitForFunction("(() => { const i = document.querySelector('#tep-dinh-kem img'); return i && i.complete && i.naturalWidth > 0; })()");
    expect(await js<number[]>(page, "(() => { const i = document.querySelector('#tep-dinh-kem img'); return [i.naturalWidth, i.naturalHeight]; })()")).toEqual([64, 48]);
    // a photo a browser cannot draw (HEIC, from an iPhone) is offered as a download, with its size
    expect(await page.locator('#tep-dinh-kem h2').textContent()).toBe('Ảnh và tệp đính kèm (2)');
    expect(await page.locator('#tep-dinh-kem img').count()).toBe(1);
    const download = page.locator('#tep-dinh-kem ul.files a[download]');
    expect(await download.getAttribute('href')).toBe(`/tickets/${tk.photo}/tep-dinh-kem/${heicId}`);
    expect(clean(await page.locator('#tep-dinh-kem ul.files li').textContent())).toBe('ảnh iPhone.heic (2 KB)');
    // the conversation: the citizen's complaint, received Thursday 15:00
    expect(await page.locator('#hoi-thoai li').count()).toBe(1);
    expect(await page.locator('#hoi-thoai li.in .text').textContent()).toBe('Cống thoát nước trước nhà bị vỡ, nước tràn vào nhà (ảnh kèm theo).');
    expect(clean(await page.locator('#hoi-thoai li.in .time').textContent())).toBe('15:00 05/03/2026 · Người dân: Nguyễn Thị Bé · qua App công dân');

    expect(await checkPage(page, 'unit-ticket')).toEqual([]);

    // the thumbnail opens the photo full size
    await tabTo(page, href);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(href)), page.keyboard.press('Enter')]);
    await page.waitForURL(`${base}${href}`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('image/png');
    expect(Buffer.compare(await response.body(), photo)).toBe(0);
    await page.goBack();
    expect(new URL(page.url()).pathname).toBe(`/tickets/${tk.photo}`);
  }, 60_000);

  it('another unit\'s staff gets 404 for the ticket page and for its photo, like an unknown code', async () => {
    // the page a person gets for a code they cannot open, in the staff pages' header
    await page.goto(`${base}/tickets/PA-2222-2222`);
    expect(await page.locator('h1').textContent()).toBe('Không tìm thấy');
    expect(await page.locator('#thong-bao').textContent()).toBe('Không tìm thấy phản ánh mã "PA-2222-2222".');
    expect(await page.locator('#nguoi-dung').count()).toBe(1);
    // the header counts the unit's tickets waiting to be accepted here too
    expect(await page.locator('#menu-phan-anh .count').textContent()).toBe('4');
    expect(await page.locator('#menu-phan-anh .count').isVisible()).toBe(true);
    expect(await checkPage(page, 'staff-not-found')).toEqual([]);
    const other = await login(users.other);
    const href = `/tickets/${tk.photo}/tep-dinh-kem/${photoId}`;
    const [pageRes, photoRes, unknown] = await Promise.all([get(other, `/tickets/${tk.photo}`), get(other, href), get(other, '/tickets/PA-2222-2222')]);
    expect([pageRes.status, photoRes.status, unknown.status]).toEqual([404, 404, 404]);
    expect(photoRes.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(photoRes.text).not.toContain('PNG');
    expect(textOf(pageRes.text, 'thong-bao')).toBe(`Không tìm thấy phản ánh mã "${tk.photo}".`);
    // without a session: the sign-in page, not the photo
    const anonymous = await t.http().get(href);
    expect([anonymous.status, anonymous.headers.location]).toEqual([303, `/dang-nhap?next=${encodeURIComponent(href)}`]);
    // the unit's own staff gets it
    const own = await get(await login(users.unit), href).expect(200);
    expect(own.headers['content-type']).toBe('image/png');
  });

  it('accepts and resolves the ticket with the keyboard alone; the answer joins the conversation', async () => {
    await page.goto(`${base}/tickets/${tk.photo}`);
    await tabTo(page, 'accept-note');
    await page.keyboard.type('Đã gọi cho chị Bé, hẹn kiểm tra sáng mai.');
    await page.keyboard.press('Tab');
    expect(await js<string>(page, "document.activeElement.closest('form').id + ' ' + document.activeElement.type")).toBe('form-accept submit');
    await Promise.all([page.waitForURL(`${base}/tickets/${tk.photo}?da=accept`), page.keyboard.press('Enter')]);
    expect(await page.locator('#thong-bao').textContent()).toBe('Đã tiếp nhận phản ánh.');
    expect(clean(await page.locator('#trang-thai').textContent())).toBe('Đang xử lý');

    const answer = 'Ngày 06/03/2026 xã đã cho sửa cống trước nhà chị Bé; nước không còn tràn vào nhà.';
    await tabTo(page, 'resolve-resolution');
    await page.keyboard.type(answer);
    await page.keyboard.press('Tab');
    expect(await js<string>(page, "document.activeElement.closest('form').id + ' ' + document.activeElement.type")).toBe('form-resolve submit');
    await Promise.all([page.waitForURL(`${base}/tickets/${tk.photo}?da=resolve`), page.keyboard.press('Enter')]);
    expect(await page.locator('#thong-bao').textContent()).toBe('Đã báo cáo kết quả xử lý.');
    expect(clean(await page.locator('#trang-thai').textContent())).toBe('Đã xử lý');
    expect(await page.locator('#ket-qua').textContent()).toBe(answer);
    expect(await page.locator('#hoi-thoai li.out .text').textContent()).toBe(answer);
    expect(clean(await page.locator('#hoi-thoai li.out .time').textContent())).toBe(`15:00 05/03/2026 · Gửi người dân: ${users.unit} · kết quả xử lý gửi trên trang tra cứu`);
    expect(await js<string[]>(page, "Array.from(document.querySelectorAll('#qua-trinh li'), (li) => li.getAttribute('data-type'))"))
      .toEqual(['created', 'accepted', 'resolved']);
    const [row] = await t.ds.query('SELECT status, resolution FROM tickets WHERE code = $1', [tk.photo]);
    expect(row).toEqual({ status: 'resolved', resolution: answer });
    // resolved: it goes down the list, below every open ticket
    await page.goto(`${base}/tickets`);
    const codes = await codesOn(page);
    expect(codes[codes.length - 1]).toBe(tk.photo);
  }, 60_000);

  it('a leader narrows the list to a unit of their subtree; units outside it are not offered', async () => {
    const cookie = await login(users.leader);
    const all = await get(cookie, '/tickets').expect(200);
    const options = [.../<select id="unit" name="unit"[^>]*>([\s\S]*?)<\/select>/.exec(all.text)![1].matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    expect(options).toContain('VP-847');
    expect(options).toContain('UB-29401');
    expect(options).not.toContain('SO-YTE');
    expect(all.text).not.toContain('data-live-list');
    expect(rowsOf(all.text).map((r) => r.code)).not.toContain(tk.otherUnit);
    const hoaLoi = await get(cookie, '/tickets?unit=UB-29401').expect(200);
    expect(hoaLoi.text).toContain('<option value="UB-29401" selected>');
    expect(rowsOf(hoaLoi.text).map((r) => r.code).sort()).toEqual([tk.late, tk.soon, tk.instructed, tk.photo].sort());
    expect(hoaLoi.text).toMatch(/<th scope="col">Đơn vị xử lý<\/th>/);
    const outside = await get(cookie, '/tickets?unit=SO-YTE').expect(200);
    expect(rowsOf(outside.text)).toEqual([]);
    expect(textOf(outside.text, 'tong-so')).toBe('Không có phản ánh nào phù hợp.');

    // in the browser: the list with the unit column, and the overdue list, without serious accessibility violations
    const leaderContext = await browser.newContext({ viewport: OFFICE_SCREEN });
    try {
      await leaderContext.addCookies([{ name: COOKIE, value: cookie.slice(COOKIE.length + 1), url: base }]);
      const p = await leaderContext.newPage();
      await p.goto(`${base}/tickets?unit=UB-29401`);
      expect(await p.locator('#unit-tim').inputValue()).toBe('UBND xã Hòa Lợi');
      expect(await checkPage(p, 'leader-list')).toEqual([]);
      await p.goto(`${base}/tre-han`);
      expect(await p.locator('section.unit[data-unit="UB-29401"] a.tcode').allTextContents()).toEqual([tk.late]);
      expect(await checkPage(p, 'leader-overdue')).toEqual([]);
    } finally {
      await leaderContext.close();
    }
  }, 60_000);

  it('the reject form chooses no reason in advance and needs the confirmation, in the browser without any script and on the server', async () => {
    const cookie = await login(users.coord);
    const html = (await get(cookie, `/tickets/${tk.soon}`).expect(200)).text;
    const form = /<form class="card action" id="form-reject"[\s\S]*?<\/form>/.exec(html)![0];
    expect(form).toContain('<select id="reject-reason" name="reason" required><option value="">— Chọn lý do từ chối —</option>');
    expect(form).not.toContain(' selected');
    expect(form).toContain('<input type="checkbox" id="reject-confirm" name="confirm" value="on" required> <label for="reject-confirm">Tôi xác nhận từ chối phản ánh này</label>');
    const before = (await t.ds.query('SELECT status, version FROM tickets WHERE code = $1', [tk.soon]))[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1];
    const send = (fields: Record<string, string>) => t.http().post(`/tickets/${tk.soon}/reject`).set('Cookie', cookie).type('form')
      .send({ _csrf: csrf, version: String(before.version), ...fields });
    const noConfirm = await send({ reason: 'spam' });
    expect(noConfirm.status).toBe(400);
    expect(noConfirm.text).toContain('<li>Xác nhận: vui lòng đánh dấu ô xác nhận từ chối phản ánh này.</li>');
    expect(noConfirm.text).toContain('<option value="spam" selected>');
    const noReason = await send({ confirm: 'on' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('<li>Lý do: vui lòng chọn lý do từ chối.</li>');
    expect(noReason.text).toMatch(/id="reject-confirm" name="confirm" value="on" required checked>/);
    expect((await t.ds.query('SELECT status, version FROM tickets WHERE code = $1', [tk.soon]))[0]).toEqual(before);

    // the coordinator's page, with its scripts: no serious accessibility violation (and the screenshots)
    const seeing = await browser.newContext({ viewport: OFFICE_SCREEN });
    try {
      await seeing.addCookies([{ name: COOKIE, value: cookie.slice(COOKIE.length + 1), url: base }]);
      const p = await seeing.newPage();
      await p.goto(`${base}/tickets/${tk.soon}`);
      expect(clean(await p.locator('#trang-thai').textContent())).toBe('Đã chuyển đơn vị xử lý Sắp đến hạn');
      expect(await checkPage(p, 'coordinator-ticket')).toEqual([]);
    } finally {
      await seeing.close();
    }

    // in a browser with scripts off, the form cannot be sent without a reason and the confirmation
    const coordContext = await browser.newContext({ javaScriptEnabled: false, viewport: OFFICE_SCREEN });
    try {
      await coordContext.addCookies([{ name: COOKIE, value: cookie.slice(COOKIE.length + 1), url: base }]);
      const p = await coordContext.newPage();
      await p.goto(`${base}/tickets/${tk.soon}`);
      await p.locator('#form-reject button[type=submit]').press('Enter');
      await p.waitForTimeout(300);
      expect(p.url()).toBe(`${base}/tickets/${tk.soon}`);
      await p.locator('#reject-reason').selectOption('spam');
      await p.locator('#form-reject button[type=submit]').press('Enter');
      await p.waitForTimeout(300);
      expect(p.url()).toBe(`${base}/tickets/${tk.soon}`);
      expect((await t.ds.query('SELECT status FROM tickets WHERE code = $1', [tk.soon]))[0].status).toBe('assigned');
      await p.locator('#reject-confirm').press('Space');
      await Promise.all([p.waitForURL(`${base}/tickets/${tk.soon}?da=reject`), p.locator('#form-reject button[type=submit]').press('Enter')]);
      expect(await p.locator('#thong-bao').textContent()).toBe('Đã từ chối phản ánh.');
      expect((await t.ds.query('SELECT status, reject_reason FROM tickets WHERE code = $1', [tk.soon]))[0]).toEqual({ status: 'rejected', reject_reason: 'spam' });
    } finally {
      await coordContext.close();
    }
  }, 60_000);
});

describe('the conversation with a citizen on Zalo, on the ticket page (e2e)', () => {
  const APP_ID = '4291763606161179100';
  const OA_KEY = 'zalo-oa-secret-key-1022';
  const OA_ID = '579745863508352884';
  let t: TestApp;
  let zalo: FakePlatform;
  let coord: string;
  let staff: string;
  let cookie: string;
  let seq = 0;

  /** A citizen's text message, signed as the OA's webhook is; answers the ticket's code. */
  async function message(sender: string, text: string): Promise<string> {
    const at = t.clock.now();
    const raw = JSON.stringify({
      app_id: APP_ID, user_id_by_app: `app-${sender}`, event_name: 'user_send_text', timestamp: String(at.getTime()),
      sender: { id: sender }, recipient: { id: OA_ID }, message: { msg_id: `zmsg-${++seq}-${at.getTime()}`, text },
    });
    await t.http().post('/webhooks/zalo').set('Content-Type', 'application/json')
      .set('X-ZEvent-Signature', signZaloBody(Buffer.from(raw), APP_ID, OA_KEY)).send(raw).expect(200);
    const [row] = await t.ds.query(`SELECT t.code FROM ticket_sources s JOIN tickets t ON t.id = s.ticket_id WHERE s.sender_id = $1 ORDER BY s.received_at LIMIT 1`, [sender]);
    return row.code;
  }
  const deliverAll = async () => {
    const rows: Array<{ id: string }> = await t.ds.query(`SELECT id FROM outbox_messages WHERE status = 'pending' AND available_at <= $1`, [t.clock.now()]);
    for (const r of rows) await t.app.get(DeliveryService).deliver(r.id);
  };
  const conversation = async (code: string) => {
    const html = (await t.http().get(`/tickets/${code}`).set('Cookie', cookie).expect(200)).text;
    const list = /<ol class="conversation card" id="hoi-thoai">([\s\S]*?)<\/ol>/.exec(html)![1];
    return [...list.matchAll(/<li class="msg (in|out|failed)"><span class="time">([^<]*)<\/span><div class="text">([^<]*)<\/div><\/li>/g)]
      .map((m) => [m[1], m[2].replace(/&#39;/g, "'"), m[3]]);
  };

  beforeAll(async () => {
    zalo = await new FakePlatform().start();
    zalo.handler = () => ({ status: 200, json: { error: 0, message: 'Success', data: { message_id: 'oa-msg-1', user_id: 'x' } } });
    t = await startTestApp({
      now: MON,
      env: {
        ZALO_APP_ID: APP_ID, ZALO_APP_SECRET: 'zalo-app-secret-1022', ZALO_OA_SECRET_KEY: OA_KEY, ZALO_ACCESS_TOKEN: 'OA_ACCESS_TOKEN_1',
        ZALO_REFRESH_TOKEN: 'OA_REFRESH_TOKEN_1', ZALO_API_URL: zalo.url, ZALO_OAUTH_URL: `${zalo.url}/`, TOKEN_TTL_HOURS: '720',
      },
    });
    [coord, staff] = await tokensFor(t, ['coordinator', ['unit_staff', 'UB-29401', 'canbo.hoaloi']]);
    cookie = (await t.http().post('/dang-nhap').type('form').send({ username: 'canbo.hoaloi', password: TEST_PASSWORD }).expect(303))
      .headers['set-cookie'][0].split(';')[0];
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await zalo?.stop();
  });

  it('shows the messages in and the answer out in order; an answer past Zalo\'s 48 hours shows as not sent', async () => {
    const first = 'Đèn đường ấp Cây Gòn bị hỏng 3 ngày nay, buổi tối rất tối.';
    const more = 'Bổ sung: trụ đèn số 12 gần trường tiểu học.';
    const code = await message('2512523625412515', first);
    t.clock.set('2026-03-02T09:30:00+07:00');
    expect(await message('2512523625412515', more)).toBe(code);
    await t.http().post(`/api/tickets/${code}/assign`).set(bearer(coord)).send({ unitCode: 'UB-29401' }).expect(200);
    await t.http().post(`/api/tickets/${code}/accept`).set(bearer(staff)).send({}).expect(200);
    t.clock.set('2026-03-02T14:00:00+07:00');
    const answer = 'Điện lực đã thay bóng đèn trụ số 12 chiều 02/3.';
    await t.http().post(`/api/tickets/${code}/resolve`).set(bearer(staff)).send({ resolution: answer }).expect(200);
    await deliverAll();
    expect(zalo.requests.some((r) => JSON.parse(r.body).message.text.includes(answer))).toBe(true);
    expect(await conversation(code)).toEqual([
      ['in', '09:00 02/03/2026 · Người dân: Người dùng Zalo · qua Zalo', first],
      ['in', '09:30 02/03/2026 · Người dân: Người dùng Zalo · qua Zalo', more],
      ['out', '14:00 02/03/2026 · Gửi người dân: canbo.hoaloi · kết quả xử lý gửi qua Zalo', answer],
    ].map(([d, time, text]) => [d, expect.stringMatching(new RegExp(`^${time.replace(/[.()]/g, '\\$&').replace('Người dùng Zalo', '[^·]+')}$`)), text]));

    // another citizen, answered three days after their last message: Zalo no longer lets the OA reply
    t.clock.set('2026-03-03T08:00:00+07:00');
    const late = await message('9990001112223334', 'Ống nước trước chợ bị bể, nước chảy tràn ra đường.');
    await t.http().post(`/api/tickets/${late}/assign`).set(bearer(coord)).send({ unitCode: 'UB-29401' }).expect(200);
    await t.http().post(`/api/tickets/${late}/accept`).set(bearer(staff)).send({}).expect(200);
    t.clock.set('2026-03-06T10:00:00+07:00');
    await t.http().post(`/api/tickets/${late}/resolve`).set(bearer(staff)).send({ resolution: 'Đã sửa ống nước ngày 05/3.' }).expect(200);
    const shown = await conversation(late);
    expect(shown.map(([d]) => d)).toEqual(['in', 'failed', 'failed']);
    expect(shown[1][1]).toBe('10:00 06/03/2026 · Gửi người dân: canbo.hoaloi · kết quả xử lý, chưa gửi được qua Zalo');
    expect(shown[2][2]).toMatch(/^Không gửi được trả lời qua Zalo: đã quá 48 giờ/);
  }, 60_000);
});
