import 'reflect-metadata';
import type { ParsedMail } from 'mailparser';
import { DeliveryService } from '../src/notifications/delivery.service.js';
import { OutboxService } from '../src/notifications/outbox.service.js';
import { ReportMailerService } from '../src/reports/report-mailer.service.js';
import { dataRows, docxParagraphs, loadWorkbook } from './support/office.js';
import { SmtpRelay } from './support/smtp-relay.js';
import { bearer, startTestApp, type TestApp } from './support/test-app.js';
import { unzip } from './support/zip.js';

/**
 * The daily (and weekly) report e-mailed to leadership at the cut-off (issue 5 §4): once per report and day with two
 * application instances on one database, caught up once after downtime, read back at a real SMTP server with both
 * attachments opened; stored, listed and resent.
 */

const FROM = 'tongdai1022@travinh.gov.vn';
const LEADERS = ['giamdoc@travinh.gov.vn', 'Pho.GiamDoc@TraVinh.gov.vn'];
const LEADERS_STORED = ['giamdoc@travinh.gov.vn', 'pho.giamdoc@travinh.gov.vn'];
const DAILY_SUBJECT = (d: string) => `Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày ${d}`;
const WEEKLY_SUBJECT = (d: string) => `Báo cáo tuần tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 đến ngày ${d}`;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const vn = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('the report e-mailed to leadership', () => {
  let relay: SmtpRelay;
  let t: TestApp;
  /** Another instance of the application on the same database, Redis prefix and clock (a second process of the deployment). */
  let second: TestApp;
  let admin: string;
  let leader: string;
  let firstDaily: ParsedMail;

  const mailers = () => [t.app.get(ReportMailerService), second.app.get(ReportMailerService)];
  /** Both instances ticking at once, `rounds` times each; the number of reports they queued. */
  const tickBoth = async (rounds = 3) => {
    const [a, b] = mailers();
    const sent = await Promise.all(Array.from({ length: rounds }, () => [a.tick(), b.tick()]).flat());
    return sent.reduce((s, n) => s + n, 0);
  };
  /**
   * What the outbox workers would do, from both instances: relay, then every pending message delivered by both at
   * once. Each message goes out once (the other instance finds it claimed). Returns the mails that arrived.
   */
  const relayAndDeliver = async () => {
    const before = relay.received.length;
    await Promise.all([t.app.get(OutboxService).relay(), second.app.get(OutboxService).relay()]);
    const pending: Array<{ id: string }> = await t.ds.query(`SELECT id FROM outbox_messages WHERE status = 'pending' ORDER BY created_at, id`);
    for (const { id } of pending) {
      const outcomes = await Promise.all([t.app.get(DeliveryService).deliver(id), second.app.get(DeliveryService).deliver(id)]);
      expect(outcomes.sort()).toEqual(['sent', 'skipped']);
    }
    return relay.received.slice(before);
  };
  const sentReports = async () =>
    (await t.ds.query(`SELECT kind, to_char(report_date, 'YYYY-MM-DD') AS date FROM sent_reports ORDER BY cutoff, kind`)) as Array<{ kind: string; date: string }>;
  const apiText = async (kind: string, date: string) =>
    (await t.http().get(`/api/reports/${kind}`).query({ date, format: 'txt' }).set(bearer(leader)).expect(200)).text;

  beforeAll(async () => {
    relay = await new SmtpRelay().start();
    t = await startTestApp({
      now: '2022-03-01T15:00:00+07:00',
      env: {
        SMTP_URL: relay.url,
        SMTP_IGNORE_TLS: 'true',
        MAIL_FROM: `"Tổng đài 1022" <${FROM}>`,
        REPORT_WEEKLY_WEEKDAY: '3', // Wednesday
        TOKEN_TTL_HOURS: '720',
      },
    });
    second = await startTestApp({ alongside: t, clock: t.clock });
    admin = await t.userToken('admin');
    leader = await t.userToken('leader');

    const csv = [
      'code,channel,received_at,reporter_name,reporter_phone,area_code,category_code,content,unit_code,due_at,resolved_at,status,resolution',
      'M-1,hotline,2022-02-28T09:00:00+07:00,Nguyễn Văn A,,,Y-TE,Hỏi chỗ tiêm vắc xin,SO-YTE,2022-03-01T09:00:00+07:00,,,',
      'M-2,walk_in,2022-03-01T10:00:00+07:00,Trần Thị B,,29401,AN-SINH,Chưa nhận hỗ trợ,UB-29401,2022-03-03T10:00:00+07:00,,,',
      'M-3,web,2022-02-27T10:00:00+07:00,Lê Văn C,,,Y-TE,Hỏi giờ làm việc,SO-YTE,2022-02-28T10:00:00+07:00,2022-02-28T09:00:00+07:00,resolved,Đã trả lời.',
    ].join('\n');
    const res = await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(csv);
    expect([res.status, res.body]).toEqual([201, { imported: 3 }]);
    await t.ds.query(
      `INSERT INTO app_installs (installation_id, platform, created_at) VALUES ('a-1', 'android', $1), ('a-2', 'android', $2), ('i-1', 'ios', $1)`,
      [vn('2022-02-20 08:00'), vn('2022-03-01 08:00')],
    );
    // no recipients, no report: nothing is claimed for the day while the list is empty
    t.clock.set(vn('2022-03-01 16:00'));
    expect(await tickBoth(1)).toBe(0);
    expect(await sentReports()).toEqual([]);
    const list = await t.http().put('/api/recipient-lists/leadership').set(bearer(admin)).send({ emails: LEADERS });
    expect(list.status).toBe(200);
    expect(list.body.emails).toEqual(LEADERS_STORED);
  });

  afterAll(async () => {
    await second?.close();
    await t?.close();
    await relay?.close();
  });

  it('a minute after 16:00 (changes stamped before the cut-off have committed) two instances ticking at once send the daily report exactly once, to the leadership list', async () => {
    expect(await tickBoth(4)).toBe(0); // at 16:00 itself: not yet
    t.clock.set(vn('2022-03-01 16:01'));
    expect(await tickBoth(4)).toBe(1);
    expect(await sentReports()).toEqual([{ kind: 'daily', date: '2022-03-01' }]);
    const mails = await relayAndDeliver();
    expect(mails).toHaveLength(1);
    firstDaily = mails[0].mail;
    expect(mails[0].rcptTo.sort()).toEqual([...LEADERS_STORED].sort());
    expect(firstDaily.subject).toBe(DAILY_SUBJECT('01/03/2022'));
    expect(firstDaily.from?.value).toEqual([{ address: FROM, name: 'Tổng đài 1022' }]);
    // ticking on during the day, or with a longer list, sends nothing more for that day
    t.clock.set(vn('2022-03-01 16:30'));
    await t.http().put('/api/recipient-lists/leadership').set(bearer(admin)).send({ emails: [...LEADERS, 'vanphong@travinh.gov.vn'] }).expect(200);
    expect(await tickBoth()).toBe(0);
    await t.http().put('/api/recipient-lists/leadership').set(bearer(admin)).send({ emails: LEADERS }).expect(200);
    expect(await relayAndDeliver()).toHaveLength(0);
  });

  it('the e-mail: an HTML body with a plain-text part, and the xlsx and docx of the report attached', async () => {
    const title = DAILY_SUBJECT('01/03/2022');
    const text = await apiText('daily', '2022-03-01');
    expect(text).toContain('+ Đang xử lý: 2 (trong đó: 1 phiếu trễ hạn (tăng 1 phiếu trễ hạn)).');
    expect(firstDaily.text!.trimEnd()).toBe(`${title}\n\n${text}\nTổng đài 1022`);
    expect(firstDaily.html).toMatch(/^<!DOCTYPE html>/);
    expect(firstDaily.html).toMatch(new RegExp(`<h1[^>]*>${title}</h1>`));
    expect(firstDaily.html).toContain('Đang xử lý: 2 (trong đó: 1 phiếu trễ hạn (tăng 1 phiếu trễ hạn)).');
    expect(firstDaily.html).toMatch(/<td[^>]*>Sở Y tế<\/td><td[^>]*>1<\/td>/);

    expect(firstDaily.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['bao-cao-1022-ngay-2022-03-01.xlsx', XLSX],
      ['bao-cao-1022-ngay-2022-03-01.docx', DOCX],
    ]);
    const workbook = await loadWorkbook(firstDaily.attachments[0].content);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Đơn vị trễ hạn', 'Phiếu trễ hạn']);
    const summary = new Map(dataRows(workbook.getWorksheet('Tổng hợp')!).map(([label, value, change]) => [label, [value, change]]));
    expect(summary.get('Báo cáo')![0]).toBe(title);
    expect(summary.get('App công dân 1022 Trà Vinh - App android: lượt cài đặt')).toEqual([2, 1]);
    expect(summary.get('Tổng số phản ánh đã tiếp nhận từ khi vận hành')).toEqual([3, 1]);
    expect(summary.get('Đã xử lý')).toEqual([1, 0]);
    expect(summary.get('Đang xử lý - trong đó trễ hạn')).toEqual([1, 1]);
    expect(dataRows(workbook.getWorksheet('Đơn vị trễ hạn')!)).toEqual([[1, 'Sở Y tế', 'Tỉnh', 1], [undefined, 'Tổng cộng', undefined, 1]]);
    expect(dataRows(workbook.getWorksheet('Phiếu trễ hạn')!).map((r) => [r[0], r[1], r[2], r[5]])).toEqual([['M-1', 'Sở Y tế', 'Y tế, khám chữa bệnh', 0]]);

    const docx = unzip(firstDaily.attachments[1].content);
    const paragraphs = docxParagraphs(docx.get('word/document.xml')!.toString('utf8'));
    expect(paragraphs.slice(0, 1 + text.trimEnd().split('\n').length)).toEqual([title, ...text.trimEnd().split('\n')]);
  });

  it('nothing before the next cut-off; at 16:00 on the weekly report\'s weekday the daily and the weekly go out once', async () => {
    t.clock.set('2022-03-02T15:59:59+07:00');
    expect(await tickBoth()).toBe(0);
    t.clock.set(vn('2022-03-02 16:01'));
    expect(await tickBoth(4)).toBe(2);
    expect(await tickBoth()).toBe(0);
    const mails = await relayAndDeliver();
    expect(mails.map((m) => m.mail.subject).sort()).toEqual([DAILY_SUBJECT('02/03/2022'), WEEKLY_SUBJECT('02/03/2022')].sort());
    const weekly = mails.find((m) => m.mail.subject === WEEKLY_SUBJECT('02/03/2022'))!;
    expect(weekly.rcptTo.sort()).toEqual([...LEADERS_STORED].sort());
    expect(weekly.mail.attachments.map((a) => a.filename)).toEqual(['bao-cao-1022-tuan-2022-03-02.xlsx', 'bao-cao-1022-tuan-2022-03-02.docx']);
    const summary = new Map(dataRows((await loadWorkbook(weekly.mail.attachments[0].content)).getWorksheet('Tổng hợp')!).map(([l, v]) => [l, v]));
    expect(summary.get('Loại báo cáo')).toBe('Hàng tuần');
    expect(weekly.mail.text).toContain(await apiText('weekly', '2022-03-02'));
  });

  it('down at the cut-off: one tick the next morning sends the missed report, once', async () => {
    // the process was down from before 16:00 03/03 (a Thursday) until 08:00 04/03
    t.clock.set(vn('2022-03-04 08:00'));
    expect(await second.app.get(ReportMailerService).tick()).toBe(1);
    expect(await tickBoth()).toBe(0);
    const mails = await relayAndDeliver();
    expect(mails.map((m) => m.mail.subject)).toEqual([DAILY_SUBJECT('03/03/2022')]);
    expect(mails[0].mail.text).toContain(await apiText('daily', '2022-03-03'));
    expect(await sentReports()).toEqual([
      { kind: 'daily', date: '2022-03-01' }, { kind: 'daily', date: '2022-03-02' }, { kind: 'weekly', date: '2022-03-02' }, { kind: 'daily', date: '2022-03-03' },
    ]);
  });

  it('every sent report is listed; a resend sends the stored report again, with its figures as of its cut-off', async () => {
    const list = await t.http().get('/api/reports/sent').set(bearer(admin)).expect(200);
    expect(list.body.map((r: { kind: string; reportDate: string }) => `${r.kind} ${r.reportDate}`)).toEqual([
      'daily 2022-03-03', expect.stringMatching(/^(daily|weekly) 2022-03-02$/), expect.stringMatching(/^(daily|weekly) 2022-03-02$/), 'daily 2022-03-01',
    ]);
    const first = list.body.at(-1);
    expect(first).toMatchObject({
      kind: 'daily', reportDate: '2022-03-01', cutoff: vn('2022-03-01 16:00').toISOString(), recipients: LEADERS_STORED,
      createdAt: vn('2022-03-01 16:01').toISOString(), delivery: 'sent', sentAt: vn('2022-03-01 16:01').toISOString(),
      figures: expect.objectContaining({ receivedTotal: { current: 3, previous: 2 }, overdue: { current: 1, previous: 0 } }),
    });
    for (const r of list.body) expect(r.delivery).toBe('sent');
    const stored = await t.ds.query(`SELECT text FROM sent_reports WHERE id = $1`, [first.id]);
    expect(stored[0].text).toBe(await apiText('daily', '2022-03-01'));

    // since then the overdue ticket was resolved: the report for 01/03 does not change
    const staff = await t.userToken('unit_staff', 'SO-YTE');
    t.clock.set(vn('2022-03-04 08:30'));
    await t.http().post('/api/tickets/M-1/accept').set(bearer(staff)).send({}).expect(200);
    await t.http().post('/api/tickets/M-1/resolve').set(bearer(staff)).send({ resolution: 'Đã hướng dẫn.' }).expect(200);

    const resend = await t.http().post(`/api/reports/sent/${first.id}/resend`).set(bearer(admin));
    expect(resend.status).toBe(202);
    expect(resend.body).toMatchObject({ id: first.id, queued: expect.any(String) });
    const mails = await relayAndDeliver();
    expect(mails).toHaveLength(1);
    expect(mails[0].rcptTo.sort()).toEqual([...LEADERS_STORED].sort());
    expect(mails[0].mail.subject).toBe(DAILY_SUBJECT('01/03/2022'));
    expect(mails[0].mail.text).toBe(firstDaily.text);
    expect(mails[0].mail.html).toBe(firstDaily.html);
    expect(mails[0].mail.attachments.map((a) => a.filename)).toEqual(['bao-cao-1022-ngay-2022-03-01.xlsx', 'bao-cao-1022-ngay-2022-03-01.docx']);
    expect(dataRows((await loadWorkbook(mails[0].mail.attachments[0].content)).getWorksheet('Phiếu trễ hạn')!).map((r) => r[0])).toEqual(['M-1']);
    // a receiver can tell the resend from the first sending
    expect(mails[0].mail.messageId).not.toBe(firstDaily.messageId);

    // asked again the same day, it is sent again
    await t.http().post(`/api/reports/sent/${first.id}/resend`).set(bearer(admin)).expect(202);
    expect((await relayAndDeliver()).map((m) => m.mail.subject)).toEqual([DAILY_SUBJECT('01/03/2022')]);
    expect((await t.ds.query(`SELECT outbox_keys FROM sent_reports WHERE id = $1`, [first.id]))[0].outbox_keys).toHaveLength(3);

    await t.http().post('/api/reports/sent/00000000-0000-4000-8000-000000000000/resend').set(bearer(admin)).expect(404);
    await t.http().post('/api/reports/sent/khong-co/resend').set(bearer(admin)).expect(404);
    await t.http().post(`/api/reports/sent/${first.id}/resend`).set(bearer(leader)).expect(403);
    await t.http().get('/api/reports/sent').set(bearer(leader)).expect(403);
    expect(await relayAndDeliver()).toHaveLength(0);
  });

  it('a process started after a missed cut-off sends the report once, through its own queue workers', async () => {
    // down over 16:00 04/03; the process that starts at 08:00 05/03 runs the schedulers and queue workers
    t.clock.set(vn('2022-03-05 08:00'));
    const before = relay.received.length;
    const worker = await startTestApp({ alongside: t, clock: t.clock, env: { WORKERS_ENABLED: 'true' } });
    try {
      const subject = DAILY_SUBJECT('04/03/2022');
      const deadline = Date.now() + 20_000;
      while (!relay.received.slice(before).some((m) => m.mail.subject === subject) && Date.now() < deadline) await sleep(100);
      // the other instances ticking meanwhile change nothing
      expect(await tickBoth()).toBe(0);
      await sleep(1500);
      const reports = relay.received.slice(before).filter((m) => m.mail.subject?.startsWith('Báo cáo'));
      expect(reports.map((m) => m.mail.subject)).toEqual([subject]);
      expect(reports[0].rcptTo.sort()).toEqual([...LEADERS_STORED].sort());
      expect(reports[0].mail.attachments).toHaveLength(2);
    } finally {
      await worker.close();
    }
    expect((await sentReports()).filter((r) => r.date === '2022-03-04')).toEqual([{ kind: 'daily', date: '2022-03-04' }]);
  });
});
