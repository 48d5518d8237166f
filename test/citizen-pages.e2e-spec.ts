import type { Browser, BrowserContext, Page } from 'playwright-core';
import { jpeg } from './support/citizen-report.js';
import { closeAll } from './support/browser.js';
import { browserSession, checkPage } from './support/pages.js';
import { bearer, listen, startTestApp, type TestApp } from './support/test-app.js';

/**
 * The citizens' pages as a person sees them, in headless Chromium at the office and the phone screen (accessibility
 * checked, screenshots under var/screenshots): the form refused with its errors, the confirmation, the tracking page
 * with the citizen's own content, the deadline and the answer. And the privacy of merged tickets wherever a citizen
 * is told an outcome (the tracking page, the reply on their channel): the answer written on the ticket kept is read
 * only by a citizen of the same phone; anyone else gets a neutral sentence with the kept ticket's state.
 */

const CODE = /^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
const OFFICE = { width: 1366, height: 768 };

/** "HH:mm dd/mm/yyyy" in Viet Nam time (UTC+7), computed here independently of the application's filter. */
const vnTime = (d: Date) => {
  const l = new Date(d.getTime() + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(l.getUTCHours())}:${p(l.getUTCMinutes())} ${p(l.getUTCDate())}/${p(l.getUTCMonth() + 1)}/${l.getUTCFullYear()}`;
};

describe('citizen pages (e2e)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser, context: BrowserContext, page: Page;

  beforeAll(async () => {
    t = await startTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '10000', UPLOAD_MAX_BYTES: String(64 * 1024) } });
    base = await listen(t);
    ({ browser, context, page } = await browserSession({ context: { viewport: OFFICE, locale: 'vi-VN' } }));
  }, 60_000);
  afterAll(() => closeAll(context, browser, t));

  // tokens live TOKEN_TTL_HOURS on the test's clock, which moves: one for each call
  const operator = () => t.userToken('operator');
  const coordinator = () => t.userToken('coordinator');
  const staff = () => t.userToken('unit_staff', 'UB-29401');
  /** A ticket taken by an operator (hotline), routed to UBND xã Hòa Lợi. */
  const create = async (body: { reporterName: string; reporterPhone: string; reporterEmail?: string; address?: string; content: string }) =>
    (await t.http().post('/api/tickets').set(bearer(await operator())).send({ channel: 'hotline', areaCode: '29401', categoryCode: 'AN-SINH', ...body }).expect(201)).body as { code: string };
  const resolve = async (code: string, resolution: string) => {
    const token = await staff();
    await t.http().post(`/api/tickets/${code}/accept`).set(bearer(token)).send({}).expect(200);
    await t.http().post(`/api/tickets/${code}/resolve`).set(bearer(token)).send({ resolution }).expect(200);
  };
  const merge = async (code: string, into: string) =>
    t.http().post(`/api/tickets/${code}/reject`).set(bearer(await coordinator())).send({ reason: 'duplicate', duplicateOf: into }).expect(200);
  const dueAtOf = async (code: string): Promise<Date> => (await t.ds.query(`SELECT due_at FROM tickets WHERE code = $1`, [code]))[0].due_at;
  const track = async (code: string, phone: string) => {
    await page.goto(`${base}/tra-cuu?ma=${encodeURIComponent(code)}`);
    await page.fill('#phone', phone);
    await page.click('button[type=submit]');
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe(`Phản ánh ${code}`);
  };

  describe('the form, refused and then sent', () => {
    it('refused: every error next to its field (the photo\'s too), no serious accessibility violation', async () => {
      await page.goto(`${base}/gui-phan-anh`);
      await page.fill('#fullName', 'Trương Thị Hoa');
      await page.fill('#phone', '0123');
      await page.fill('#content', 'Ngắn');
      await page.setInputFiles('#photos', [{ name: 'ảnh quá lớn.jpg', mimeType: 'image/jpeg', buffer: jpeg(64 * 1024 + 1) }]);
      await page.waitForTimeout(2100);
      await page.click('button[type=submit]');
      await page.waitForLoadState();
      const errors = await page.locator('.field .error').evaluateAll((els) => els.map((e) => [e.id, e.textContent]));
      expect(errors).toEqual([
        ['phone-error', 'Số điện thoại không hợp lệ. Vui lòng nhập số Việt Nam, ví dụ 0912 345 678.'],
        ['areaCode-error', 'Vui lòng chọn xã, phường, thị trấn nơi xảy ra sự việc.'],
        ['content-error', 'Nội dung quá ngắn: vui lòng mô tả rõ sự việc (ít nhất 10 ký tự).'],
        ['photos-error', 'Ảnh “ảnh quá lớn.jpg” lớn hơn 64 KB. Mỗi ảnh tối đa 64 KB: vui lòng chọn ảnh nhỏ hơn hoặc gửi không kèm ảnh.'],
      ]);
      expect(await page.locator('.summary').textContent()).toBe('Vui lòng sửa 4 lỗi được đánh dấu bên dưới rồi gửi lại.');
      expect(await page.inputValue('#fullName')).toBe('Trương Thị Hoa');
      expect(await checkPage(page, 'citizen-form-errors')).toEqual([]);
    });

    it('sent: the confirmation with the code', async () => {
      await page.fill('#phone', '0912 888 999');
      await page.selectOption('#district', { label: 'Huyện Châu Thành' });
      await page.selectOption('#areaCode', '29401');
      await page.fill('#content', 'Đoạn đường ấp Bến Có bị sụt lún, xe máy đi qua rất nguy hiểm.');
      await page.click('button[type=submit]');
      await page.waitForLoadState();
      expect(new URL(page.url()).pathname).toBe('/gui-phan-anh/da-gui');
      expect(await page.locator('#ma-phan-anh').textContent()).toMatch(CODE);
      expect(await checkPage(page, 'citizen-sent')).toEqual([]);
    });
  });

  describe('the tracking page', () => {
    it('shows what the citizen sent, the deadline (dd/mm/yyyy, 24-hour), then the answer', async () => {
      t.clock.set('2026-03-02T14:05:00+07:00');
      const content = 'Nhà tôi ở ấp Bến Có chưa nhận được tiền hỗ trợ hộ cận nghèo quý 1.\nXin được kiểm tra lại.';
      const { code } = await create({ reporterName: 'Nguyễn Văn Sáu', reporterPhone: '0911 000 601', address: 'Ấp Bến Có', content });
      const dueAt = await dueAtOf(code);
      await track(code, '0911000601');
      expect(await page.locator('#ngay-tiep-nhan').textContent()).toBe('14:05 02/03/2026');
      expect(await page.locator('#noi-dung').textContent()).toBe(content);
      expect(await page.locator('#thoi-han').textContent()).toBe(vnTime(dueAt));
      expect(await page.locator('#thoi-han time').getAttribute('datetime')).toBe(dueAt.toISOString());
      expect(await page.locator('#ket-qua').count()).toBe(0);

      t.clock.set('2026-03-03T16:20:00+07:00');
      const resolution = 'UBND xã đã chi trả tiền hỗ trợ quý 1 cho gia đình ông Sáu ngày 03/3/2026.\nXin cảm ơn ông đã phản ánh.';
      await resolve(code, resolution);
      await track(code, '0911 000 601');
      expect(await page.locator('#trang-thai').textContent()).toBe('Đã xử lý');
      expect(await page.locator('#ket-qua').textContent()).toBe(resolution);
      expect(await page.locator('#thoi-han').textContent()).toBe(vnTime(dueAt));
      expect(await page.locator('#qua-trinh li').last().textContent()).toBe('16:20 03/03/2026UBND xã Hòa Lợi đã có kết quả xử lý');
      // the lines keep their breaks
      expect((await page.locator('#ket-qua').boundingBox())!.height).toBeGreaterThan(40);
      expect(await checkPage(page, 'citizen-track-answer')).toEqual([]);
    });

    it('says "Trễ hạn" once the deadline has passed on an open ticket, and for an answer given after it', async () => {
      t.clock.set('2026-03-04T08:00:00+07:00');
      const { code } = await create({ reporterName: 'Lâm Văn Bảy', reporterPhone: '0911 000 702', content: 'Cầu khỉ ấp Bến Có gãy một nhịp, học sinh phải lội qua kênh.' });
      const dueAt = await dueAtOf(code);
      t.clock.set(new Date(dueAt.getTime() - 60_000));
      await track(code, '0911000702');
      expect(await page.locator('#thoi-han').textContent()).toBe(vnTime(dueAt));
      expect(await page.locator('#thoi-han .late').count()).toBe(0);
      t.clock.set(new Date(dueAt.getTime() + 60_000));
      await track(code, '0911000702');
      expect(await page.locator('#thoi-han').textContent()).toBe(`${vnTime(dueAt)} Trễ hạn`);
      await resolve(code, 'Đã sửa cầu.');
      await track(code, '0911000702');
      expect(await page.locator('#thoi-han .badge.late').textContent()).toBe('Trễ hạn');
      expect(await checkPage(page, 'citizen-track-overdue')).toEqual([]);
    });
  });

  describe('merged tickets: whose answer a citizen reads', () => {
    const keptAnswer = 'Đã trao 20 kg gạo cho gia đình ông Tô Văn Chín, số 45 ấp Bến Có; ông Chín đã ký nhận.';
    let kept: string;
    let otherCitizen: string;
    let sameCitizen: string;
    let lateCitizen: string;

    beforeAll(async () => {
      t.clock.set('2026-03-09T09:00:00+07:00');
      kept = (await create({
        reporterName: 'Tô Văn Chín', reporterPhone: '0911 000 900', reporterEmail: 'chin.to@example.vn', address: 'Số 45 ấp Bến Có',
        content: 'Gia đình tôi (số 45 ấp Bến Có) chưa nhận được gạo cứu trợ sau lũ.',
      })).code;
      otherCitizen = (await create({
        reporterName: 'Kim Thị Mười', reporterPhone: '0911 000 910', reporterEmail: 'muoi.kim@example.vn',
        content: 'Ấp Bến Có chưa được phát gạo cứu trợ sau lũ.',
      })).code;
      sameCitizen = (await create({
        reporterName: 'Tô Văn Chín', reporterPhone: '+84 911 000 900', reporterEmail: 'chin.to@example.vn',
        content: 'Tôi hỏi lại: nhà tôi vẫn chưa có gạo cứu trợ.',
      })).code;
      await merge(otherCitizen, kept);
      await merge(sameCitizen, kept);
      t.clock.advance(3600_000);
      await resolve(kept, keptAnswer);
      // merged after the answer: told at once
      lateCitizen = (await create({ reporterName: 'Sơn Thị Hai', reporterPhone: '0911 000 920', reporterEmail: 'hai.son@example.vn', content: 'Gạo cứu trợ ấp Bến Có?' })).code;
      await merge(lateCitizen, kept);
    });

    it('the tracking page of another citizen\'s merged ticket: the kept ticket\'s state in a neutral sentence, nothing of it', async () => {
      await track(otherCitizen, '0911000910');
      expect(await page.locator('#trang-thai').textContent()).toBe('Đã xử lý');
      expect(await page.locator('#ket-qua').textContent())
        .toBe('Phản ánh của bạn trùng nội dung với một phản ánh khác đang được xử lý; kết quả: Đã xử lý.');
      expect(await page.locator('#noi-dung').textContent()).toBe('Ấp Bến Có chưa được phát gạo cứu trợ sau lũ.');
      const text = (await page.locator('main').textContent())!;
      for (const other of [keptAnswer, 'Tô Văn Chín', 'Chín', 'Số 45', 'số 45', '20 kg', kept, 'chin.to']) expect(text).not.toContain(other);
      expect(await page.content()).not.toContain('Chín');
      expect(await checkPage(page, 'citizen-track-merged')).toEqual([]);
    });

    it('the same reporter\'s merged ticket (same phone) shows the answer', async () => {
      await track(sameCitizen, '0911 000 900');
      expect(await page.locator('#ket-qua').textContent()).toBe(keptAnswer);
      expect(await page.locator('#noi-dung').textContent()).toBe('Tôi hỏi lại: nhà tôi vẫn chưa có gạo cứu trợ.');
      // and the kept ticket's own citizen, of course
      await track(kept, '0911000900');
      expect(await page.locator('#ket-qua').textContent()).toBe(keptAnswer);
    });

    it('the replies on the citizens\' channel: the answer to the same phone, the neutral sentence to anyone else', async () => {
      const replies: Array<{ to: string[]; subject: string; text: string }> = await t.ds.query(
        `SELECT o.payload->'to' AS to, o.payload->>'subject' AS subject, o.payload->>'text' AS text
           FROM outbox_messages o WHERE o.dedupe_key LIKE 'answer:%' ORDER BY o.payload->>'subject'`);
      const to = (email: string) => replies.filter((r) => r.to[0] === email);
      expect(replies).toHaveLength(4);
      // the kept ticket's citizen, and the same citizen's second ticket: the answer
      expect(to('chin.to@example.vn').map((r) => r.subject).sort()).toEqual([`[${kept}] Kết quả xử lý phản ánh`, `[${sameCitizen}] Kết quả xử lý phản ánh`].sort());
      for (const r of to('chin.to@example.vn')) expect(r.text).toContain(keptAnswer);
      // the other citizens: the neutral sentence, with their own code, nothing of the kept ticket
      for (const [email, code] of [['muoi.kim@example.vn', otherCitizen], ['hai.son@example.vn', lateCitizen]] as const) {
        const [r] = to(email);
        expect(r.subject).toBe(`[${code}] Kết quả xử lý phản ánh`);
        expect(r.text).toContain(`Phản ánh ${code} của bạn trùng nội dung với một phản ánh khác đang được xử lý; kết quả: Đã xử lý.`);
        for (const other of [keptAnswer, 'Tô Văn Chín', 'Chín', 'Số 45', '20 kg', kept, 'chin.to']) expect(r.text).not.toContain(other);
      }
    });
  });
});
