import 'reflect-metadata';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DeliveryService } from '../src/notifications/delivery.service.js';
import { ReportMailerService } from '../src/reports/report-mailer.service.js';
import { readFile } from 'node:fs/promises';
import { loadWorkbook, dataRows, docxParagraphs } from './support/office.js';
import { unzip } from './support/zip.js';
import { browserSession, checkBothScreens, OFFICE_SCREEN, scrollWidth } from './support/pages.js';
import { SmtpRelay } from './support/smtp-relay.js';
import { bearer, listen, sessionCookie, startTestApp, TEST_PASSWORD, tokensFor, type TestApp } from './support/test-app.js';

/**
 * The leadership dashboard (issue #11 §1, src/web/dashboard/): the daily report's section for a chosen date with the
 * report's own figures, the overdue tickets per unit as bars linking to each unit's list, the 30-day trend and the
 * on-time share from set-based queries, checked against tickets this test writes with a known history; the report's
 * downloads with the page's session; the sent reports and an admin's resend, which reaches a real SMTP server once;
 * then in Chromium with the keyboard only, at an office and a phone screen, with axe.
 */

const COOKIE = 'tongdai1022_phien';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const LEADERS = ['giamdoc@travinh.gov.vn', 'vanphong@travinh.gov.vn'];
const SUBJECT = 'Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày 10/03/2022';

/** The report date of the test: Thursday 10/03/2022, cut-off at 16:00. */
const DATE = '10/03/2022';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const decode = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]);
/** An element's HTML by its id (the first element with that id up to its own closing tag, not nested alike). */
const elementById = (html: string, tag: string, id: string) => {
  const m = new RegExp(`<${tag}[^>]* id="${id}"[\\s\\S]*?</${tag}>`).exec(html);
  if (!m) throw new Error(`no <${tag} id="${id}"> on the page`);
  return m[0];
};
/** A table's body rows as cell texts (a list in a cell as its items joined by ", "). */
const tableRows = (table: string) => {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)![1];
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map(([, row]) =>
    [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(([, cell]) =>
      decode(cell.replace(/<\/li>\s*<li>/g, ', ').replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim()));
};
/** The report section as a person reads it: one line per paragraph, item or table row, cells joined by ": ". */
const sectionText = (html: string) => decode(elementById(html, 'section', 'bao-cao')
  .replace(/<\/t[hd]>\s*<t[hd][^>]*>/g, ': ')
  .replace(/<\/(p|li|tr|h1)>/g, '\n')
  .replace(/<[^>]+>/g, ''));

describe('the leadership dashboard (e2e)', () => {
  let relay: SmtpRelay;
  let t: TestApp;
  let admin: string;
  const users = { admin: 'qt.baocao', coord: 'dp.baocao', leader: 'ld.tinh', district: 'ld.chauthanh', staff: 'cb.soyte', op: 'tdv.baocao' };
  const cookies: Record<string, string> = {};

  /** Signs in over HTTP: the session cookie (support/test-app.ts). */
  const login = (username: string) => sessionCookie(t, username);
  const get = (who: keyof typeof users, path: string) => t.http().get(path).set('Cookie', cookies[who]);
  /** A download read whole, as bytes. */
  const download = (who: keyof typeof users, path: string) => get(who, path).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
  /** The "Tổng hợp" sheet of an xlsx as { label: value }. */
  const summaryOf = async (xlsx: Buffer) =>
    Object.fromEntries(dataRows((await loadWorkbook(xlsx)).getWorksheet('Tổng hợp')!).map(([label, value]) => [String(label), value]));
  /** Every pending e-mail delivered now (the outbox's worker, which this test app does not run); the mails that arrived. */
  const deliverPending = async () => {
    const before = relay.received.length;
    const pending: Array<{ id: string }> = await t.ds.query(`SELECT id FROM outbox_messages WHERE status = 'pending' AND channel = 'email' ORDER BY created_at, id`);
    for (const { id } of pending) await t.app.get(DeliveryService).deliver(id);
    return relay.received.slice(before);
  };

  beforeAll(async () => {
    relay = await new SmtpRelay().start();
    t = await startTestApp({
      now: '2022-03-10T10:00:00+07:00',
      env: { SMTP_URL: relay.url, SMTP_IGNORE_TLS: 'true', MAIL_FROM: '"Tổng đài 1022" <tongdai1022@travinh.gov.vn>', TOKEN_TTL_HOURS: '720' },
    });
    admin = await t.userToken('admin', null, users.admin);
    await tokensFor(t, [
      ['coordinator', null, users.coord], ['leader', null, users.leader], ['leader', 'VP-847', users.district],
      ['unit_staff', 'SO-YTE', users.staff], ['operator', null, users.op],
    ]);
    // Sở Y tế: one handled on time, one handled late, one open past its deadline (1/3 on time); Hòa Lợi: one open past
    // its deadline and one not yet due (0 %)
    const csv = [
      'code,channel,received_at,reporter_name,reporter_phone,area_code,category_code,content,unit_code,due_at,resolved_at,status,resolution',
      'S-1,hotline,2022-03-03T09:00:00+07:00,Nguyễn Văn A,,,Y-TE,Hỏi chỗ tiêm vắc xin,SO-YTE,2022-03-05T09:00:00+07:00,2022-03-04T10:00:00+07:00,resolved,Đã trả lời.',
      'S-2,web,2022-03-03T10:00:00+07:00,Trần Thị B,,,Y-TE,Hỏi giờ làm việc,SO-YTE,2022-03-04T10:00:00+07:00,2022-03-06T10:00:00+07:00,resolved,Đã trả lời.',
      'S-3,email,2022-03-05T09:00:00+07:00,Lê Văn C,,,Y-TE,Xin giấy xác nhận,SO-YTE,2022-03-07T09:00:00+07:00,,,',
      'H-1,walk_in,2022-03-08T09:00:00+07:00,Phạm Thị D,,29401,AN-SINH,Chưa nhận hỗ trợ,UB-29401,2022-03-09T09:00:00+07:00,,,',
      'H-2,hotline,2022-03-09T11:00:00+07:00,Võ Văn E,,29401,AN-SINH,Chưa nhận gạo,UB-29401,2022-03-12T11:00:00+07:00,,,',
    ].join('\n');
    const res = await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(csv);
    expect([res.status, res.body]).toEqual([201, { imported: 5 }]);
    // today, through the operators' intake on the controlled clock: two more, not due before the cut-off
    const op = (await t.http().post('/api/auth/login').send({ username: users.op, password: TEST_PASSWORD }).expect(200)).body.accessToken;
    for (const channel of ['hotline', 'walk_in']) {
      await t.http().post('/api/tickets').set(bearer(op)).send({
        channel, reporterName: 'Đặng Thị F', reporterPhone: '0912345678', areaCode: '29401', categoryCode: 'Y-TE', content: 'Hỏi lịch tiêm chủng cho trẻ.',
      }).expect(201);
    }
    t.clock.set('2022-03-10T17:00:00+07:00');
    for (const who of Object.keys(users) as Array<keyof typeof users>) cookies[who] = await login(users[who]);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await relay?.close();
  });

  describe('over HTTP', () => {
    let html: string;
    beforeAll(async () => {
      html = (await get('leader', '/bao-cao').expect(200)).text;
    });

    it('shows the latest cut-off by default, and the report section exactly as the text report of that day says it', async () => {
      expect(html).toContain(`value="${DATE}"`);
      const text = (await t.http().get('/api/reports/daily').query({ date: '2022-03-10', format: 'txt' }).set(bearer(admin)).expect(200)).text;
      // the figures of this test's tickets, as the report counts them
      expect(text).toContain('- Tổng số phản ánh đã tiếp nhận trong ngày: 2.\n+ Qua tổng đài 1022: 1;\n+ Trực tiếp: 1;');
      expect(text).toContain('+ Đã xử lý: 2 phản ánh (tăng 0 lượt xử lý);\n+ Đang xử lý: 5 (trong đó: 2 phiếu trễ hạn (tăng 0 phiếu trễ hạn)).');
      expect(text).toContain('- Các đơn vị đang xử lý trễ hạn:\n+ Sở Y tế: 1;\n+ UBND xã Hòa Lợi: 1.');
      const section = sectionText(html);
      expect(section).toContain('Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày 10/03/2022');
      const lines = text.trimEnd().split('\n').map((l) => l.replace(/^[-+] /, '').replace(/[;.]$/, ''));
      expect(lines.length).toBeGreaterThan(15);
      for (const line of lines) expect(section).toContain(line);
      // a date chosen in the field: another day's report, its own figures
      const before = (await get('leader', `/bao-cao?ngay=${encodeURIComponent('06/03/2022')}`).expect(200)).text;
      const text6 = (await t.http().get('/api/reports/daily').query({ date: '2022-03-06', format: 'txt' }).set(bearer(admin)).expect(200)).text;
      expect(text6).toContain('+ Đang xử lý: 1 (trong đó: 0 phiếu trễ hạn');
      for (const line of text6.trimEnd().split('\n').map((l) => l.replace(/^[-+] /, '').replace(/[;.]$/, ''))) expect(sectionText(before)).toContain(line);
    });

    it('draws one bar per overdue unit, each a link to that unit\'s overdue tickets, with the figures in a table', async () => {
      const chart = elementById(html, 'svg', 'bieu-do-tre-han');
      const links = [...chart.matchAll(/<a href="([^"]+)" aria-label="([^"]+)"/g)].map(([, href, label]) => [decode(href), decode(label)]);
      expect(links).toEqual([
        ['/tre-han?don-vi=SO-YTE', 'Sở Y tế: 1 phiếu trễ hạn, xem danh sách'],
        ['/tre-han?don-vi=UB-29401', 'UBND xã Hòa Lợi: 1 phiếu trễ hạn, xem danh sách'],
      ]);
      expect(chart.match(/<rect class="bar /g)).toHaveLength(2);
      expect(tableRows(elementById(html, 'table', 'bang-tre-han'))).toEqual([['Sở Y tế', '1'], ['UBND xã Hòa Lợi', '1']]);
      // the link leads to the unit's overdue tickets
      const list = (await get('leader', '/tre-han?don-vi=SO-YTE').expect(200)).text;
      expect(list).toContain('S-3');
    });

    it('the 30-day trend: received and handled per report day and overdue at each cut-off, one row a day', async () => {
      const rows = tableRows(elementById(html, 'table', 'bang-xu-huong'));
      expect(rows).toHaveLength(30);
      expect(rows[0][0]).toBe('09/02/2022');
      expect(rows[29][0]).toBe('10/03/2022');
      const byDay = Object.fromEntries(rows.filter((r) => r.slice(1).some((v) => v !== '0')).map(([day, ...figures]) => [day, figures.join(' ')]));
      // received, handled, overdue at 16:00: S-2 late from its deadline (04/03 10:00) until handled (06/03 10:00); S-3
      // from 07/03, H-1 from 09/03
      expect(byDay).toEqual({
        '03/03/2022': '2 0 0',
        '04/03/2022': '0 1 1',
        '05/03/2022': '1 0 1',
        '06/03/2022': '0 1 0',
        '07/03/2022': '0 0 1',
        '08/03/2022': '1 0 1',
        '09/03/2022': '1 0 2',
        '10/03/2022': '2 0 2',
      });
      // the last day says what the section says
      expect(sectionText(html)).toContain('Tổng số phản ánh đã tiếp nhận trong ngày: 2.');
      expect(html).toMatch(/<svg class="chart lines" id="bieu-do-luot"[^>]*role="img"/);
      expect(elementById(html, 'svg', 'bieu-do-tre-han-ngay')).toContain('<polyline class="line overdue"');
    });

    it('the on-time share counts open overdue work against a unit: 1 on time, 1 late, 1 open overdue is 1/3', async () => {
      const rows = tableRows(elementById(html, 'table', 'bang-dung-han'));
      const byUnit = Object.fromEntries(rows.map(([name, ...figures]) => [name, figures]));
      // handled, on time, of which by an extended deadline, open at the cut-off, of which overdue, share
      expect(byUnit['Sở Y tế']).toEqual(['2', '1', '0', '1', '1', '33,33%']);
      expect(byUnit['UBND xã Hòa Lợi']).toEqual(['0', '0', '0', '2', '1', '0%']);
      expect(byUnit['Phòng Y tế huyện Châu Thành']).toEqual(['0', '0', '0', '2', '0', '—']);
      // the weakest first, and the province's line
      expect(rows.map((r) => r[0])).toEqual(['UBND xã Hòa Lợi', 'Sở Y tế', 'Phòng Y tế huyện Châu Thành']);
      expect(html).toContain('<strong id="ty-le-toan-tinh">25%</strong> (1/4)');
      const chart = elementById(html, 'svg', 'bieu-do-dung-han');
      expect([...chart.matchAll(/<text class="bar-label"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1])).toEqual(['UBND xã Hòa Lợi', 'Sở Y tế']);
      expect([...chart.matchAll(/<text class="bar-value"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1])).toEqual(['0%', '33,33%']);
    });

    it('counts apart the tickets on time only by an extension, and shows the citizens\' answers per unit: settled, not settled, mean rating', async () => {
      const before = t.clock.now().toISOString();
      try {
        const [op, coord, phuocHao] = await tokensFor(t, ['operator', 'coordinator', ['unit_staff', 'UB-29404']]);
        // Friday 11/03 09:00: two tickets of Phước Hảo, due Wednesday 16/03 09:00 (24 working hours)
        t.clock.set('2022-03-11T09:00:00+07:00');
        const create = async (content: string) => (await t.http().post('/api/tickets').set(bearer(op)).send({
          channel: 'hotline', reporterName: 'Huỳnh Văn G', reporterPhone: '0909111222', areaCode: '29404', categoryCode: 'AN-SINH', content,
        }).expect(201)).body.code as string;
        const [late, onTime] = [await create('Chưa nhận tiền hỗ trợ tháng 2.'), await create('Hỏi thủ tục hộ cận nghèo.')];
        t.clock.set('2022-03-11T10:00:00+07:00');
        for (const code of [late, onTime]) await t.http().post(`/api/tickets/${code}/accept`).set(bearer(phuocHao)).send({}).expect(200);
        t.clock.set('2022-03-14T09:00:00+07:00');
        await t.http().post(`/api/tickets/${onTime}/resolve`).set(bearer(phuocHao)).send({ resolution: 'Đã hướng dẫn.' }).expect(200);
        // the unit asks for more time, the coordinator grants it; answered after the first deadline, before the new one
        await t.http().post(`/api/tickets/${late}/extension-requests`).set(bearer(phuocHao)).send({ dueAt: '2022-03-18T16:00:00+07:00', reason: 'Chờ danh sách.' }).expect(201);
        await t.http().post(`/api/tickets/${late}/extension-requests/approve`).set(bearer(coord)).send({}).expect(200);
        t.clock.set('2022-03-16T10:00:00+07:00');
        await t.http().post(`/api/tickets/${late}/resolve`).set(bearer(phuocHao)).send({ resolution: 'Đã chi trả.' }).expect(200);
        // the citizens' answers, recorded from call backs
        await t.http().post(`/api/tickets/${late}/feedback`).set(bearer(op)).send({ settled: 'no', rating: 2, reason: 'Mới nhận một nửa.' }).expect(201);
        await t.http().post(`/api/tickets/${onTime}/feedback`).set(bearer(op)).send({ settled: 'yes', rating: 5 }).expect(201);
        t.clock.set('2022-03-17T17:00:00+07:00');
        const page = (await get('leader', '/bao-cao?ngay=17%2F03%2F2022').expect(200)).text;
        const onTimeRows = Object.fromEntries(tableRows(elementById(page, 'table', 'bang-dung-han')).map(([name, ...figures]) => [name, figures]));
        expect(onTimeRows['UBND xã Phước Hảo']).toEqual(['2', '2', '1', '0', '0', '100%']);
        const answers = tableRows(elementById(page, 'table', 'bang-hai-long'));
        // answered, settled, not settled, share settled, mean rating
        expect(answers).toEqual([['UBND xã Phước Hảo', '2', '1', '1', '50%', '3,5']]);
        expect(page).toContain('<strong id="chua-giai-quyet">1</strong> chưa được giải quyết');
        // the per-unit statistics of the API say the same of the tickets received in the period
        const stats = (await t.http().get('/api/reports/unit-statistics').query({ from: '2022-03-11T00:00:00+07:00', to: '2022-03-17T17:00:00+07:00' })
          .set(bearer(admin)).expect(200)).body.units;
        expect(stats).toEqual([expect.objectContaining({ unitCode: 'UB-29404', handled: 2, handledOnTime: 2, handledOnTimeExtended: 1, answered: 2, settled: 1, notSettled: 1 })]);
        // the report date of this test's other figures knows nothing of them
        expect(tableRows(elementById(html, 'table', 'bang-hai-long'))).toEqual([['Chưa có đánh giá nào của người dân trong kỳ.']]);
      } finally {
        t.clock.set(before);
      }
    });

    it('a leader bound to a district reads the same province-wide report, with links to their own subtree\'s tickets only', async () => {
      const page = (await get('district', '/bao-cao').expect(200)).text;
      expect(sectionText(page)).toBe(sectionText(html));
      const chart = elementById(page, 'svg', 'bieu-do-tre-han');
      expect([...chart.matchAll(/<a href="([^"]+)"/g)].map((m) => decode(m[1]))).toEqual(['/tre-han?don-vi=UB-29401']);
      expect(chart).toContain('<text class="bar-label" x="0" y="15">Sở Y tế</text>');
      expect(tableRows(elementById(page, 'table', 'bang-dung-han'))).toEqual(tableRows(elementById(html, 'table', 'bang-dung-han')));
    });

    it('a date that cannot be read, or whose cut-off is still to come, is the field\'s error', async () => {
      const bad = await get('leader', `/bao-cao?ngay=${encodeURIComponent('31/02/2022')}`);
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('aria-invalid="true" aria-describedby="ngay-error"');
      expect(bad.text).toContain('<p class="error" id="ngay-error">Không có ngày 31/02/2022.</p>');
      // the figures shown meanwhile are the latest day's, and the field keeps what was typed
      expect(bad.text).toContain('value="31/02/2022"');
      expect(bad.text).toContain('Tải về (ngày 10/03/2022)');
      const words = await get('leader', `/bao-cao?ngay=${encodeURIComponent('hôm qua')}`);
      expect([words.status, words.text.includes('&quot;hôm qua&quot; không phải ngày theo dạng dd/mm/yyyy, ví dụ 05/03/2026.')]).toEqual([400, true]);
      const future = await get('leader', `/bao-cao?ngay=${encodeURIComponent('11/03/2022')}`);
      expect(future.status).toBe(400);
      expect(future.text).toContain('Chưa có số liệu ngày 11/03/2022');
      await get('leader', `/bao-cao/tai-ve/xlsx?ngay=${encodeURIComponent('11/03/2022')}`).expect(400);
    });

    it('downloads the xlsx, docx and per-unit CSV with the page\'s session; without one, the login page', async () => {
      const q = `?ngay=${encodeURIComponent(DATE)}`;
      const xlsx = await get('coord', `/bao-cao/tai-ve/xlsx${q}`).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
      expect(xlsx.status).toBe(200);
      expect(xlsx.headers['content-type']).toBe(XLSX);
      expect(xlsx.headers['content-disposition']).toBe('attachment; filename="bao-cao-1022-ngay-2022-03-10.xlsx"');
      const workbook = await loadWorkbook(xlsx.body as Buffer);
      expect(workbook.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Đơn vị trễ hạn', 'Phiếu trễ hạn']);
      expect(dataRows(workbook.getWorksheet('Phiếu trễ hạn')!).map((r) => r[0]).sort()).toEqual(['H-1', 'S-3']);

      const docx = await get('leader', `/bao-cao/tai-ve/docx${q}`).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
      expect([docx.status, docx.headers['content-type']]).toEqual([200, DOCX]);
      expect((docx.body as Buffer).subarray(0, 2).toString()).toBe('PK');

      const csv = await get('admin', `/bao-cao/tai-ve/csv${q}`).expect(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      const lines = csv.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      expect(lines[0]).toBe('ma_don_vi,don_vi,tiep_nhan,da_xu_ly,xu_ly_dung_han,dang_xu_ly,tre_han,trung_vi_gio_xu_ly,dung_han_nho_gia_han,luot_danh_gia,da_giai_quyet,chua_giai_quyet');
      expect(lines).toContain('SO-YTE,Sở Y tế,3,2,1,1,1,48.5,0,0,0,0');

      for (const path of ['/bao-cao', `/bao-cao/tai-ve/xlsx${q}`, `/bao-cao/tai-ve/docx${q}`, `/bao-cao/tai-ve/csv${q}`, '/bao-cao/tai-ve/tuan?tuan=2022-W09&dinh-dang=xlsx']) {
        const res = await t.http().get(path);
        expect([path, res.status, res.headers.location]).toEqual([path, 303, `/dang-nhap?next=${encodeURIComponent(path)}`]);
      }
    });

    it('the weekly and monthly reports of a chosen week or month, xlsx and docx, with the page\'s session; the last full ones by default', async () => {
      // Thursday 10/03/2022 after the cut-off: the last full week is 28/02–06/03 (ISO week 9), the last full month February
      expect(html).toContain('<input type="week" id="tuan" name="tuan" value="2022-W09"');
      expect(html).toContain('<input type="month" id="thang" name="thang" value="2022-02"');
      for (const week of ['2022-W09', '9/2022']) {
        const xlsx = await download('coord', `/bao-cao/tai-ve/tuan?tuan=${encodeURIComponent(week)}&dinh-dang=xlsx`);
        expect([xlsx.status, xlsx.headers['content-type']]).toEqual([200, XLSX]);
        expect(xlsx.headers['content-disposition']).toBe('attachment; filename="bao-cao-1022-tuan-2022-03-06.xlsx"');
        expect((xlsx.body as Buffer).subarray(0, 4).toString('hex')).toBe('504b0304');
        const summary = await summaryOf(xlsx.body as Buffer);
        // the week's report: cut-off Sunday 06/03 16:00; S-1 and S-2 handled by then, S-3 open and not yet late
        expect(summary).toEqual(expect.objectContaining({
          'Báo cáo': 'Báo cáo tuần tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 đến ngày 06/03/2022',
          'Loại báo cáo': 'Hàng tuần',
          'Thời điểm chốt số liệu': new Date('2022-03-06T16:00:00Z'),
          'Tổng số phản ánh đã tiếp nhận từ khi vận hành': 3,
          'Đã xử lý': 2,
          'Đang xử lý': 1,
          'Đang xử lý - trong đó trễ hạn': 0,
        }));
      }
      const docx = await download('leader', `/bao-cao/tai-ve/thang?thang=${encodeURIComponent('02/2022')}&dinh-dang=docx`);
      expect([docx.status, docx.headers['content-type']]).toEqual([200, DOCX]);
      expect(docx.headers['content-disposition']).toBe('attachment; filename="bao-cao-1022-thang-2022-02-28.docx"');
      const paragraphs = docxParagraphs(unzip(docx.body as Buffer).get('word/document.xml')!.toString('utf8'));
      expect(paragraphs.join('\n')).toContain('đến ngày 28/02/2022');
      const monthXlsx = await download('admin', '/bao-cao/tai-ve/thang?thang=2022-02&dinh-dang=xlsx');
      expect(monthXlsx.headers['content-disposition']).toBe('attachment; filename="bao-cao-1022-thang-2022-02-28.xlsx"');
      expect(await summaryOf(monthXlsx.body as Buffer)).toEqual(expect.objectContaining({
        'Báo cáo': 'Báo cáo tháng tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 đến ngày 28/02/2022', 'Loại báo cáo': 'Hàng tháng',
      }));

      // a period that has not ended, or cannot be read: the page with the field's error, what was typed kept
      const refused: Array<[string, string, string]> = [
        ['/bao-cao/tai-ve/tuan?tuan=2022-W10&dinh-dang=xlsx', 'tuan', 'Tuần 10/2022 chưa kết thúc: tuần gần nhất đã có đủ số liệu là tuần 09/2022 (28/02/2022 – 06/03/2022).'],
        [`/bao-cao/tai-ve/tuan?tuan=${encodeURIComponent('tuần trước')}&dinh-dang=xlsx`, 'tuan', '“tuần trước” không phải một tuần: chọn tuần, hoặc ghi số tuần/năm, ví dụ 09/2022.'],
        ['/bao-cao/tai-ve/tuan?tuan=2021-W53&dinh-dang=docx', 'tuan', 'Năm 2021 không có tuần 53.'],
        ['/bao-cao/tai-ve/thang?thang=2022-03&dinh-dang=xlsx', 'thang', 'Tháng 03/2022 chưa kết thúc: tháng gần nhất đã có đủ số liệu là tháng 02/2022.'],
        ['/bao-cao/tai-ve/thang?thang=13%2F2021&dinh-dang=docx', 'thang', 'Không có tháng 13/2021.'],
      ];
      for (const [path, field, reason] of refused) {
        const res = await get('leader', path);
        expect([path, res.status, res.headers['content-type']]).toEqual([path, 400, 'text/html; charset=utf-8']);
        expect(decode(elementById(res.text, 'p', `${field}-error`).replace(/<[^>]+>/g, ''))).toBe(reason);
        expect(res.text).toContain(`id="${field}" name="${field}" aria-invalid="true" aria-describedby="${field}-error"`);
      }
      expect((await get('leader', '/bao-cao/tai-ve/tuan?tuan=2022-W10')).text).toContain('value="2022-W10"');
      // a format it does not offer
      expect((await get('leader', '/bao-cao/tai-ve/thang?thang=2022-02&dinh-dang=pdf')).status).toBe(400);
      expect(await t.ds.query(`SELECT count(*)::int AS n FROM sent_reports`)).toEqual([{ n: 0 }]);
    });

    it('unit staff and operators get the 403 page, on the dashboard and its downloads', async () => {
      for (const who of ['staff', 'op'] as const) {
        for (const path of ['/bao-cao', '/bao-cao/tai-ve/xlsx', '/bao-cao/tai-ve/csv', '/bao-cao/tai-ve/tuan?tuan=2022-W09&dinh-dang=xlsx', '/bao-cao/tai-ve/thang?thang=2022-02&dinh-dang=docx', '/bao-cao/da-gui']) {
          const res = await get(who, path);
          expect([who, path, res.status]).toEqual([who, path, 403]);
          expect(res.headers['content-type']).toMatch(/^text\/html/);
        }
      }
      expect((await get('staff', '/bao-cao')).text).toContain('Trang báo cáo dành cho lãnh đạo, điều phối viên và quản trị hệ thống.');
    });
  });

  describe('sent reports and their resend', () => {
    let reportId: string;

    beforeAll(async () => {
      await t.http().put('/api/recipient-lists/leadership').set(bearer(admin)).send({ emails: LEADERS }).expect(200);
      expect(await t.app.get(ReportMailerService).sendOnce('daily', '2022-03-10')).toBe(true);
      const mails = await deliverPending();
      expect(mails.map((m) => m.mail.subject)).toEqual([SUBJECT]);
      reportId = (await t.ds.query(`SELECT id FROM sent_reports`))[0].id;
    });

    it('lists each sent report with its recipients, time and delivery; only admins get the resend link', async () => {
      for (const who of ['leader', 'admin'] as const) {
        const page = (await get(who, '/bao-cao/da-gui').expect(200)).text;
        const rows = tableRows(elementById(page, 'table', 'bang-da-gui'));
        expect(rows.map((r) => r.slice(0, 4))).toEqual([['Báo cáo ngày 10/03/2022', '17:00 10/03/2022', LEADERS.join(', '), 'Đã gửi']]);
        expect(page.includes(`/bao-cao/da-gui/${reportId}/gui-lai`)).toBe(who === 'admin');
      }
      // the dashboard lists them too
      expect(tableRows(elementById((await get('leader', '/bao-cao').expect(200)).text, 'table', 'bang-da-gui'))[0][0]).toBe('Báo cáo ngày 10/03/2022');
    });

    it('an admin confirms a resend: it reaches the SMTP server once, however often or at once the form is sent', async () => {
      t.clock.set('2022-03-11T08:00:00+07:00');
      await get('leader', `/bao-cao/da-gui/${reportId}/gui-lai`).expect(403);
      const confirm = (await get('admin', `/bao-cao/da-gui/${reportId}/gui-lai`).expect(200)).text;
      expect(confirm).toContain('báo cáo ngày 10/03/2022');
      expect(tableRows(`<tbody>${elementById(confirm, 'ul', 'nguoi-nhan').replace(/<li>/g, '<tr><td>').replace(/<\/li>/g, '</td></tr>')}</tbody>`)).toEqual(LEADERS.map((e) => [e]));
      const form = elementById(confirm, 'form', 'form-gui-lai');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1];
      const seen = /name="lan" value="(\d+)"/.exec(form)![1];
      expect(seen).toBe('1');
      const post = (who: 'admin' | 'leader', fields: Record<string, string>) =>
        t.http().post(`/bao-cao/da-gui/${reportId}/gui-lai`).set('Cookie', cookies[who]).type('form').send(fields);

      // without the session's token, or by a leader: nothing
      expect((await post('admin', { lan: seen })).status).toBe(403);
      expect((await post('leader', { _csrf: csrf, lan: seen })).status).toBe(403);
      // twice at once (a double click): one resend
      const answers = await Promise.all([post('admin', { _csrf: csrf, lan: seen }), post('admin', { _csrf: csrf, lan: seen })]);
      expect(answers.map((a) => [a.status, a.headers.location]).sort()).toEqual([
        [303, '/bao-cao/da-gui?da=da-gui-roi'], [303, '/bao-cao/da-gui?da=gui-lai'],
      ]);
      // and again later (a reload of the POST)
      expect((await post('admin', { _csrf: csrf, lan: seen })).headers.location).toBe('/bao-cao/da-gui?da=da-gui-roi');
      const mails = await deliverPending();
      expect(mails.map((m) => m.mail.subject)).toEqual([SUBJECT]);
      expect(mails[0].rcptTo.sort()).toEqual([...LEADERS].sort());
      expect(mails[0].mail.attachments.map((a) => a.filename)).toEqual(['bao-cao-1022-ngay-2022-03-10.xlsx', 'bao-cao-1022-ngay-2022-03-10.docx']);
      expect(await deliverPending()).toHaveLength(0);
      const flash = (await get('admin', '/bao-cao/da-gui?da=gui-lai').expect(200)).text;
      expect(flash).toContain('Đã đưa báo cáo vào hàng đợi gửi lại');
      // a new confirmation may resend once more
      const again = (await get('admin', `/bao-cao/da-gui/${reportId}/gui-lai`).expect(200)).text;
      expect(/name="lan" value="(\d+)"/.exec(again)![1]).toBe('2');
      await get('admin', '/bao-cao/da-gui/00000000-0000-4000-8000-000000000000/gui-lai').expect(404);
      t.clock.set('2022-03-10T17:00:00+07:00');
    });
  });

  describe('in Chromium', () => {
    let browser: Browser;
    let page: Page;
    let base: string;

    beforeAll(async () => {
      base = await listen(t);
      let context: BrowserContext;
      ({ browser, context, page } = await browserSession());
      await context.addCookies([{ name: COOKIE, value: cookies.leader.slice(COOKIE.length + 1), url: base }]);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    /** Tab until the focused element matches, at most `max` times; the element's description. */
    async function tabTo(test: string, max = 80): Promise<string> {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        // a string: the test type-checks without the DOM library
        const found = await page.evaluate(`(() => {
          const el = document.activeElement;
          return el && el.matches(${JSON.stringify(test)}) ? el.tagName + ' ' + (el.getAttribute('href') || el.id) : null;
        })()`) as string | null;
        if (found) return found;
      }
      throw new Error(`never reached ${test} with Tab`);
    }

    it('with the keyboard only: type a date, submit, follow a bar to the unit\'s overdue tickets', async () => {
      await page.goto(`${base}/bao-cao`);
      expect(await page.title()).toBe('Báo cáo, thống kê — Tổng đài 1022');
      await tabTo('#ngay');
      await page.keyboard.press('Control+A');
      await page.keyboard.type('09/03/2022');
      await Promise.all([page.waitForURL(/ngay=09%2F03%2F2022/), page.keyboard.press('Enter')]);
      expect(await page.locator('#bao-cao h1').textContent()).toBe('Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày 09/03/2022');
      expect(await page.inputValue('#ngay')).toBe('09/03/2022');
      const bar = await tabTo('#bieu-do-tre-han a');
      expect(bar).toBe('a /tre-han?don-vi=SO-YTE');
      await Promise.all([page.waitForURL(/\/tre-han\?don-vi=SO-YTE$/), page.keyboard.press('Enter')]);
      expect(await page.locator('h1').textContent()).toBe('Phản ánh trễ hạn theo đơn vị');
      expect(await page.locator('body').textContent()).toContain('S-3');
    }, 60_000);

    it('with the keyboard only: the last full week\'s report downloaded as an xlsx from its form', async () => {
      await page.goto(`${base}/bao-cao`);
      expect(await page.inputValue('#tuan')).toBe('2022-W09');
      expect(await tabTo('#tai-tuan-xlsx')).toBe('BUTTON tai-tuan-xlsx');
      const [file] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      expect(file.suggestedFilename()).toBe('bao-cao-1022-tuan-2022-03-06.xlsx');
      const summary = await summaryOf(await readFile((await file.path())!));
      expect([summary['Báo cáo'], summary['Đã xử lý']]).toEqual(['Báo cáo tuần tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 đến ngày 06/03/2022', 2]);
    }, 60_000);

    /** Nothing wider than the office screen, then axe and a screenshot at the office screen and at the phone screen (support/pages.ts). */
    async function checkBoth(name: string): Promise<void> {
      // nothing wider than the office screen either (a table of many columns beside a chart must wrap, not overflow)
      expect(await scrollWidth(page)).toBeLessThanOrEqual(OFFICE_SCREEN.width);
      await checkBothScreens(page, name);
    }

    it('no serious accessibility violation at an office and a phone screen; nothing wider than either', async () => {
      await page.setViewportSize(OFFICE_SCREEN);
      await page.goto(`${base}/bao-cao?ngay=${encodeURIComponent(DATE)}`);
      await checkBoth('dashboard');
      // an admin's list with the resend links, and the confirmation
      await page.context().addCookies([{ name: COOKIE, value: cookies.admin.slice(COOKIE.length + 1), url: base }]);
      await page.goto(`${base}/bao-cao/da-gui`);
      await checkBoth('dashboard-sent');
      await page.click('#bang-da-gui a.resend');
      expect(await page.locator('h1').textContent()).toBe('Gửi lại báo cáo');
      await checkBoth('dashboard-resend');
    }, 90_000);
  });
});
