import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { DeliveryService } from '../src/notifications/delivery.service.js';
import { SmtpRelay } from './support/smtp-relay.js';
import { bearer, startTestApp, type TestApp } from './support/test-app.js';

const HOTLINE = 'tongdai1022@travinh.gov.vn';
const CITIZEN = 'Hoa.Nguyen@Example.VN';
const UPLOAD_MAX_BYTES = 64 * 1024;

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => done(port));
    });
  });
}

const portAccepts = (port: number) =>
  new Promise<boolean>((done) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => { s.destroy(); done(true); });
    s.once('error', () => done(false));
  });

/** The SMTP error a send was refused with (nodemailer rejects with the server's reply code). */
async function refusal(p: Promise<unknown>): Promise<{ responseCode?: number; response?: string }> {
  try {
    await p;
  } catch (e) {
    return e as { responseCode?: number; response?: string };
  }
  throw new Error('the mail was accepted');
}

describe('mail intake over SMTP', () => {
  let t: TestApp;
  let relay: SmtpRelay;
  let sender: Transporter;
  let uploadDir: string;
  let mailPort: number;
  let coordinator: string;

  const send = (opts: SendMailOptions) => sender.sendMail({ from: `"Nguyễn Thị Hoa" <${CITIZEN}>`, to: HOTLINE, ...opts });
  const codeIn = (response: string | undefined) => response?.match(/PA-[2-9A-Z]{4}-[2-9A-Z]{4}/)?.[0] ?? null;
  const ticketsFrom = async (email: string) =>
    (await t.ds.query(`SELECT code FROM tickets WHERE reporter_email = $1 ORDER BY received_at, code`, [email])).map((r: { code: string }) => r.code);
  /** Attachments kept (their content is in PostgreSQL); UPLOAD_DIR must stay empty. */
  const storedFiles = async () => {
    expect((await readdir(uploadDir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile())).toEqual([]);
    return Number((await t.ds.query(`SELECT count(*)::int AS n FROM attachment_contents`))[0].n);
  };

  /** Delivers every pending outbox message through the app's real sender (workers are off in tests). */
  async function deliverOutbox(): Promise<void> {
    const rows: Array<{ id: string }> = await t.ds.query(`SELECT id FROM outbox_messages WHERE status = 'pending' ORDER BY created_at`);
    for (const r of rows) expect(await t.app.get(DeliveryService).deliver(r.id)).toBe('sent');
  }

  beforeAll(async () => {
    relay = await new SmtpRelay().start();
    mailPort = await freePort();
    uploadDir = await mkdtemp(join(tmpdir(), 'hotline-mail-'));
    t = await startTestApp({
      env: {
        MAIL_INBOUND_PORT: String(mailPort),
        MAIL_INBOUND_HOST: '127.0.0.1',
        MAIL_INBOUND_ADDRESSES: `${HOTLINE}, phananh@travinh.gov.vn`,
        MAIL_FROM: `"Tổng đài 1022" <${HOTLINE}>`,
        SMTP_URL: relay.url,
        SMTP_IGNORE_TLS: 'true',
        UPLOAD_DIR: uploadDir,
        UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES),
      },
    });
    sender = nodemailer.createTransport({ host: '127.0.0.1', port: mailPort, secure: false, ignoreTLS: true });
    coordinator = await t.userToken('coordinator');
  });

  afterAll(async () => {
    sender?.close();
    await t?.close();
    await relay?.close();
    if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
  });

  let firstCode: string;
  let ack: ParsedMail;

  it('turns a new mail into an e-mail ticket with its attachment stored, and acknowledges it by e-mail with the code', async () => {
    const photo = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(3000, 7)]);
    const info = await send({
      subject: 'Cống thoát nước bị tắc ở khóm 3',
      text: 'Cống thoát nước trước nhà số 12 đường Lê Lợi, khóm 3, phường 1 bị tắc hơn một tuần, nước tràn lên đường.',
      attachments: [
        { filename: 'cong-tac.png', content: photo, contentType: 'image/png' },
        { filename: 'video-dai.bin', content: Buffer.alloc(UPLOAD_MAX_BYTES + 1, 1), contentType: 'application/octet-stream' },
      ],
    });
    expect(info.response).toMatch(/^250 /);
    const code = codeIn(info.response)!;
    expect(code).not.toBeNull();
    firstCode = code;

    const ticket = (await t.http().get(`/api/tickets/${code}`).set(bearer(coordinator)).expect(200)).body;
    expect(ticket).toMatchObject({ channel: 'email', reporterName: 'Nguyễn Thị Hoa', reporterEmail: CITIZEN.toLowerCase(), status: 'received' });
    expect(ticket.content).toContain('Cống thoát nước trước nhà số 12 đường Lê Lợi');
    expect(ticket.content).toContain('cong-tac.png');
    expect(ticket.content).toContain('không lưu: video-dai.bin');
    expect(await ticketsFrom(CITIZEN.toLowerCase())).toEqual([code]);

    const [source] = await t.ds.query(`SELECT s.channel, s.external_id, s.sender_id FROM ticket_sources s JOIN tickets t ON t.id = s.ticket_id WHERE t.code = $1`, [code]);
    expect(source).toEqual({ channel: 'email', external_id: info.messageId, sender_id: CITIZEN.toLowerCase() });

    // the photo is kept in PostgreSQL beside its row (nothing on disk), and listed on the ticket; the oversized file is not kept
    const files = await t.ds.query(
      `SELECT a.id, a.kind, a.filename, a.content_type, a.size_bytes, a.storage, a.storage_path, c.content
         FROM attachments a JOIN tickets t ON t.id = a.ticket_id JOIN attachment_contents c ON c.attachment_id = a.id WHERE t.code = $1`, [code]);
    expect(files).toEqual([{
      id: expect.any(String), kind: 'image', filename: 'cong-tac.png', content_type: 'image/png', size_bytes: photo.length, storage: 'postgres',
      storage_path: null, content: photo,
    }]);
    expect(ticket.attachments).toEqual([{
      id: files[0].id, kind: 'image', filename: 'cong-tac.png', contentType: 'image/png', sizeBytes: photo.length,
      downloadUrl: `/api/tickets/${code}/attachments/${files[0].id}`, url: null,
    }]);
    expect(await storedFiles()).toBe(1);

    // the acknowledgement goes out through the outbox to the real relay
    await deliverOutbox();
    const acks = relay.received.filter((r) => r.rcptTo.includes(CITIZEN.toLowerCase()));
    expect(acks).toHaveLength(1);
    ack = acks[0].mail;
    expect(ack.to).toMatchObject({ value: [{ address: CITIZEN.toLowerCase() }] });
    expect(ack.from).toMatchObject({ value: [{ address: HOTLINE, name: 'Tổng đài 1022' }] });
    expect(ack.subject).toContain(code);
    expect(ack.text).toContain(`Mã phản ánh: ${code}`);
  });

  it('adds a reply whose subject carries the code to that ticket as the citizen\'s message, without a new ticket', async () => {
    const outboxBefore = Number((await t.ds.query(`SELECT count(*) FROM outbox_messages`))[0].count);
    const info = await send({
      subject: `Re: ${ack.subject}`,
      inReplyTo: ack.messageId,
      references: [ack.messageId!],
      text: `Đến nay vẫn chưa có ai đến khơi thông cống.\n\nVào Thứ Hai, Tổng đài 1022 <${HOTLINE}> đã viết:\n> Kính gửi Quý ông/bà,\n> Mã phản ánh: ${firstCode}\n`,
    });
    expect(info.response).toBe(`250 OK: appended ${firstCode}`);
    expect(await ticketsFrom(CITIZEN.toLowerCase())).toEqual([firstCode]);
    const ticket = (await t.http().get(`/api/tickets/${firstCode}`).set(bearer(coordinator)).expect(200)).body;
    const messages = ticket.events.filter((e: { type: string }) => e.type === 'citizen_message');
    expect(messages).toEqual([expect.objectContaining({ actor: 'Nguyễn Thị Hoa', note: 'Đến nay vẫn chưa có ai đến khơi thông cống.' })]);
    // no second acknowledgement for a message added to a ticket
    expect(Number((await t.ds.query(`SELECT count(*) FROM outbox_messages`))[0].count)).toBe(outboxBefore);
  });

  it('follows the code in the subject rather than the sender\'s latest ticket, and only for that ticket\'s citizen', async () => {
    // the same citizen also called the hotline and gave her e-mail address
    const operator = await t.userToken('operator');
    const byPhone = (await t.http().post('/api/tickets').set(bearer(operator)).send({
      channel: 'hotline', reporterName: 'Nguyễn Thị Hoa', reporterEmail: CITIZEN.toLowerCase(), content: 'Đèn đường trên đường Điện Biên Phủ không sáng.',
    }).expect(201)).body.code as string;

    const info = await send({ subject: `Bổ sung cho phản ánh ${byPhone}`, text: 'Đèn hỏng từ cột số 15 đến cột số 20.' });
    expect(info.response).toBe(`250 OK: appended ${byPhone}`);
    const events = (await t.http().get(`/api/tickets/${byPhone}`).set(bearer(coordinator)).expect(200)).body.events;
    expect(events.filter((e: { type: string }) => e.type === 'citizen_message').map((e: { note: string }) => e.note)).toEqual(['Đèn hỏng từ cột số 15 đến cột số 20.']);

    // someone else quoting that code opens a ticket of their own
    const other = await send({ from: 'Trần Văn Bình <binh.tran@example.vn>', subject: `Về phản ánh ${byPhone}`, text: 'Nhà tôi cũng bị mất điện.' });
    const otherCode = codeIn(other.response);
    expect(other.response).toMatch(/^250 OK: created /);
    expect(otherCode).not.toBe(byPhone);
    expect(await ticketsFrom('binh.tran@example.vn')).toEqual([otherCode]);
  });

  it('takes a redelivered mail (same Message-ID) once, and reads an HTML-only mail as text', async () => {
    const mail: SendMailOptions = {
      from: '"Lê Thị Cúc" <cuc.le@example.vn>',
      to: 'PhanAnh@TraVinh.gov.vn',
      messageId: '<redelivered-1@mail.example.vn>',
      subject: 'Đèn đường',
      html: '<html><body><p>Đèn đường ở <b>ấp Phú Hòa</b> bị hỏng.</p></body></html>',
    };
    const first = await send(mail);
    const second = await send(mail);
    const code = codeIn(first.response);
    expect(first.response).toBe(`250 OK: created ${code}`);
    expect(second.response).toBe(`250 OK: duplicate ${code}`);
    expect(await ticketsFrom('cuc.le@example.vn')).toEqual([code]);
    const ticket = (await t.http().get(`/api/tickets/${code}`).set(bearer(coordinator)).expect(200)).body;
    expect(ticket.content).toContain('Đèn đường ở ấp Phú Hòa bị hỏng.');
    expect(ticket.content).not.toContain('<');
    const acks = await t.ds.query(`SELECT o.payload FROM outbox_messages o JOIN tickets t ON t.id = o.ticket_id WHERE t.code = $1`, [code]);
    expect(acks).toEqual([{ payload: expect.objectContaining({ to: ['cuc.le@example.vn'] }) }]);
  });

  it('refuses mail for other recipients at RCPT with 550 and stores nothing', async () => {
    const err = await refusal(send({ from: 'spam@example.com', to: 'giamdoc@travinh.gov.vn', subject: 'Quảng cáo', text: 'Mua ngay' }));
    expect(err.responseCode).toBe(550);
    expect(err.response).toMatch(/^550 /);
    expect(await ticketsFrom('spam@example.com')).toEqual([]);
  });

  it('refuses a message over the size limit with 552', async () => {
    const err = await refusal(send({
      from: 'big@example.vn', subject: 'Ảnh', text: 'Ảnh chụp',
      attachments: [{ filename: 'anh.jpg', content: Buffer.alloc(UPLOAD_MAX_BYTES * 4, 3), contentType: 'image/jpeg' }],
    }));
    expect(err.responseCode).toBe(552);
    expect(await ticketsFrom('big@example.vn')).toEqual([]);
  });

  it('accepts but does not turn auto-replies and bounces into tickets', async () => {
    const auto = await send({ from: 'vang.mat@example.vn', subject: 'Tự động trả lời: Tổng đài 1022', text: 'Tôi đang nghỉ phép.', headers: { 'Auto-Submitted': 'auto-replied' } });
    expect(auto.response).toMatch(/^250 /);
    const bounce = await send({ from: 'MAILER-DAEMON@travinh.gov.vn', envelope: { from: '', to: HOTLINE }, subject: 'Undelivered Mail Returned to Sender', text: 'could not be delivered' } as SendMailOptions);
    expect(bounce.response).toMatch(/^250 /);
    expect(await ticketsFrom('vang.mat@example.vn')).toEqual([]);
    expect(await ticketsFrom('mailer-daemon@travinh.gov.vn')).toEqual([]);
  });

  it('answers 451 while the mail cannot be stored, keeping nothing, and takes the relay\'s retry', async () => {
    const filesBefore = await storedFiles();
    const mail: SendMailOptions = {
      from: 'Phạm Văn Dũng <dung.pham@example.vn>', messageId: '<retry-1@mail.example.vn>', subject: 'Sạt lở bờ kênh',
      text: 'Bờ kênh ấp Long Bình bị sạt lở.', attachments: [{ filename: 'sat-lo.jpg', content: Buffer.alloc(2000, 9), contentType: 'image/jpeg' }],
    };
    await t.ds.query(`ALTER TABLE attachments RENAME TO attachments_unavailable`);
    let err: { responseCode?: number };
    try {
      err = await refusal(send(mail));
    } finally {
      await t.ds.query(`ALTER TABLE attachments_unavailable RENAME TO attachments`);
    }
    expect(err.responseCode).toBe(451);
    expect(await ticketsFrom('dung.pham@example.vn')).toEqual([]);
    expect(await t.ds.query(`SELECT 1 FROM ticket_sources WHERE external_id = '<retry-1@mail.example.vn>'`)).toEqual([]);
    expect(await storedFiles()).toBe(filesBefore);

    const retried = await send(mail);
    const code = codeIn(retried.response);
    expect(retried.response).toBe(`250 OK: created ${code}`);
    expect(await ticketsFrom('dung.pham@example.vn')).toEqual([code]);
    expect(await storedFiles()).toBe(filesBefore + 1);
  });
});

describe('mail listener lifecycle', () => {
  it('listens on MAIL_INBOUND_PORT while the app runs and closes on shutdown', async () => {
    const port = await freePort();
    const t = await startTestApp({ env: { MAIL_INBOUND_PORT: String(port) } });
    let closed = false;
    try {
      expect(await portAccepts(port)).toBe(true);
      await t.close();
      closed = true;
      expect(await portAccepts(port)).toBe(false);
    } finally {
      if (!closed) await t.close();
    }
  });
});
