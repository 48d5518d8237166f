import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Response } from 'supertest';
import { loadSettings } from '../config/settings.js';
import { importAttachmentFiles } from '../src/attachments/import-attachment-files.js';
import { PostgresAttachmentStore } from '../src/attachments/postgres-attachment.store.js';
import { LocalObjectStore } from './support/object-store.js';
import { refusedSettings } from './support/settings.js';
import { heic, jpeg, pdf, png, REPORT, sha256 } from './support/citizen-report.js';
import { bearer, startTestApp, TEST_PASSWORD, type TestApp } from './support/test-app.js';
import { freePort } from './support/wait.js';

/**
 * Attachments are kept where every instance reads them and a backup holds them (issue 12): two instances of the
 * application on one database, each with an UPLOAD_DIR of its own; what one takes in (citizens' photos, mail
 * attachments), the other serves, byte for byte, to staff who may read the ticket, with nothing kept on either disk.
 * In PostgreSQL (the default) and in an S3-compatible object store (a real one on 127.0.0.1: s3rver).
 */

const HOTLINE = 'tongdai1022@travinh.gov.vn';
/** The ticket REPORT makes is assigned to this unit (routing rule of the reference data). */
const REPORT_UNIT = 'UB-29401';
/** An acknowledgement to this address fails its transaction (see failAcknowledgementsTo): after the photos are kept. */
const FAILING_ADDRESS = 'giao-dich-that-bai@example.com';

interface Photo {
  buf: Buffer;
  name: string;
  type: string;
}

interface AttachmentJson {
  id: string;
  kind: string;
  filename: string | null;
  contentType: string | null;
  sizeBytes: number | null;
  downloadUrl: string | null;
  url: string | null;
}

/** Two instances of one deployment: A takes reports and mail in, B serves; each has its own UPLOAD_DIR. */
interface Deployment {
  a: TestApp;
  b: TestApp;
  dirA: string;
  dirB: string;
  mailPort: number;
  coordinator: string;
  close: () => Promise<void>;
}

async function deploy(env: Record<string, string> = {}): Promise<Deployment> {
  const dirA = await mkdtemp(join(tmpdir(), 'hotline-instance-a-'));
  const dirB = await mkdtemp(join(tmpdir(), 'hotline-instance-b-'));
  const mailPort = await freePort();
  const a = await startTestApp({
    env: {
      ...env, UPLOAD_DIR: dirA, PUBLIC_RATE_LIMIT_PER_MINUTE: '10000',
      MAIL_INBOUND_PORT: String(mailPort), MAIL_INBOUND_ADDRESSES: HOTLINE, MAIL_FROM: `"Tổng đài 1022" <${HOTLINE}>`,
    },
  });
  const b = await startTestApp({ alongside: a, env: { UPLOAD_DIR: dirB, MAIL_INBOUND_PORT: '0' } });
  return {
    a, b, dirA, dirB, mailPort,
    coordinator: await a.userToken('coordinator'),
    async close() {
      await b.close();
      await a.close();
      await Promise.all([dirA, dirB].map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** Every file under a directory (none when it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A report from the citizen app with these photos; its tracking code. */
async function report(app: TestApp, photos: Photo[], fields: Record<string, string> = REPORT): Promise<Response> {
  const req = app.http().post('/api/public/reports');
  for (const [k, v] of Object.entries(fields)) req.field(k, v);
  for (const p of photos) req.attach('attachments', p.buf, { filename: p.name, contentType: p.type });
  return req;
}

/** A citizen's mail to the hotline through instance A's SMTP listener; the ticket's code from the 250 answer. */
async function mail(d: Deployment, subject: string, attachments: Photo[]): Promise<string> {
  const sender = nodemailer.createTransport({ host: '127.0.0.1', port: d.mailPort, secure: false, ignoreTLS: true });
  try {
    const info = await sender.sendMail({
      from: '"Trần Văn Bình" <binh.tran@example.vn>', to: HOTLINE, subject, text: 'Kính gửi Tổng đài 1022, tôi gửi kèm đơn và ảnh.',
      attachments: attachments.map((f) => ({ filename: f.name, content: f.buf, contentType: f.type })),
    });
    const code = /PA-[2-9A-Z]{4}-[2-9A-Z]{4}/.exec(info.response)?.[0];
    if (!code) throw new Error(`the mail was not taken in: ${info.response}`);
    return code;
  } finally {
    sender.close();
  }
}

async function attachmentsOf(app: TestApp, token: string, code: string): Promise<AttachmentJson[]> {
  const res = await app.http().get(`/api/tickets/${code}`).set(bearer(token));
  expect(res.status).toBe(200);
  return res.body.attachments;
}

/** GET with the body as bytes, whatever its type. */
function getBytes(app: TestApp, path: string, headers: Record<string, string> = {}) {
  return app.http().get(path).set(headers).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

/** The attachment listed under this file name, with its bytes as instance `app` serves them. */
async function downloadByName(app: TestApp, token: string, list: AttachmentJson[], name: string): Promise<Response> {
  const entry = list.find((x) => x.filename === name);
  expect(entry?.downloadUrl).toEqual(expect.any(String));
  return getBytes(app, entry!.downloadUrl!, bearer(token));
}

/** A report with these photos through instance A, which keeps none on disk; then A's UPLOAD_DIR goes. Its code. */
async function photosThroughA(d: Deployment, photos: Photo[]): Promise<string> {
  const res = await report(d.a, photos);
  expect(res.status).toBe(201);
  expect(await filesUnder(d.dirA)).toEqual([]);
  expect(await filesUnder(d.dirB)).toEqual([]);
  await rm(d.dirA, { recursive: true, force: true });
  return res.body.code;
}

/** Instance B lists the ticket's photos and serves each, byte for byte, to staff; the list. */
async function expectServedByB(d: Deployment, code: string, photos: Photo[]): Promise<AttachmentJson[]> {
  const list = await attachmentsOf(d.b, d.coordinator, code);
  expect(list).toHaveLength(photos.length);
  for (const p of photos) {
    const entry = list.find((x) => x.filename === p.name)!;
    expect(entry).toEqual({
      id: expect.any(String), kind: 'image', filename: p.name, contentType: expect.stringMatching(/^image\//), sizeBytes: p.buf.length,
      downloadUrl: `/api/tickets/${code}/attachments/${entry.id}`, url: null,
    });
    const got = await downloadByName(d.b, d.coordinator, list, p.name);
    expect(got.status).toBe(200);
    expect(sha256(got.body)).toBe(sha256(p.buf));
    expect(got.headers['content-length']).toBe(String(p.buf.length));
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['cache-control']).toBe('private, no-store');
  }
  return list;
}

/**
 * Makes the acknowledgement to FAILING_ADDRESS fail, an error inside the ticket's transaction, once its photos are
 * in (rows and, in PostgreSQL, content: else the acknowledgement goes through and the report is taken).
 */
async function failAcknowledgementsTo(app: TestApp): Promise<() => Promise<void>> {
  await app.ds.query(`CREATE FUNCTION test_fail_ack() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.payload::text LIKE '%${FAILING_ADDRESS}%' AND EXISTS (SELECT 1 FROM attachments a WHERE a.ticket_id = NEW.ticket_id
           AND (a.storage = 's3' OR EXISTS (SELECT 1 FROM attachment_contents c WHERE c.attachment_id = a.id))) THEN
        RAISE EXCEPTION 'test: the transaction fails after the photos';
      END IF;
      RETURN NEW;
    END $$`);
  await app.ds.query(`CREATE TRIGGER test_fail_ack BEFORE INSERT ON outbox_messages FOR EACH ROW EXECUTE FUNCTION test_fail_ack()`);
  return async () => {
    await app.ds.query(`DROP TRIGGER test_fail_ack ON outbox_messages`);
    await app.ds.query(`DROP FUNCTION test_fail_ack()`);
  };
}

const count = async (app: TestApp, table: string) => Number((await app.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

const PHOTOS = (): Photo[] => [
  { buf: jpeg(2500), name: 'ảnh hiện trường.jpg', type: 'image/jpeg' },
  { buf: png(1800), name: 'chụp màn hình.png', type: 'image/png' },
  // phones often send HEIC as octet-stream: the first bytes decide, and decide the type it is served with
  { buf: heic(1200), name: 'IMG_0042.HEIC', type: 'application/octet-stream' },
];

describe('attachment store settings', () => {
  const problems = (env: Record<string, string>) => refusedSettings(env).problems;
  const s3 = { ATTACHMENT_STORAGE: 's3', S3_BUCKET: 'tep-dinh-kem', S3_ACCESS_KEY_ID: 'AKIA1022', S3_SECRET_ACCESS_KEY: 'bi-mat' };

  it('keeps attachments in PostgreSQL by default, in S3 when the settings say so', () => {
    expect(loadSettings({}).ATTACHMENT_STORAGE).toBe('postgres');
    expect(loadSettings({ ...s3, S3_ENDPOINT: 'http://127.0.0.1:9000', S3_FORCE_PATH_STYLE: 'true' }))
      .toMatchObject({ ATTACHMENT_STORAGE: 's3', S3_BUCKET: 'tep-dinh-kem', S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: true });
  });

  it('refuses to start with a bad combination, naming each setting', () => {
    expect(problems({ ATTACHMENT_STORAGE: 's3' })).toEqual([
      'S3_BUCKET: is required when ATTACHMENT_STORAGE=s3',
      'S3_ACCESS_KEY_ID: is required when ATTACHMENT_STORAGE=s3',
      'S3_SECRET_ACCESS_KEY: is required when ATTACHMENT_STORAGE=s3',
    ]);
    expect(problems({ S3_BUCKET: 'tep-dinh-kem' })).toEqual([expect.stringMatching(/^S3_BUCKET: is set but ATTACHMENT_STORAGE=postgres/)]);
    expect(problems({ ATTACHMENT_STORAGE: 'disk' })).toEqual([expect.stringMatching(/^ATTACHMENT_STORAGE="disk": ATTACHMENT_STORAGE must be one of/)]);
    expect(problems({ ...s3, S3_BUCKET: 'Tệp_Đính_Kèm' })).toEqual([expect.stringMatching(/^S3_BUCKET="Tệp_Đính_Kèm": must be a bucket name/)]);
    expect(problems({ ...s3, S3_ENDPOINT: 's3.example.gov.vn' })).toEqual([expect.stringMatching(/^S3_ENDPOINT="s3.example.gov.vn": must be a URL like/)]);
    // the secret is never shown
    expect(problems({ ATTACHMENT_STORAGE: 's3', S3_SECRET_ACCESS_KEY: 'bi-mat-lam', S3_BUCKET: 'x' }).join('\n')).not.toContain('bi-mat-lam');
  });
});

describe('attachments in PostgreSQL, shared by two instances (e2e)', () => {
  let d: Deployment;

  beforeAll(async () => {
    d = await deploy();
  });
  afterAll(async () => {
    await d?.close();
  });

  it('photos taken in by instance A are served by instance B, byte for byte, after A\'s UPLOAD_DIR is gone', async () => {
    const photos = PHOTOS();
    const code = await photosThroughA(d, photos);
    const list = await expectServedByB(d, code, photos);
    const jpg = await downloadByName(d.b, d.coordinator, list, 'ảnh hiện trường.jpg');
    expect(jpg.headers['content-type']).toBe('image/jpeg');
    expect(jpg.headers['content-disposition'])
      .toBe(`inline; filename="anh hien truong.jpg"; filename*=UTF-8''%E1%BA%A3nh%20hi%E1%BB%87n%20tr%C6%B0%E1%BB%9Dng.jpg`);
    expect((await downloadByName(d.b, d.coordinator, list, 'IMG_0042.HEIC')).headers['content-type']).toBe('image/heic');

    // the bytes are in PostgreSQL, beside the metadata row
    const rows: Array<{ filename: string; storage: string; storage_path: string | null; hash: string }> = await d.b.ds.query(
      `SELECT a.filename, a.storage, a.storage_path, encode(sha256(c.content), 'hex') AS hash
         FROM attachments a JOIN tickets t ON t.id = a.ticket_id JOIN attachment_contents c ON c.attachment_id = a.id WHERE t.code = $1`, [code]);
    expect(rows.map((r) => [r.filename, r.storage, r.storage_path, r.hash]).sort())
      .toEqual(photos.map((p) => [p.name, 'postgres', null, sha256(p.buf)]).sort());
  });

  it('a mail attachment taken in by instance A is served by instance B: a document as a download under its Vietnamese name', async () => {
    const doc = { buf: pdf(), name: 'Đơn kiến nghị.pdf', type: 'application/pdf' };
    const photo = { buf: png(900), name: 'ảnh cống.png', type: 'image/png' };
    const code = await mail(d, 'Cống bị vỡ ở khóm 3', [doc, photo]);
    const list = await attachmentsOf(d.b, d.coordinator, code);
    expect(list.map((x) => [x.filename, x.kind, x.contentType]).sort()).toEqual([['Đơn kiến nghị.pdf', 'file', 'application/pdf'], ['ảnh cống.png', 'image', 'image/png']].sort());

    const got = await downloadByName(d.b, d.coordinator, list, doc.name);
    expect(got.status).toBe(200);
    expect(got.body.equals(doc.buf)).toBe(true);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toBe(`attachment; filename="Don kien nghi.pdf"; filename*=UTF-8''%C4%90%C6%A1n%20ki%E1%BA%BFn%20ngh%E1%BB%8B.pdf`);
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    const img = await downloadByName(d.b, d.coordinator, list, photo.name);
    expect(img.body.equals(photo.buf)).toBe(true);
    expect(img.headers['content-disposition']).toMatch(/^inline; /);
    expect(await filesUnder(d.dirA)).toEqual([]);
  });

  it('reads an attachment exactly as its ticket: its unit and the province 200, another unit 404, anonymous 401', async () => {
    const photo = { buf: jpeg(), name: 'đèn đường.jpg', type: 'image/jpeg' };
    const code = (await report(d.a, [photo])).body.code as string;
    const other = (await report(d.a, [])).body.code as string;
    const [{ id }] = await attachmentsOf(d.a, d.coordinator, code);
    const path = `/api/tickets/${code}/attachments/${id}`;
    const ownUnit = `staff-${randomUUID().slice(0, 8)}`;
    const otherUnit = `staff-${randomUUID().slice(0, 8)}`;
    const tokens = {
      ownUnit: await d.a.userToken('unit_staff', REPORT_UNIT, ownUnit),
      otherUnit: await d.a.userToken('unit_staff', 'SO-YTE', otherUnit),
      leader: await d.a.userToken('leader'),
      operator: await d.a.userToken('operator'),
    };
    for (const token of [tokens.ownUnit, tokens.leader, tokens.operator]) {
      const res = await getBytes(d.b, path, bearer(token));
      expect(res.status).toBe(200);
      expect(res.body.equals(photo.buf)).toBe(true);
    }
    // a ticket one may not read: the same 404 as for the ticket itself
    const refused = await d.b.http().get(path).set(bearer(tokens.otherUnit));
    expect(refused.status).toBe(404);
    expect(refused.body.message).toBe(`Không tìm thấy phản ánh mã "${code}".`);
    expect((await d.b.http().get(`/api/tickets/${code}`).set(bearer(tokens.otherUnit))).status).toBe(404);
    expect((await d.b.http().get(path)).status).toBe(401);
    // the attachment through another ticket's code, an unknown id, something that is no id at all
    for (const wrong of [`/api/tickets/${other}/attachments/${id}`, `/api/tickets/${code}/attachments/${randomUUID()}`, `/api/tickets/${code}/attachments/khong-phai-ma`]) {
      const res = await d.b.http().get(wrong).set(bearer(d.coordinator));
      expect([wrong, res.status]).toEqual([wrong, 404]);
    }

    // with the staff pages' session instead of a token
    const signIn = async (username: string) => {
      const res = await d.b.http().post('/dang-nhap').type('form').send({ username, password: TEST_PASSWORD });
      return (res.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    };
    const page = `/tickets/${code}/tep-dinh-kem/${id}`;
    const viaPage = await getBytes(d.b, page, { Cookie: await signIn(ownUnit) });
    expect(viaPage.status).toBe(200);
    expect(viaPage.body.equals(photo.buf)).toBe(true);
    expect(viaPage.headers['content-type']).toBe('image/jpeg');
    expect((await d.b.http().get(page).set('Cookie', await signIn(otherUnit))).status).toBe(404);
    const anonymous = await d.b.http().get(page);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe(`/dang-nhap?next=${encodeURIComponent(page)}`);
  });

  it('nothing is half-written: a report whose transaction fails after its photos leaves neither ticket nor photo', async () => {
    const before = await Promise.all(['tickets', 'attachments', 'attachment_contents'].map((t) => count(d.a, t)));
    const restore = await failAcknowledgementsTo(d.a);
    try {
      const res = await report(d.a, PHOTOS(), { ...REPORT, email: FAILING_ADDRESS });
      expect(res.status).toBe(500);
    } finally {
      await restore();
    }
    expect(await Promise.all(['tickets', 'attachments', 'attachment_contents'].map((t) => count(d.a, t)))).toEqual(before);
    expect(await filesUnder(d.dirA)).toEqual([]);
  });

  it('import-attachment-files moves what earlier versions kept under UPLOAD_DIR into the store; then any instance serves it', async () => {
    const code = (await report(d.a, [])).body.code as string;
    const [{ id: ticketId }] = await d.a.ds.query(`SELECT id FROM tickets WHERE code = $1`, [code]);
    const kept = jpeg(3000);
    const changed = png(700);
    const legacy = (name: string, path: string, buf: Buffer, hash = sha256(buf)) => d.a.ds.query(
      `INSERT INTO attachments (ticket_id, kind, filename, content_type, size_bytes, storage_path, data, created_at)
       VALUES ($1, 'image', $2, $3, $4, $5, $6, now()) RETURNING id`,
      [ticketId, name, name.endsWith('.png') ? 'image/png' : 'image/jpeg', buf.length, path, { sha256: hash }]).then((r) => r[0].id as string);
    await mkdir(join(d.dirB, '2025/11'), { recursive: true });
    await writeFile(join(d.dirB, '2025/11/cu.jpg'), kept);
    await writeFile(join(d.dirB, '2025/11/doi.png'), changed);
    const keptId = await legacy('ảnh cũ.jpg', '2025/11/cu.jpg', kept);
    const goneId = await legacy('mất.jpg', '2025/11/mat.jpg', jpeg());
    const changedId = await legacy('đổi.png', '2025/11/doi.png', changed, sha256(png(700)));

    // before: listed, but not yet served
    expect((await attachmentsOf(d.a, d.coordinator, code)).map((x) => x.downloadUrl)).toEqual([null, null, null]);
    expect((await d.a.http().get(`/api/tickets/${code}/attachments/${keptId}`).set(bearer(d.coordinator))).status).toBe(404);

    const store = new PostgresAttachmentStore();
    const result = await importAttachmentFiles(d.b.ds, store, d.dirB);
    expect(result).toEqual({
      imported: 1,
      missing: [{ id: goneId, path: join(d.dirB, '2025/11/mat.jpg') }],
      changed: [{ id: changedId, path: join(d.dirB, '2025/11/doi.png'), reason: 'SHA-256 differs from the one recorded' }],
    });
    // moved: the file is gone from the disk, the one not taken stays
    expect(await filesUnder(d.dirB)).toEqual([join(d.dirB, '2025/11/doi.png')]);
    const got = await downloadByName(d.a, d.coordinator, await attachmentsOf(d.a, d.coordinator, code), 'ảnh cũ.jpg');
    expect(got.status).toBe(200);
    expect(got.body.equals(kept)).toBe(true);
    expect(await d.a.ds.query(`SELECT storage, storage_path FROM attachments WHERE id = $1`, [keptId])).toEqual([{ storage: 'postgres', storage_path: null }]);
    // again: nothing more to move, the same files reported
    expect(await importAttachmentFiles(d.b.ds, store, d.dirB)).toEqual({ ...result, imported: 0 });
  });
});

describe('attachments in an S3-compatible object store, shared by two instances (e2e)', () => {
  let s3: LocalObjectStore;
  let d: Deployment;

  beforeAll(async () => {
    s3 = await LocalObjectStore.start();
    d = await deploy(s3.env);
  });
  afterAll(async () => {
    await d?.close();
    await s3?.close();
  });

  it('photos taken in by instance A are served by instance B from the bucket; nothing in PostgreSQL, nothing on disk', async () => {
    const photos = PHOTOS();
    const code = await photosThroughA(d, photos);
    const list = await expectServedByB(d, code, photos);
    // each object is keyed by its attachment's id
    for (const p of photos) {
      const { id } = list.find((x) => x.filename === p.name)!;
      expect(sha256((await s3.object(`attachments/${id}`))!)).toBe(sha256(p.buf));
    }
    const rows = await d.b.ds.query(
      `SELECT a.storage, a.storage_path, c.attachment_id FROM attachments a JOIN tickets t ON t.id = a.ticket_id
         LEFT JOIN attachment_contents c ON c.attachment_id = a.id WHERE t.code = $1`, [code]);
    expect(rows).toEqual(photos.map(() => ({ storage: 's3', storage_path: null, attachment_id: null })));
    expect(await filesUnder(d.dirB)).toEqual([]);
  });

  it('a mail attachment taken in by instance A is served by instance B from the bucket', async () => {
    const doc = { buf: pdf(), name: 'Biên bản.pdf', type: 'application/pdf' };
    const code = await mail(d, 'Biên bản hiện trường', [doc]);
    const list = await attachmentsOf(d.b, d.coordinator, code);
    const got = await downloadByName(d.b, d.coordinator, list, doc.name);
    expect(got.status).toBe(200);
    expect(got.body.equals(doc.buf)).toBe(true);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toMatch(/^attachment; filename="Bien ban.pdf"; filename\*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n.pdf$/);
    expect(await s3.object(`attachments/${list[0].id}`)).toEqual(doc.buf);
  });

  it('nothing is half-written: the objects of a transaction that fails after them are deleted again', async () => {
    const keys = await s3.keys();
    const tickets = await count(d.a, 'tickets');
    const seen = s3.events.length;
    const restore = await failAcknowledgementsTo(d.a);
    try {
      expect((await report(d.a, PHOTOS(), { ...REPORT, email: FAILING_ADDRESS })).status).toBe(500);
    } finally {
      await restore();
    }
    expect(await count(d.a, 'tickets')).toBe(tickets);
    // three objects were written before the commit was tried, and the same three removed after it failed
    const events = s3.events.slice(seen);
    const written = events.filter((e) => e.startsWith('ObjectCreated:')).map((e) => e.split(' ')[1]);
    expect(written).toHaveLength(3);
    expect(events.filter((e) => e.startsWith('ObjectRemoved:')).map((e) => e.split(' ')[1]).sort()).toEqual([...written].sort());
    expect(await s3.keys()).toEqual(keys);
  });

  it('a store that refuses the upload (a wrong secret key) refuses the report: no ticket, no object', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hotline-instance-c-'));
    const c = await startTestApp({ alongside: d.a, env: { S3_SECRET_ACCESS_KEY: 'khong-phai-khoa-nay', UPLOAD_DIR: dir, MAIL_INBOUND_PORT: '0' } });
    try {
      const keys = await s3.keys();
      const tickets = await count(c, 'tickets');
      expect((await report(c, [PHOTOS()[0]])).status).toBe(500);
      expect(await count(c, 'tickets')).toBe(tickets);
      expect(await s3.keys()).toEqual(keys);
      expect(await filesUnder(dir)).toEqual([]);
    } finally {
      await c.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('attachments kept in PostgreSQL before the move to S3 stay readable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hotline-instance-c-'));
    const unset = { S3_ENDPOINT: '', S3_BUCKET: '', S3_ACCESS_KEY_ID: '', S3_SECRET_ACCESS_KEY: '' };
    const before = await startTestApp({ alongside: d.a, env: { ...unset, ATTACHMENT_STORAGE: 'postgres', UPLOAD_DIR: dir, MAIL_INBOUND_PORT: '0' } });
    try {
      const photo = PHOTOS()[1];
      const code = (await report(before, [photo])).body.code as string;
      const list = await attachmentsOf(d.b, d.coordinator, code);
      expect(await d.b.ds.query(`SELECT storage FROM attachments WHERE id = $1`, [list[0].id])).toEqual([{ storage: 'postgres' }]);
      const got = await downloadByName(d.b, d.coordinator, list, photo.name);
      expect(got.status).toBe(200);
      expect(got.body.equals(photo.buf)).toBe(true);
    } finally {
      await before.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
