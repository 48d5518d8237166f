import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FormTokens } from '../src/intake/public/bot-trap.js';
import { jpeg, pdf, sha256 } from './support/citizen-report.js';
import { listen, startTestApp, type TestApp } from './support/test-app.js';
import { closeAll, launchChromium } from './support/browser.js';
import { browserSession } from './support/pages.js';

/** CRC-32 of PNG chunks (ISO 3309). */
function crc32(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A real PNG image (width × height RGB pixels of a gradient), decodable by any browser. */
function realPng(width = 24, height = 16): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per sample, RGB, deflate, no filter method, no interlace
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([Math.round((255 * x) / width), Math.round((255 * y) / height), 128], y * (1 + width * 3) + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

const MAX_BYTES = 64 * 1024;

/**
 * The public web form (channel `web`) and the tracking page: in real headless Chromium against the application on a
 * real port, on a phone-sized screen, with JavaScript on and off; then the protections (bot trap, escaping, body
 * limit) over plain HTTP.
 */

const CODE = /^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
const PHONE_SCREEN = { width: 390, height: 844 };
const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

describe('public web form (e2e)', () => {
  let t: TestApp;
  let base: string;
  let uploadDir: string;

  beforeAll(async () => {
    uploadDir = await mkdtemp(join(tmpdir(), 'hotline-web-uploads-'));
    t = await startTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '10000', UPLOAD_DIR: uploadDir, UPLOAD_MAX_BYTES: String(MAX_BYTES) } });
    base = await listen(t);
  });
  afterAll(async () => {
    await t?.close();
    await rm(uploadDir, { recursive: true, force: true });
  });

  const ticketCount = async () => Number((await t.ds.query('SELECT count(*)::int AS n FROM tickets'))[0].n);
  /** The photos kept with a ticket: their rows and their content in the attachment store. */
  const photosOf = async (code: string): Promise<Array<{ kind: string; filename: string; content_type: string; size_bytes: number; data: { sha256: string }; content: Buffer }>> =>
    t.ds.query(
      `SELECT a.kind, a.filename, a.content_type, a.size_bytes, a.data, c.content
         FROM attachments a JOIN tickets t ON t.id = a.ticket_id JOIN attachment_contents c ON c.attachment_id = a.id
        WHERE t.code = $1 ORDER BY a.filename`, [code]);
  /** The temporary files left under UPLOAD_DIR (none once a request is answered). */
  const leftovers = async () => (await readdir(uploadDir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile());

  describe('in headless Chromium on a phone screen', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    }, 60_000);
    afterAll(() => browser?.close());

    for (const javaScriptEnabled of [true, false]) {
      describe(`with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
        let context: BrowserContext;
        let page: Page;
        const phone = javaScriptEnabled ? '0912 345 678' : '0987.654.321';
        const e164 = javaScriptEnabled ? '+84912345678' : '+84987654321';
        const name = javaScriptEnabled ? 'Trần Văn Tư' : 'Lê Thị Hồng Nhung';
        const content = `Đường vào ấp Bến Có bị ngập sâu, xe cứu thương không vào được (${javaScriptEnabled ? 'JS' : 'không JS'}). <b>khẩn</b>`;
        let code: string;

        beforeAll(async () => {
          context = await browser.newContext({ javaScriptEnabled, viewport: PHONE_SCREEN, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'vi-VN' });
          page = await context.newPage();
        });
        afterAll(() => context?.close());

        it('shows the form in Vietnamese, fitting the screen, with the communes grouped by district', async () => {
          const res = await page.goto(`${base}/gui-phan-anh`);
          expect(res?.status()).toBe(200);
          expect(await page.title()).toBe('Gửi phản ánh — Tổng đài 1022');
          expect(await page.locator('html').getAttribute('lang')).toBe('vi');
          expect(await page.locator('meta[name=viewport]').getAttribute('content')).toBe('width=device-width, initial-scale=1');
          for (const label of ['Họ và tên', 'Số điện thoại', 'Email', 'Lĩnh vực', 'Địa chỉ', 'Nội dung phản ánh']) {
            await expect(page.getByText(label, { exact: false }).first().isVisible()).resolves.toBe(true);
          }
          // nothing wider than the phone's screen
          for (const selector of ['form', 'button[type=submit]', '#content', '#areaCode']) {
            const box = (await page.locator(selector).boundingBox())!;
            expect(box.x).toBeGreaterThanOrEqual(0);
            expect(box.x + box.width).toBeLessThanOrEqual(PHONE_SCREEN.width);
          }
          // the honeypot is there but out of sight
          const honeypot = (await page.locator('#website').boundingBox())!;
          expect(honeypot.x + honeypot.width).toBeLessThan(0);
          if (javaScriptEnabled) {
            // the script turns the grouped list into district, then commune
            await expect(page.locator('#district').isVisible()).resolves.toBe(true);
            expect(await page.locator('#areaCode').isDisabled()).toBe(true);
          } else {
            expect(await page.locator('#district').count()).toBe(0);
            expect(await page.locator('#areaCode optgroup[label="Huyện Châu Thành"] option[value="29401"]').textContent()).toBe('Xã Hòa Lợi');
          }
        });

        it('keeps the typed values and shows the error next to the phone field', async () => {
          await page.fill('#fullName', name);
          await page.fill('#phone', '0123');
          await page.fill('#email', 'nguoi.dan@example.com');
          if (javaScriptEnabled) {
            await page.selectOption('#district', { label: 'Huyện Châu Thành' });
            expect(await page.locator('#areaCode').isDisabled()).toBe(false);
            expect(await page.locator('#areaCode option').allTextContents()).toContain('Xã Hòa Lợi');
            expect(await page.locator('#areaCode option').allTextContents()).not.toContain('Phường 1');
          }
          await page.selectOption('#areaCode', '29401');
          await page.selectOption('#categoryCode', 'DI-LAI');
          await page.fill('#address', 'Ấp Bến Có, gần chợ');
          await page.fill('#content', content);
          // a person takes more than two seconds to fill the form (the bot trap refuses faster submissions)
          await page.waitForTimeout(2100);
          await page.click('button[type=submit]');
          await page.waitForLoadState();

          expect(new URL(page.url()).pathname).toBe('/gui-phan-anh');
          const error = page.locator('#field-phone .error');
          expect(await error.textContent()).toBe('Số điện thoại không hợp lệ. Vui lòng nhập số Việt Nam, ví dụ 0912 345 678.');
          expect(await page.locator('#phone').getAttribute('aria-invalid')).toBe('true');
          expect(await page.locator('#phone').getAttribute('aria-describedby')).toBe('phone-error');
          // the error sits right under the phone input
          const input = (await page.locator('#phone').boundingBox())!;
          const message = (await error.boundingBox())!;
          expect(message.y).toBeGreaterThan(input.y);
          expect(message.y - (input.y + input.height)).toBeLessThan(40);
          expect(await page.locator('.error').count()).toBe(1);
          expect(await page.locator('.summary').textContent()).toContain('Vui lòng sửa 1 lỗi');
          // every value kept
          expect(await page.inputValue('#fullName')).toBe(name);
          expect(await page.inputValue('#phone')).toBe('0123');
          expect(await page.inputValue('#email')).toBe('nguoi.dan@example.com');
          expect(await page.inputValue('#areaCode')).toBe('29401');
          expect(await page.inputValue('#categoryCode')).toBe('DI-LAI');
          expect(await page.inputValue('#address')).toBe('Ấp Bến Có, gần chợ');
          expect(await page.inputValue('#content')).toBe(content);
          if (javaScriptEnabled) expect(await page.locator('#district option:checked').textContent()).toBe('Huyện Châu Thành');
          expect(await t.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE reporter_name = $1`, [name])).toEqual([{ n: 0 }]);
        });

        it('after the fix, sends the report and shows the tracking code; the ticket exists with channel web', async () => {
          await page.fill('#phone', phone);
          await page.click('button[type=submit]');
          await page.waitForLoadState();
          expect(new URL(page.url()).pathname).toBe('/gui-phan-anh/da-gui');
          expect(await page.locator('h1').textContent()).toBe('Đã gửi phản ánh');
          code = (await page.locator('#ma-phan-anh').textContent())!.trim();
          expect(code).toMatch(CODE);
          const rows = await t.ds.query(
            `SELECT channel, reporter_name, reporter_phone, reporter_email, area_code, category_code, address, content FROM tickets WHERE code = $1`, [code]);
          expect(rows).toEqual([{
            channel: 'web', reporter_name: name, reporter_phone: e164, reporter_email: 'nguoi.dan@example.com', area_code: '29401',
            category_code: 'DI-LAI', address: 'Ấp Bến Có, gần chợ', content,
          }]);
          // reloading the confirmation does not send the report again (Post/Redirect/Get)
          await page.reload();
          expect(await page.locator('#ma-phan-anh').textContent()).toBe(code);
          expect(await t.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE reporter_phone = $1`, [e164])).toEqual([{ n: 1 }]);
        });

        it('the tracking page shows the status, unit and timeline for code + phone', async () => {
          await page.click('#link-tra-cuu');
          await page.waitForLoadState();
          expect(new URL(page.url()).pathname).toBe('/tra-cuu');
          expect(await page.inputValue('#code')).toBe(code);
          await page.fill('#phone', phone);
          await page.click('button[type=submit]');
          await page.waitForLoadState();
          expect(await page.locator('h1').textContent()).toBe(`Phản ánh ${code}`);
          const status = await page.locator('#trang-thai').textContent();
          const [ticket] = await t.ds.query(
            `SELECT t.status, u.name AS unit FROM tickets t LEFT JOIN units u ON u.code = t.assigned_unit_code WHERE t.code = $1`, [code]);
          expect(ticket.status).toBe('assigned');
          expect(status).toBe('Đã chuyển đơn vị xử lý');
          expect(await page.locator('#don-vi').textContent()).toContain(ticket.unit);
          expect(await page.locator('#qua-trinh li').first().textContent()).toContain('Tổng đài 1022 đã tiếp nhận phản ánh');
          expect(await page.locator('#qua-trinh li').first().textContent()).toContain('09:00 02/03/2026');
          // the phone is not in the address
          expect(page.url()).not.toContain(phone.replace(/\D/g, '').slice(-6));
        });

        it('says the same "not found" for a wrong phone and for an unknown code', async () => {
          const lookUp = async (c: string, p: string) => {
            await page.goto(`${base}/tra-cuu`);
            await page.fill('#code', c);
            await page.fill('#phone', p);
            await page.click('button[type=submit]');
            await page.waitForLoadState();
            return page.locator('#khong-tim-thay').textContent();
          };
          const wrongPhone = await lookUp(code, '0909 000 111');
          const unknownCode = await lookUp('PA-2222-2222', phone);
          expect(wrongPhone).toBe('Không tìm thấy phản ánh với mã phản ánh và số điện thoại này. Vui lòng kiểm tra lại mã phản ánh và số điện thoại đã khai báo khi gửi.');
          expect(unknownCode).toBe(wrongPhone);
        });
      });
    }
  });

  describe('photos in headless Chromium on a phone screen', () => {
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const name = 'Huỳnh Thị Thu Ba';
    const content = 'Cống thoát nước trước nhà văn hóa ấp Bến Có bị vỡ, nước thải tràn ra đường.';
    const png = realPng();
    const photo = jpeg(3000);

    beforeAll(async () => {
      ({ browser, context, page } = await browserSession({ context: { viewport: PHONE_SCREEN, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'vi-VN' } }));
    }, 60_000);
    afterAll(() => closeAll(context, browser));

    const submit = async () => {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/gui-phan-anh'),
        page.click('button[type=submit]'),
      ]);
      await page.waitForLoadState();
      return response.status();
    };
    const fieldsKept = async () => {
      expect(await page.inputValue('#fullName')).toBe(name);
      expect(await page.inputValue('#phone')).toBe('0913 456 789');
      expect(await page.inputValue('#areaCode')).toBe('29401');
      expect(await page.inputValue('#address')).toBe('Ấp Bến Có');
      expect(await page.inputValue('#content')).toBe(content);
    };

    it('the form is multipart with a photo field for up to five images, last before the button', async () => {
      await page.goto(`${base}/gui-phan-anh`);
      expect(await page.locator('form.card').getAttribute('enctype')).toBe('multipart/form-data');
      const input = page.locator('#photos');
      expect(await input.getAttribute('type')).toBe('file');
      expect(await input.getAttribute('name')).toBe('photos');
      expect(await input.getAttribute('accept')).toBe('image/*');
      expect(await input.getAttribute('multiple')).not.toBeNull();
      expect(await page.locator('label[for=photos]').textContent()).toBe('Ảnh chụp (tùy chọn, tối đa 5 ảnh, mỗi ảnh tối đa 64 KB)');
      // every other field of the form comes before it (a refused photo stops the reading of what follows)
      const names = await page.locator('form.card [name]').evaluateAll((els) => els.map((e) => e.getAttribute('name')));
      expect(names.at(-1)).toBe('photos');
      const box = (await input.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE_SCREEN.width);
    });

    it('a photo over the size limit: the form comes back (413) with the reason under the photo field and every value kept', async () => {
      await page.fill('#fullName', name);
      await page.fill('#phone', '0913 456 789');
      await page.selectOption('#district', { label: 'Huyện Châu Thành' });
      await page.selectOption('#areaCode', '29401');
      await page.fill('#address', 'Ấp Bến Có');
      await page.fill('#content', content);
      await page.setInputFiles('#photos', [{ name: 'ảnh lớn.jpg', mimeType: 'image/jpeg', buffer: jpeg(MAX_BYTES + 1) }]);
      await page.waitForTimeout(2100);
      expect(await submit()).toBe(413);
      expect(await page.locator('#field-photos .error').textContent())
        .toBe('Ảnh “ảnh lớn.jpg” lớn hơn 64 KB. Mỗi ảnh tối đa 64 KB: vui lòng chọn ảnh nhỏ hơn hoặc gửi không kèm ảnh.');
      expect(await page.locator('#photos').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#photos').getAttribute('aria-describedby')).toBe('photos-error');
      expect(await page.locator('.summary').textContent()).toContain('Vui lòng sửa 1 lỗi');
      expect(await page.locator('.error').count()).toBe(1);
      await fieldsKept();
      expect(await t.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE reporter_name = $1`, [name])).toEqual([{ n: 0 }]);
      expect(await leftovers()).toEqual([]);
    });

    it('a file that is not an image: its own reason, values kept', async () => {
      await page.setInputFiles('#photos', [
        { name: 'hien-truong.png', mimeType: 'image/png', buffer: png },
        { name: 'don-kien-nghi.pdf', mimeType: 'application/pdf', buffer: pdf() },
      ]);
      expect(await submit()).toBe(400);
      expect(await page.locator('#field-photos .error').textContent())
        .toBe('Tệp “don-kien-nghi.pdf” không phải ảnh. Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC: vui lòng chọn lại.');
      await fieldsKept();
      expect(await t.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE reporter_name = $1`, [name])).toEqual([{ n: 0 }]);
      expect(await t.ds.query(`SELECT count(*)::int AS n FROM attachments WHERE filename IN ('hien-truong.png', 'don-kien-nghi.pdf')`)).toEqual([{ n: 0 }]);
      expect(await leftovers()).toEqual([]);
    });

    it('with real photos chosen again, the report is sent and the photos are kept with the ticket, readable', async () => {
      await page.setInputFiles('#photos', [
        { name: 'hien-truong.png', mimeType: 'image/png', buffer: png },
        { name: 'ảnh cống vỡ.jpg', mimeType: 'image/jpeg', buffer: photo },
      ]);
      expect(await submit()).toBe(303);
      expect(new URL(page.url()).pathname).toBe('/gui-phan-anh/da-gui');
      const code = (await page.locator('#ma-phan-anh').textContent())!.trim();
      expect(code).toMatch(CODE);
      const [ticket] = await t.ds.query(`SELECT channel, reporter_name, content FROM tickets WHERE code = $1`, [code]);
      expect(ticket).toEqual({ channel: 'web', reporter_name: name, content });
      const rows = await photosOf(code);
      expect(rows.map(({ content: bytes, ...r }) => ({ ...r, bytes: bytes.length }))).toEqual([
        { kind: 'image', filename: 'hien-truong.png', content_type: 'image/png', size_bytes: png.length, data: { sha256: sha256(png) }, bytes: png.length },
        { kind: 'image', filename: 'ảnh cống vỡ.jpg', content_type: 'image/jpeg', size_bytes: photo.length, data: { sha256: sha256(photo) }, bytes: photo.length },
      ].sort((a, b) => (a.filename < b.filename ? -1 : 1)));
      expect(rows.find((r) => r.filename === 'hien-truong.png')!.content.equals(png)).toBe(true);
      expect(rows.find((r) => r.filename === 'ảnh cống vỡ.jpg')!.content.equals(photo)).toBe(true);
      // the staff read it through the ticket, and the PNG is an image a browser decodes
      const coordinator = await t.userToken('coordinator');
      const staffView = await t.http().get(`/api/tickets/${code}`).set('Authorization', `Bearer ${coordinator}`).expect(200);
      const listed = staffView.body.attachments.find((a: { filename: string }) => a.filename === 'hien-truong.png');
      const download = await t.http().get(listed.downloadUrl).set('Authorization', `Bearer ${coordinator}`).buffer(true).parse((res, cb) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => cb(null, Buffer.concat(parts)));
      }).expect(200);
      expect((download.body as Buffer).equals(png)).toBe(true);
      // (as a string: the tests' TypeScript has no DOM types)
      const size = await page.evaluate(`(async () => {
        const bytes = Uint8Array.from(atob('${png.toString('base64')}'), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
        return [bitmap.width, bitmap.height];
      })()`);
      expect(size).toEqual([24, 16]);
      expect(await leftovers()).toEqual([]);
    });
  });

  describe('over plain HTTP', () => {
    const formToken = (ageMs: number) => t.app.get(FormTokens).issue(Date.now() - ageMs);
    const valid = {
      fullName: 'Phạm Văn Năm', phone: '0911222333', email: '', areaCode: '29236', categoryCode: '', address: '', content: 'Đèn đường hỏng nhiều ngày, rất nguy hiểm.',
      website: '',
    };
    const post = (body: Record<string, string>) => t.http().post('/gui-phan-anh').type('form').send(body);

    it('lists every district of the province as an optgroup with its communes, in Vietnamese alphabetical order', async () => {
      const res = await t.http().get('/gui-phan-anh').expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      // scripts and styles only from the app's own static files: nothing inline may run
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'; style-src 'self';/);
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)|<style|\sstyle=/);
      const select = /<select id="areaCode"[^>]*>([\s\S]*?)<\/select>/.exec(res.text)![1];
      const groups = [...select.matchAll(/<optgroup label="([^"]+)">([\s\S]*?)<\/optgroup>/g)].map((g) => ({
        district: g[1], communes: [...g[2].matchAll(/<option value="(\d+)">([^<]+)<\/option>/g)].map((o) => ({ code: o[1], name: o[2] })),
      }));
      const districts: Array<{ code: string; name: string }> = await t.ds.query(`SELECT code, name FROM areas WHERE level = 'district' AND parent_code = '84'`);
      expect(groups.map((g) => g.district)).toEqual(districts.map((d) => d.name).sort(collator.compare));
      const communes: Array<{ code: string; name: string; district: string }> = await t.ds.query(
        `SELECT c.code, c.name, d.name AS district FROM areas c JOIN areas d ON d.code = c.parent_code WHERE c.level = 'commune' AND d.parent_code = '84'`);
      for (const g of groups) {
        const expected = communes.filter((c) => c.district === g.district).map(({ code, name }) => ({ code, name })).sort((a, b) => collator.compare(a.name, b.name));
        expect(g.communes).toEqual(expected);
      }
      expect(groups.flatMap((g) => g.communes)).toHaveLength(communes.length);
      expect(groups.find((g) => g.district === 'Thành phố Trà Vinh')!.communes.slice(0, 3).map((c) => c.name)).toEqual(['Phường 1', 'Phường 2', 'Phường 3']);
    });

    it('creates a web ticket for a valid submission older than two seconds (303 to the confirmation)', async () => {
      const before = await ticketCount();
      const res = await post({ ...valid, ts: formToken(3000) });
      expect(res.status).toBe(303);
      const code = new URL(res.headers.location, base).searchParams.get('ma')!;
      expect(code).toMatch(CODE);
      expect(await ticketCount()).toBe(before + 1);
      const [row] = await t.ds.query(`SELECT channel, area_code, category_code, reporter_email FROM tickets WHERE code = $1`, [code]);
      expect(row).toEqual({ channel: 'web', area_code: '29236', category_code: null, reporter_email: null });
    });

    describe('the same rendered form sent more than once (double click on "Gửi")', () => {
      const codeOf = (res: { headers: Record<string, string> }) => new URL(res.headers.location, base).searchParams.get('ma')!;
      const ticketsWith = async (content: string) =>
        t.ds.query(`SELECT t.code, (SELECT count(*)::int FROM outbox_messages o WHERE o.ticket_id = t.id) AS acks FROM tickets t WHERE t.content = $1`, [content]);

      it('twice one after the other: one ticket, one acknowledgement, both sent to the same confirmation', async () => {
        const body = { ...valid, email: 'nam.pham@example.com', content: 'Đèn đường hỏng, gửi hai lần.', ts: formToken(3000) };
        const first = await post(body);
        expect(first.status).toBe(303);
        const second = await post(body);
        expect(second.status).toBe(303);
        expect(second.headers.location).toBe(first.headers.location);
        expect(codeOf(first)).toMatch(CODE);
        expect(await ticketsWith(body.content)).toEqual([{ code: codeOf(first), acks: 1 }]);
        const page = await t.http().get(second.headers.location).expect(200);
        expect(page.text).toContain(codeOf(first));
      });

      it('twice at the same time: one ticket with the same code for both', async () => {
        const body = { ...valid, email: 'nam.pham@example.com', content: 'Đèn đường hỏng, bấm gửi hai lần liền.', ts: formToken(3000) };
        const [a, b] = await Promise.all([post(body), post(body)]);
        expect([a.status, b.status]).toEqual([303, 303]);
        expect(b.headers.location).toBe(a.headers.location);
        expect(await ticketsWith(body.content)).toEqual([{ code: codeOf(a), acks: 1 }]);
      });

      it('the page as served: after a refused field, the corrected form (same token) makes one ticket however often it is sent', async () => {
        const form = await t.http().get('/gui-phan-anh').expect(200);
        const ts = /name="ts" value="([^"]+)"/.exec(form.text)![1];
        await new Promise((r) => setTimeout(r, 2100));
        const content = 'Cống thoát nước bị tắc, nước tràn vào nhà dân.';
        const refused = await post({ ...valid, phone: '0123', content, ts });
        expect(refused.status).toBe(400);
        expect(refused.text).toContain(`name="ts" value="${ts}"`);
        const sent = await Promise.all([0, 1, 2].map(() => post({ ...valid, content, ts })));
        expect(sent.map((r) => r.status)).toEqual([303, 303, 303]);
        expect(new Set(sent.map((r) => r.headers.location)).size).toBe(1);
        expect(await ticketsWith(content)).toEqual([{ code: codeOf(sent[0]), acks: 0 }]);
      });

      it('two renderings, even in the same millisecond, are two forms: two tickets', async () => {
        const now = Date.now() - 3000;
        const [one, two] = [t.app.get(FormTokens).issue(now), t.app.get(FormTokens).issue(now)];
        expect(one).not.toBe(two);
        const content = 'Hai người dân cùng phản ánh một việc.';
        const a = await post({ ...valid, content, ts: one });
        const b = await post({ ...valid, content, ts: two });
        expect([a.status, b.status]).toEqual([303, 303]);
        expect(codeOf(a)).not.toBe(codeOf(b));
        expect(await ticketsWith(content)).toHaveLength(2);
      });
    });

    it('bot trap: a filled honeypot or a missing token looks like success but creates nothing', async () => {
      const before = await ticketCount();
      for (const body of [{ ...valid, website: 'http://spam.example', ts: formToken(10_000) }, { ...valid }]) {
        const res = await post(body);
        expect(res.status).toBe(303);
        expect(res.headers.location).toMatch(/^\/gui-phan-anh\/da-gui\?ma=PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
        const page = await t.http().get(res.headers.location).expect(200);
        expect(page.text).toContain('Tổng đài 1022 đã tiếp nhận phản ánh của bạn');
      }
      expect(await ticketCount()).toBe(before);
    });

    it('bot trap: too fast, forged or stale tokens get the form back with the values kept, and nothing is created', async () => {
      const before = await ticketCount();
      const forged = `${Date.now() - 5000}.${'A'.repeat(43)}`;
      for (const ts of [formToken(0), forged, formToken(25 * 3600_000)]) {
        const res = await post({ ...valid, ts });
        expect(res.status).toBe(400);
        expect(res.text).toContain('class="notice"');
        expect(res.text).toContain('bấm “Gửi phản ánh” một lần nữa');
        expect(res.text).toContain('value="Phạm Văn Năm"');
        expect(res.text).toContain('Đèn đường hỏng nhiều ngày, rất nguy hiểm.</textarea>');
      }
      expect(await ticketCount()).toBe(before);
      // the form that comes back after "too fast" carries the original token, so sending it again later works
      const fast = formToken(0);
      const again = await post({ ...valid, ts: fast });
      expect(again.text).toContain(`name="ts" value="${fast}"`);
    });

    it('escapes everything the citizen typed', async () => {
      const res = await post({
        ...valid, phone: 'x', fullName: '<script>alert(1)</script>', address: '"><img src=x onerror=alert(2)>', content: '</textarea><script>alert(3)</script>',
        ts: formToken(3000),
      });
      expect(res.status).toBe(400);
      expect(res.text).not.toMatch(/<script>alert|<img src=x/);
      expect(res.text).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
      expect(res.text).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"');
      expect(res.text).toContain('&lt;/textarea&gt;&lt;script&gt;alert(3)&lt;/script&gt;</textarea>');
    });

    it('shows one error per bad field, in Vietnamese, next to each field', async () => {
      const res = await post({ ...valid, fullName: ' ', phone: '', email: 'khong-phai-email', areaCode: '847', categoryCode: 'KHONG-CO', content: 'ngắn', ts: formToken(3000) });
      expect(res.status).toBe(400);
      const errors = Object.fromEntries([...res.text.matchAll(/<p class="error" id="([^"]+)-error">([^<]+)<\/p>/g)].map((m) => [m[1], m[2]]));
      expect(errors).toEqual({
        fullName: 'Vui lòng nhập họ và tên.',
        phone: 'Vui lòng nhập số điện thoại để nhận kết quả và tra cứu phản ánh.',
        email: 'Địa chỉ email không hợp lệ, ví dụ ten@example.com.',
        areaCode: 'Xã, phường, thị trấn đã chọn không có trong danh sách; vui lòng chọn lại.',
        categoryCode: 'Lĩnh vực đã chọn không có trong danh sách; vui lòng chọn lại.',
        content: 'Nội dung quá ngắn: vui lòng mô tả rõ sự việc (ít nhất 10 ký tự).',
      });
      // each error inside its own field's block
      for (const field of Object.keys(errors)) {
        expect(res.text).toMatch(new RegExp(`<div class="field" id="field-${field}">(?:(?!<div class="field")[\\s\\S])*id="${field}-error"`));
      }
    });

    describe('photos (multipart/form-data, as the browser sends the form)', () => {
      const multipart = (fields: Record<string, string>, photos: Array<{ buf: Buffer; name: string; type: string }> = []) => {
        const req = t.http().post('/gui-phan-anh');
        for (const [k, v] of Object.entries(fields)) req.field(k, v);
        for (const p of photos) req.attach('photos', p.buf, { filename: p.name, contentType: p.type });
        return req;
      };
      const codeOf = (res: { headers: Record<string, string> }) => new URL(res.headers.location, base).searchParams.get('ma')!;

      it('a valid report with photos: the photos are kept with the ticket; the same rendering sent again keeps nothing more', async () => {
        const photos = [{ buf: realPng(8, 8), name: 'den-duong.png', type: 'image/png' }, { buf: jpeg(2500), name: 'IMG_2031.JPG', type: 'image/jpeg' }];
        const body = { ...valid, content: 'Đèn đường hỏng, có ảnh chụp kèm theo.', ts: formToken(3000) };
        const first = await multipart(body, photos);
        expect(first.status).toBe(303);
        const code = codeOf(first);
        expect((await photosOf(code)).map((r) => [r.filename, r.content_type, r.data.sha256])).toEqual([
          ['IMG_2031.JPG', 'image/jpeg', sha256(photos[1].buf)], ['den-duong.png', 'image/png', sha256(photos[0].buf)],
        ]);
        const again = await multipart(body, photos);
        expect(again.status).toBe(303);
        expect(codeOf(again)).toBe(code);
        expect(await photosOf(code)).toHaveLength(2);
        expect(await t.ds.query(`SELECT count(*)::int AS n FROM attachments WHERE filename = 'den-duong.png'`)).toEqual([{ n: 1 }]);
        expect(await leftovers()).toEqual([]);
      });

      it('good photos with a bad field: the form comes back asking to choose the photos again; nothing kept', async () => {
        const before = await ticketCount();
        const res = await multipart({ ...valid, phone: '0123', ts: formToken(3000) }, [{ buf: jpeg(), name: 'anh.jpg', type: 'image/jpeg' }]);
        expect(res.status).toBe(400);
        expect(res.text).toContain('id="phone-error"');
        expect(res.text).toContain('<p class="notice photos-again" id="photos-again">Ảnh bạn đã chọn chưa được gửi. Vui lòng chọn lại ảnh trước khi gửi.</p>');
        expect(res.text).toContain('value="Phạm Văn Năm"');
        expect(await ticketCount()).toBe(before);
        expect(await t.ds.query(`SELECT count(*)::int AS n FROM attachments WHERE filename = 'anh.jpg'`)).toEqual([{ n: 0 }]);
        expect(await leftovers()).toEqual([]);
      });

      it('refused photos (too many, too large, not an image): the reason next to the photo field, values and token kept', async () => {
        const before = await ticketCount();
        const ts = formToken(3000);
        const cases = [
          { photos: Array.from({ length: 6 }, (_, i) => ({ buf: jpeg(), name: `anh-${i}.jpg`, type: 'image/jpeg' })), status: 400, error: 'Chỉ gửi được tối đa 5 ảnh: vui lòng chọn lại.' },
          { photos: [{ buf: jpeg(), name: 'nho.jpg', type: 'image/jpeg' }, { buf: jpeg(MAX_BYTES + 1), name: 'lon.jpg', type: 'image/jpeg' }], status: 413,
            error: 'Ảnh “lon.jpg” lớn hơn 64 KB. Mỗi ảnh tối đa 64 KB: vui lòng chọn ảnh nhỏ hơn hoặc gửi không kèm ảnh.' },
          // the first bytes decide, not the type declared
          { photos: [{ buf: pdf(), name: 'gia-anh.jpg', type: 'image/jpeg' }], status: 400,
            error: 'Tệp “gia-anh.jpg” không phải ảnh. Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC: vui lòng chọn lại.' },
        ];
        for (const c of cases) {
          const res = await multipart({ ...valid, ts }, c.photos);
          expect(res.status).toBe(c.status);
          expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
          const errors = [...res.text.matchAll(/<p class="error" id="([^"]+)-error">([^<]+)<\/p>/g)].map((m) => [m[1], m[2]]);
          expect(errors).toEqual([['photos', c.error]]);
          expect(res.text).toMatch(/<input type="file" id="photos" name="photos" aria-invalid="true" aria-describedby="photos-error" accept="image\/\*" multiple>/);
          expect(res.text).toContain('value="Phạm Văn Năm"');
          expect(res.text).toContain(`${valid.content}</textarea>`);
          expect(res.text).toContain(`name="ts" value="${ts}"`);
          expect(res.text).not.toContain('photos-again');
        }
        expect(await ticketCount()).toBe(before);
        expect(await leftovers()).toEqual([]);
      });

      it('the bot trap still holds with photos: a filled honeypot looks like success and keeps nothing', async () => {
        const before = await ticketCount();
        const res = await multipart({ ...valid, website: 'http://spam.example', ts: formToken(10_000) }, [{ buf: jpeg(), name: 'spam.jpg', type: 'image/jpeg' }]);
        expect(res.status).toBe(303);
        expect(await ticketCount()).toBe(before);
        expect(await t.ds.query(`SELECT count(*)::int AS n FROM attachments WHERE filename = 'spam.jpg'`)).toEqual([{ n: 0 }]);
        expect(await leftovers()).toEqual([]);
      });
    });

    it('refuses a body over the limit with 413 and a Vietnamese page', async () => {
      const before = await ticketCount();
      const res = await post({ ...valid, content: 'Nội dung rất dài. '.repeat(5000), ts: formToken(3000) });
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('Dữ liệu gửi lên quá lớn');
      expect(await ticketCount()).toBe(before);
    });

    it('tracking: wrong phone and unknown code give the same 404 page', async () => {
      const created = await post({ ...valid, ts: formToken(3000) }).expect(303);
      const code = new URL(created.headers.location, base).searchParams.get('ma')!;
      const track = (c: string, p: string) => t.http().post('/tra-cuu').type('form').send({ code: c, phone: p });
      const ok = await track(code.toLowerCase(), '0911 222 333');
      expect(ok.status).toBe(200);
      expect(ok.text).toContain(`<h1>Phản ánh ${code}</h1>`);
      const normalize = (html: string) => html.replace(/nonce-[^']+'/g, "nonce-'").replace(/nonce="[^"]+"/g, 'nonce=""').replace(/value="[^"]*"/g, 'value=""');
      const wrongPhone = await track(code, '0911 222 334');
      const unknownCode = await track('PA-2222-2222', '0911 222 333');
      expect(wrongPhone.status).toBe(404);
      expect(unknownCode.status).toBe(404);
      expect(normalize(unknownCode.text)).toBe(normalize(wrongPhone.text));
      expect(wrongPhone.text).toContain('Không tìm thấy phản ánh với mã phản ánh và số điện thoại này.');
      expect(wrongPhone.headers['cache-control']).toBe('no-store');
    });
  });
});
