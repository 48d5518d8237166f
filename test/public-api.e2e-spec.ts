import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heic, jpeg, pdf, png, REPORT, sha256, webp } from './support/citizen-report.js';
import { bearer, startTestApp, type TestApp } from './support/test-app.js';

/**
 * The citizen app's public API end to end (real app, PostgreSQL, Redis, temporary files on disk): reports with and
 * without photos, refused photos leaving nothing behind, tracking that cannot be used to probe codes, the public
 * timeline, app installations, the body limit and the per-client rate limit (shared by instances through Redis).
 */

const CODE = /^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
const MAX_BYTES = 4096;

/** Every file under a directory, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('citizen app public API (e2e)', () => {
  let t: TestApp;
  let uploadDir: string;

  beforeAll(async () => {
    uploadDir = await mkdtemp(join(tmpdir(), 'hotline-uploads-'));
    // what a crash in the middle of an upload two hours ago left behind
    await mkdir(join(uploadDir, '.incoming'));
    await writeFile(join(uploadDir, '.incoming', 'abandoned'), jpeg());
    await utimes(join(uploadDir, '.incoming', 'abandoned'), new Date(Date.now() - 7200_000), new Date(Date.now() - 7200_000));
    t = await startTestApp({ env: { UPLOAD_DIR: uploadDir, UPLOAD_MAX_BYTES: String(MAX_BYTES), PUBLIC_RATE_LIMIT_PER_MINUTE: '10000' } });
  });
  afterAll(async () => {
    await t?.close();
    await rm(uploadDir, { recursive: true, force: true });
  });

  const ticketCount = async () => Number((await t.ds.query('SELECT count(*)::int AS n FROM tickets'))[0].n);
  const attachmentCount = async () => Number((await t.ds.query('SELECT (SELECT count(*) FROM attachments) + (SELECT count(*) FROM attachment_contents) AS n'))[0].n);
  const multipart = (fields: Record<string, string> = REPORT) => {
    const req = t.http().post('/api/public/reports');
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    return req;
  };

  it('removes uploads abandoned in UPLOAD_DIR/.incoming at start-up', async () => {
    for (let i = 0; i < 50 && (await filesUnder(uploadDir)).length; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await filesUnder(uploadDir)).toEqual([]);
  });

  describe('POST /api/public/reports', () => {
    it('creates an app ticket from JSON without photos, routed, with a deadline and an acknowledgement by e-mail', async () => {
      const res = await t.http().post('/api/public/reports').send({ ...REPORT, phone: '091 234 5678', email: 'Be.Nguyen@Example.com' });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body)).toEqual(['code']);
      expect(res.body.code).toMatch(CODE);
      const [row] = await t.ds.query(
        `SELECT channel, status, reporter_name, reporter_phone, reporter_email, area_code, category_code, assigned_unit_code, due_at, content
           FROM tickets WHERE code = $1`, [res.body.code]);
      expect(row).toMatchObject({
        channel: 'app', status: 'assigned', reporter_name: 'Nguyễn Thị Bé', reporter_phone: '+84912345678', reporter_email: 'be.nguyen@example.com',
        area_code: '29401', category_code: 'AN-SINH', assigned_unit_code: 'UB-29401', content: REPORT.content,
      });
      expect(row.due_at).not.toBeNull();
      const outbox = await t.ds.query(`SELECT channel, payload FROM outbox_messages WHERE ticket_id = (SELECT id FROM tickets WHERE code = $1)`, [res.body.code]);
      expect(outbox).toHaveLength(1);
      expect(outbox[0].channel).toBe('email');
      expect(outbox[0].payload.to).toEqual(['be.nguyen@example.com']);
      expect(outbox[0].payload.text).toContain(res.body.code);
    });

    it('accepts an e-mail instead of a phone, and refuses a report with neither (both fields named)', async () => {
      const { phone: _phone, ...withoutPhone } = REPORT;
      const ok = await t.http().post('/api/public/reports').send({ ...withoutPhone, email: 'nguoidan@example.com' });
      expect(ok.status).toBe(201);
      const before = await ticketCount();
      const res = await t.http().post('/api/public/reports').send(withoutPhone);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'phone']);
      expect(res.body.errors[0].reason).toMatch(/số điện thoại hoặc e-mail/);
      expect(await ticketCount()).toBe(before);
    });

    it('refuses invalid fields with Vietnamese reasons per field', async () => {
      const res = await t.http().post('/api/public/reports').send({ fullName: '', phone: '12345', content: 'x', areaCode: '99999', extra: 1 });
      expect(res.status).toBe(400);
      const byField = Object.fromEntries(res.body.errors.map((e: { field: string; reason: string }) => [e.field, e.reason]));
      expect(byField.fullName).toBe('không được để trống');
      expect(byField.phone).toMatch(/không phải số điện thoại Việt Nam hợp lệ/);
      expect(byField.extra).toBe('trường này không được chấp nhận');
      const unknownArea = await t.http().post('/api/public/reports').send({ ...REPORT, areaCode: '99999' });
      expect(unknownArea.status).toBe(400);
      expect(unknownArea.body.errors).toEqual([{ field: 'areaCode', reason: 'không có khu vực mã "99999"' }]);
      const inline = await t.http().post('/api/public/reports').send({ ...REPORT, attachments: ['data:image/jpeg;base64,AAAA'] });
      expect(inline.status).toBe(400);
      expect(inline.body.errors[0].field).toBe('attachments');
    });

    it('keeps photos (JPEG, PNG, WebP, HEIC) in PostgreSQL with their type, size and sha256; nothing under UPLOAD_DIR', async () => {
      const photos = [
        { buf: jpeg(), name: 'ảnh hiện trường.jpg', type: 'image/jpeg', expect: 'image/jpeg' },
        { buf: png(), name: 'chup-man-hinh.png', type: 'image/png', expect: 'image/png' },
        { buf: webp(), name: 'anh.webp', type: 'image/webp', expect: 'image/webp' },
        // phones often send HEIC as octet-stream: the first bytes decide
        { buf: heic(), name: 'IMG_0042.HEIC', type: 'application/octet-stream', expect: 'image/heic' },
      ];
      const req = multipart();
      for (const p of photos) req.attach('attachments', p.buf, { filename: p.name, contentType: p.type });
      const res = await req;
      expect(res.status).toBe(201);
      expect(res.body.code).toMatch(CODE);
      const rows: Array<{ kind: string; filename: string; content_type: string; size_bytes: number; storage: string; storage_path: string | null; data: { sha256: string }; content: Buffer }> =
        await t.ds.query(
          `SELECT a.kind, a.filename, a.content_type, a.size_bytes, a.storage, a.storage_path, a.data, c.content
             FROM attachments a JOIN tickets t ON t.id = a.ticket_id JOIN attachment_contents c ON c.attachment_id = a.id
            WHERE t.code = $1 ORDER BY a.size_bytes DESC`, [res.body.code]);
      expect(rows).toHaveLength(4);
      const [row] = await t.ds.query(`SELECT channel FROM tickets WHERE code = $1`, [res.body.code]);
      expect(row.channel).toBe('app');
      for (const p of photos) {
        const r = rows.find((x) => x.filename === p.name)!;
        expect(r).toMatchObject({ kind: 'image', content_type: p.expect, size_bytes: p.buf.length, storage: 'postgres', storage_path: null, data: { sha256: sha256(p.buf) } });
        expect(r.content.equals(p.buf)).toBe(true);
      }
      // the attachment's row holds the metadata only; its content has a table of its own
      const cols = await t.ds.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'attachments' AND data_type = 'bytea'`);
      expect(cols).toEqual([]);
      // nothing is kept on disk, the temporary files included
      expect(await filesUnder(uploadDir)).toEqual([]);
    });

    describe('refused photos create no ticket and leave no file', () => {
      let before: number;
      let attachmentsBefore: number;
      beforeEach(async () => {
        before = await ticketCount();
        attachmentsBefore = await attachmentCount();
      });
      afterEach(async () => {
        expect(await ticketCount()).toBe(before);
        expect(await attachmentCount()).toBe(attachmentsBefore);
        expect(await filesUnder(uploadDir)).toEqual([]);
      });

      it('a PDF declared as such: 400 naming the field', async () => {
        const res = await multipart().attach('attachments', pdf(), { filename: 'don.pdf', contentType: 'application/pdf' });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ field: 'attachments', reason: '"don.pdf" không phải ảnh JPEG, PNG, WebP hoặc HEIC' }]);
        expect(res.body.message).toBe('Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC.');
      });

      it('a PDF dressed up as a JPEG, after a good photo: 400, and the good photo is removed too', async () => {
        const res = await multipart()
          .attach('attachments', jpeg(), { filename: 'that.jpg', contentType: 'image/jpeg' })
          .attach('attachments', pdf(), { filename: 'gia.jpg', contentType: 'image/jpeg' });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ field: 'attachments', reason: '"gia.jpg" không phải ảnh JPEG, PNG, WebP hoặc HEIC' }]);
      });

      it('a photo larger than UPLOAD_MAX_BYTES, after a good photo: 413 naming the field', async () => {
        const res = await multipart()
          .attach('attachments', png(), { filename: 'nho.png', contentType: 'image/png' })
          .attach('attachments', jpeg(MAX_BYTES + 1), { filename: 'lon.jpg', contentType: 'image/jpeg' });
        expect(res.status).toBe(413);
        expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
        expect(res.body.message).toBe('Ảnh gửi lên quá lớn: mỗi ảnh tối đa 4 KB.');
        expect(res.body.errors).toEqual([{ field: 'attachments', reason: `"lon.jpg" lớn hơn 4 KB (${MAX_BYTES} byte)` }]);
      });

      it('a photo of exactly UPLOAD_MAX_BYTES is accepted (the limit is inclusive)', async () => {
        const res = await multipart().attach('attachments', jpeg(MAX_BYTES), { filename: 'vua.jpg', contentType: 'image/jpeg' });
        expect(res.status).toBe(201);
        // this one is kept: the afterEach expectations do not apply
        before += 1;
        attachmentsBefore += 2;
      });

      it('more than 5 photos: 400 naming the field', async () => {
        const req = multipart();
        for (let i = 0; i < 6; i++) req.attach('attachments', jpeg(), { filename: `anh${i}.jpg`, contentType: 'image/jpeg' });
        const res = await req;
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ field: 'attachments', reason: 'gửi tối đa 5 ảnh' }]);
      });

      it('a file in another field: 400 naming that field', async () => {
        const res = await multipart().attach('photo', jpeg(), { filename: 'a.jpg', contentType: 'image/jpeg' });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ field: 'photo', reason: 'không nhận tệp ở trường này; ảnh gửi trong trường "attachments"' }]);
      });

      it('good photos with invalid fields (refused by the validation pipe or the service): 400, photos removed', async () => {
        const bad = await multipart({ ...REPORT, phone: 'abc' }).attach('attachments', jpeg(), { filename: 'a.jpg', contentType: 'image/jpeg' });
        expect(bad.status).toBe(400);
        expect(bad.body.errors[0].field).toBe('phone');
        const { phone: _p, ...noContact } = REPORT;
        const none = await multipart(noContact).attach('attachments', png(), { filename: 'b.png', contentType: 'image/png' });
        expect(none.status).toBe(400);
        const area = await multipart({ ...REPORT, areaCode: '00000' }).attach('attachments', png(), { filename: 'c.png', contentType: 'image/png' });
        expect(area.status).toBe(400);
        expect(area.body.errors).toEqual([{ field: 'areaCode', reason: 'không có khu vực mã "00000"' }]);
      });
    });
  });

  describe('POST /api/public/reports with Idempotency-Key (retries after a timeout)', () => {
    const key = () => `retry-${randomBytes(12).toString('hex')}`;
    const report = (tag: string) => ({ ...REPORT, email: 'nguoidan@example.com', content: `${REPORT.content} (${tag})` });
    const ticketsWith = async (content: string) =>
      Number((await t.ds.query('SELECT count(*)::int AS n FROM tickets WHERE content = $1', [content]))[0].n);
    const acks = async (code: string) =>
      t.ds.query(`SELECT channel, dedupe_key FROM outbox_messages WHERE ticket_id = (SELECT id FROM tickets WHERE code = $1)`, [code]);

    it('the same key twice: one ticket, one acknowledgement, 201 then 200 with the same body', async () => {
      const k = key();
      const body = report('gửi lại sau khi hết thời gian chờ');
      const first = await t.http().post('/api/public/reports').set('Idempotency-Key', k).send(body);
      expect(first.status).toBe(201);
      expect(first.body.code).toMatch(CODE);
      const again = await t.http().post('/api/public/reports').set('Idempotency-Key', k).send(body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await ticketsWith(body.content)).toBe(1);
      expect(await acks(first.body.code)).toEqual([{ channel: 'email', dedupe_key: expect.stringMatching(/^ack:/) }]);
      const sources = await t.ds.query(
        `SELECT s.channel, s.external_id, s.sender_id FROM ticket_sources s JOIN tickets t ON t.id = s.ticket_id WHERE t.code = $1`, [first.body.code]);
      expect(sources).toEqual([{ channel: 'app', external_id: k, sender_id: null }]);
      // the ticket is whole: the repetition added no event either
      const events = await t.ds.query(`SELECT type FROM ticket_events WHERE ticket_id = (SELECT id FROM tickets WHERE code = $1)`, [first.body.code]);
      expect(events).toEqual([{ type: 'created' }]);
    });

    it('the same key twice at the same time (Promise.all): one ticket, one acknowledgement, the same code', async () => {
      const k = key();
      const body = report('hai yêu cầu cùng lúc');
      const before = await ticketCount();
      const [a, b] = await Promise.all([0, 1].map(() => t.http().post('/api/public/reports').set('Idempotency-Key', k).send(body)));
      expect([a.status, b.status].sort()).toEqual([200, 201]);
      expect(a.body.code).toMatch(CODE);
      expect(b.body).toEqual(a.body);
      expect(await ticketCount()).toBe(before + 1);
      expect(await ticketsWith(body.content)).toBe(1);
      expect(await acks(a.body.code)).toHaveLength(1);
    });

    it('with photos, the same key three times, two of them at once: the first request\'s photos are kept, the others\' removed', async () => {
      const k = key();
      const fields = { ...report('có ảnh'), email: 'nguoidan@example.com' };
      const photo = jpeg();
      const attachmentsBefore = await attachmentCount();
      const send = () => {
        const req = t.http().post('/api/public/reports').set('Idempotency-Key', k);
        for (const [f, v] of Object.entries(fields)) req.field(f, v);
        return req.attach('attachments', photo, { filename: 'hien-truong.jpg', contentType: 'image/jpeg' })
          .attach('attachments', png(), { filename: 'them.png', contentType: 'image/png' });
      };
      const [a, b] = await Promise.all([send(), send()]);
      const c = await send();
      expect([a.status, b.status, c.status].sort()).toEqual([200, 200, 201]);
      expect(new Set([a.body.code, b.body.code, c.body.code]).size).toBe(1);
      const code = a.body.code;
      expect(await ticketsWith(fields.content)).toBe(1);
      expect(await acks(code)).toHaveLength(1);
      const rows: Array<{ data: { sha256: string }; content: Buffer }> = await t.ds.query(
        `SELECT a.data, c.content FROM attachments a JOIN tickets t ON t.id = a.ticket_id JOIN attachment_contents c ON c.attachment_id = a.id
          WHERE t.code = $1`, [code]);
      expect(rows).toHaveLength(2);
      expect(rows.map((r) => r.data.sha256)).toContain(sha256(photo));
      expect(rows.map((r) => sha256(r.content)).sort()).toEqual(rows.map((r) => r.data.sha256).sort());
      // exactly the first request's two photos were kept; nothing left on disk, no orphan anywhere
      expect(await attachmentCount()).toBe(attachmentsBefore + 4);
      expect(await filesUnder(uploadDir)).toEqual([]);
    });

    it('different keys are different reports; no key at all is a new report every time', async () => {
      const body = report('hai phản ánh khác nhau');
      const one = await t.http().post('/api/public/reports').set('Idempotency-Key', key()).send(body);
      const two = await t.http().post('/api/public/reports').set('Idempotency-Key', key()).send(body);
      expect([one.status, two.status]).toEqual([201, 201]);
      expect(one.body.code).not.toBe(two.body.code);
      const three = await t.http().post('/api/public/reports').send(body);
      const four = await t.http().post('/api/public/reports').send(body);
      expect([three.status, four.status]).toEqual([201, 201]);
      expect(three.body.code).not.toBe(four.body.code);
      expect(await ticketsWith(body.content)).toBe(4);
      for (const code of [one.body.code, two.body.code, three.body.code, four.body.code]) expect(await acks(code)).toHaveLength(1);
    });

    it('a malformed key: 400 naming the header in Vietnamese, nothing created, no file kept', async () => {
      const before = await ticketCount();
      const attachmentsBefore = await attachmentCount();
      for (const bad of ['', 'ngan', 'a'.repeat(129), 'khóa-khách-hàng' /* letters with accents (Latin-1, as HTTP allows) */, 'co khoang trang', 'abc.def/ghi', 'abcdefgh, abcdefgh']) {
        const res = await t.http().post('/api/public/reports').set('Idempotency-Key', bad).send(report('khóa sai'));
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'Tiêu đề Idempotency-Key không hợp lệ.' });
        expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', reason: 'phải gồm 8 đến 128 ký tự chữ (không dấu), số, "_" hoặc "-"' }]);
      }
      const withPhoto = await multipart(report('khóa sai, có ảnh')).set('Idempotency-Key', 'ngan')
        .attach('attachments', jpeg(), { filename: 'a.jpg', contentType: 'image/jpeg' });
      expect(withPhoto.status).toBe(400);
      expect(withPhoto.body.errors[0].field).toBe('Idempotency-Key');
      // the limits are inclusive
      for (const ok of ['a'.repeat(8), `${'A1_-'.repeat(32)}`]) {
        const res = await t.http().post('/api/public/reports').set('Idempotency-Key', ok).send(report(`khóa ${ok.length} ký tự`));
        expect(res.status).toBe(201);
      }
      expect(await ticketCount()).toBe(before + 2);
      expect(await attachmentCount()).toBe(attachmentsBefore);
      expect(await filesUnder(uploadDir)).toEqual([]);
    });

    it('is documented in the OpenAPI description', async () => {
      const doc = await t.http().get('/docs-json');
      expect(doc.status).toBe(200);
      const op = doc.body.paths['/api/public/reports'].post;
      const header = op.parameters.find((p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect(header).toMatchObject({ required: false, schema: { type: 'string', minLength: 8, maxLength: 128 } });
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '201', '400']));
    });
  });

  describe('GET /api/public/reports/:code', () => {
    let code: string;
    beforeAll(async () => {
      const res = await t.http().post('/api/public/reports').send(REPORT).expect(201);
      code = res.body.code;
    });

    it('shows the status in Vietnamese, the unit, the receipt time, what was sent and the deadline with the right phone in any usual form', async () => {
      const [{ due_at: dueAt }] = await t.ds.query(`SELECT due_at FROM tickets WHERE code = $1`, [code]);
      expect(dueAt).not.toBeNull();
      for (const phone of ['0912345678', '+84912345678', '0912.345.678']) {
        const res = await t.http().get(`/api/public/reports/${code}`).query({ phone });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          code, status: 'assigned', statusLabel: 'Đã chuyển đơn vị xử lý', unit: 'UBND xã Hòa Lợi',
          receivedAt: '2026-03-02T02:00:00.000Z',
          content: REPORT.content,
          dueAt: dueAt.toISOString(),
          overdue: false,
          timeline: [
            { at: '2026-03-02T02:00:00.000Z', label: 'Tổng đài 1022 đã tiếp nhận phản ánh' },
          ],
          answer: null,
          duplicateOutcome: null,
        });
      }
      // past the deadline and still open: overdue
      const now = t.clock.now();
      t.clock.set(new Date(dueAt.getTime() + 60_000).toISOString());
      const late = await t.http().get(`/api/public/reports/${code}`).query({ phone: '0912345678' }).expect(200);
      expect(late.body).toMatchObject({ dueAt: dueAt.toISOString(), overdue: true });
      t.clock.set(now.toISOString());
      // the code as a person types it
      const typed = await t.http().get(`/api/public/reports/${code.toLowerCase()}`).query({ phone: '0912345678' });
      expect(typed.status).toBe(200);
    });

    it('answers a wrong phone exactly like an unknown code', async () => {
      const wrongPhone = await t.http().get(`/api/public/reports/${code}`).query({ phone: '0987654321' });
      const unknownCode = await t.http().get('/api/public/reports/PA-2222-2222').query({ phone: '0912345678' });
      const badPhone = await t.http().get(`/api/public/reports/${code}`).query({ phone: 'không biết' });
      const badCode = await t.http().get('/api/public/reports/khong-co').query({ phone: '0912345678' });
      expect(wrongPhone.status).toBe(404);
      expect(wrongPhone.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'Không tìm thấy phản ánh với mã phản ánh và số điện thoại này.' });
      for (const other of [unknownCode, badPhone, badCode]) {
        expect(other.status).toBe(404);
        expect(other.text).toBe(wrongPhone.text);
        expect(other.headers['content-type']).toBe(wrongPhone.headers['content-type']);
      }
      const noPhone = await t.http().get(`/api/public/reports/${code}`);
      expect(noPhone.status).toBe(400);
      expect(noPhone.body.errors[0].field).toBe('phone');
    });

    it('shows public events only: no internal comment, no staff name; the answer once resolved', async () => {
      const coordinator = await t.userToken('coordinator', null, 'dieuphoi-tran-van-bay');
      const staff = await t.userToken('unit_staff', 'UB-29401', 'canbo-le-thi-tam');
      const secret = 'Ghi chú nội bộ: ông Bảy đã gọi cho trưởng ấp, chưa báo người dân';
      await t.http().post(`/api/tickets/${code}/comments`).set(bearer(coordinator)).send({ text: secret, internal: true }).expect(201);
      await t.http().post(`/api/tickets/${code}/comments`).set(bearer(coordinator)).send({ text: 'Đơn vị đang xác minh tại địa phương.', internal: false }).expect(201);
      t.clock.set('2026-03-02T10:00:00+07:00');
      await t.http().post(`/api/tickets/${code}/accept`).set(bearer(staff)).send({ note: 'Cán bộ Tám nhận' }).expect(200);
      const before = await t.http().get(`/api/public/reports/${code}`).query({ phone: '0912345678' }).expect(200);
      expect(before.body).toMatchObject({ status: 'in_progress', statusLabel: 'Đang xử lý', answer: null });
      // (tokens live TOKEN_TTL_HOURS on the test's clock)
      t.clock.set('2026-03-02T15:30:00+07:00');
      const resolution = 'UBND xã đã hỗ trợ gia đình 20 kg gạo ngày 02/3/2026.';
      await t.http().post(`/api/tickets/${code}/resolve`).set(bearer(staff)).send({ resolution }).expect(200);

      const res = await t.http().get(`/api/public/reports/${code}`).query({ phone: '0912345678' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ code, status: 'resolved', statusLabel: 'Đã xử lý', unit: 'UBND xã Hòa Lợi', answer: resolution });
      expect(res.body.timeline).toEqual([
        { at: '2026-03-02T02:00:00.000Z', label: 'Tổng đài 1022 đã tiếp nhận phản ánh' },
        { at: '2026-03-02T02:00:00.000Z', label: 'Tổng đài 1022 thông báo: Đơn vị đang xác minh tại địa phương.' },
        { at: '2026-03-02T03:00:00.000Z', label: 'UBND xã Hòa Lợi đã tiếp nhận và đang xử lý' },
        { at: '2026-03-02T08:30:00.000Z', label: 'UBND xã Hòa Lợi đã có kết quả xử lý' },
      ]);
      const text = res.text;
      for (const hidden of [secret, 'ông Bảy', 'dieuphoi-tran-van-bay', 'canbo-le-thi-tam', 'Cán bộ Tám']) expect(text).not.toContain(hidden);
      expect(text).not.toMatch(/internal|actor/);
      // the staff view does have them, so the test above can fail
      const staffView = await t.http().get(`/api/tickets/${code}`).set(bearer(coordinator)).expect(200);
      expect(JSON.stringify(staffView.body)).toContain(secret);
      expect(JSON.stringify(staffView.body)).toContain('canbo-le-thi-tam');
    });

    it('a report merged into another citizen\'s follows its state; the outcome is a neutral sentence, never its answer', async () => {
      const coordinator = await t.userToken('coordinator');
      const staff = await t.userToken('unit_staff', 'UB-29401');
      const original = (await t.http().post('/api/public/reports').send({ ...REPORT, fullName: 'Đặng Văn Khương', phone: '0933111222', address: 'Số 12 ấp Bến Có' }).expect(201)).body.code;
      const duplicate = (await t.http().post('/api/public/reports').send({ ...REPORT, fullName: 'Lý Thị Mai', phone: '0944555666', content: 'Xóm tôi chưa nhận được gạo hỗ trợ.' }).expect(201)).body.code;
      await t.http().post(`/api/tickets/${duplicate}/reject`).set(bearer(coordinator)).send({ reason: 'duplicate', duplicateOf: original }).expect(200);
      const merged = await t.http().get(`/api/public/reports/${duplicate}`).query({ phone: '0944555666' }).expect(200);
      expect(merged.body).toMatchObject({
        code: duplicate, status: 'assigned', statusLabel: 'Đã chuyển đơn vị xử lý', unit: 'UBND xã Hòa Lợi', answer: null,
        content: 'Xóm tôi chưa nhận được gạo hỗ trợ.',
        duplicateOutcome: 'Phản ánh của bạn trùng nội dung với một phản ánh khác đang được xử lý; kết quả: Đã chuyển đơn vị xử lý.',
      });
      expect(merged.body.timeline.map((e: { label: string }) => e.label)).toEqual([
        'Tổng đài 1022 đã tiếp nhận phản ánh',
        'Phản ánh trùng nội dung với một phản ánh khác và được gộp để xử lý chung',
      ]);
      expect(merged.text).not.toContain(original);
      t.clock.advance(60_000);
      await t.http().post(`/api/tickets/${original}/accept`).set(bearer(staff)).send({}).expect(200);
      const resolution = 'Đã trao 20 kg gạo cho ông Đặng Văn Khương, số 12 ấp Bến Có.';
      await t.http().post(`/api/tickets/${original}/resolve`).set(bearer(staff)).send({ resolution }).expect(200);
      const answered = await t.http().get(`/api/public/reports/${duplicate}`).query({ phone: '0944555666' }).expect(200);
      expect(answered.body).toMatchObject({
        code: duplicate, status: 'resolved', statusLabel: 'Đã xử lý', answer: null,
        duplicateOutcome: 'Phản ánh của bạn trùng nội dung với một phản ánh khác đang được xử lý; kết quả: Đã xử lý.',
      });
      expect(answered.body.timeline.map((e: { label: string }) => e.label).slice(-2)).toEqual([
        'UBND xã Hòa Lợi đã tiếp nhận và đang xử lý', 'UBND xã Hòa Lợi đã có kết quả xử lý',
      ]);
      // nothing of the other citizen: not the answer, their name, their address, their content, their code
      for (const other of [resolution, 'Đặng Văn Khương', 'Khương', 'Số 12', REPORT.content, original]) expect(answered.text).not.toContain(other);
      // the citizen of the ticket kept does read it, so the test above can fail
      const kept = await t.http().get(`/api/public/reports/${original}`).query({ phone: '0933111222' }).expect(200);
      expect(kept.body).toMatchObject({ answer: resolution, duplicateOutcome: null });
    });

    it('a report merged into one of the same reporter\'s phone shows that one\'s answer', async () => {
      const coordinator = await t.userToken('coordinator');
      const staff = await t.userToken('unit_staff', 'UB-29401');
      const original = (await t.http().post('/api/public/reports').send({ ...REPORT, phone: '0955777888' }).expect(201)).body.code;
      const again = (await t.http().post('/api/public/reports').send({ ...REPORT, phone: '+84 955 777 888', content: 'Tôi gửi lại: gia đình vẫn chưa nhận được gạo.' }).expect(201)).body.code;
      t.clock.advance(60_000);
      await t.http().post(`/api/tickets/${original}/accept`).set(bearer(staff)).send({}).expect(200);
      const resolution = 'Đã trao 20 kg gạo cho gia đình bà Bé.';
      await t.http().post(`/api/tickets/${original}/resolve`).set(bearer(staff)).send({ resolution }).expect(200);
      // merged after the answer: it follows the answered ticket at once
      await t.http().post(`/api/tickets/${again}/reject`).set(bearer(coordinator)).send({ reason: 'duplicate', duplicateOf: original }).expect(200);
      const res = await t.http().get(`/api/public/reports/${again}`).query({ phone: '0955777888' }).expect(200);
      expect(res.body).toMatchObject({
        code: again, status: 'resolved', statusLabel: 'Đã xử lý', answer: resolution, duplicateOutcome: null,
        content: 'Tôi gửi lại: gia đình vẫn chưa nhận được gạo.',
      });
    });
  });

  describe('POST /api/public/app-installs', () => {
    it('records an installation once per installationId', async () => {
      const id = `inst-${randomBytes(8).toString('hex')}`;
      const first = await t.http().post('/api/public/app-installs').send({ platform: 'android', installationId: id });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ installationId: id, created: true });
      const second = await t.http().post('/api/public/app-installs').send({ platform: 'android', installationId: id });
      expect(second.status).toBe(200);
      expect(second.body).toEqual({ installationId: id, created: false });
      await t.http().post('/api/public/app-installs').send({ platform: 'ios', installationId: `ios-${id}` }).expect(201);
      const rows = await t.ds.query(`SELECT platform, count(*)::int AS n FROM app_installs GROUP BY platform ORDER BY platform`);
      expect(rows).toEqual([{ platform: 'android', n: 1 }, { platform: 'ios', n: 1 }]);
      const [at] = await t.ds.query(`SELECT created_at FROM app_installs WHERE installation_id = $1`, [id]);
      expect(at.created_at.toISOString()).toBe(t.clock.now().toISOString());
    });

    it('refuses an unknown platform or a malformed id', async () => {
      const res = await t.http().post('/api/public/app-installs').send({ platform: 'windows', installationId: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['installationId', 'platform']);
    });
  });

  describe('body size limit', () => {
    it('answers 413 in Vietnamese for a body over 64 KB on the public routes, and creates nothing', async () => {
      const before = await ticketCount();
      const res = await t.http().post('/api/public/reports').send({ ...REPORT, content: 'Nội dung rất dài. '.repeat(4000) });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
      expect(res.body.message).toMatch(/^Dữ liệu gửi lên quá lớn \(tối đa 64 KB\)/);
      const huge = await t.http().post('/api/public/reports').send({ ...REPORT, content: 'x'.repeat(1_100_000) });
      expect(huge.status).toBe(413);
      expect(huge.body.message).toBe('Dữ liệu gửi lên quá lớn.');
      expect(await ticketCount()).toBe(before);
    });
  });
});

describe('public rate limit (e2e, two instances sharing Redis)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    // two instances of the application behind one proxy: same Redis, same key prefix
    const env = { PUBLIC_RATE_LIMIT_PER_MINUTE: '3', QUEUE_PREFIX: `test-rl-${randomBytes(4).toString('hex')}` };
    [a, b] = await Promise.all([startTestApp({ env }), startTestApp({ env })]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('allows PUBLIC_RATE_LIMIT_PER_MINUTE submissions per client and minute across instances, then 429 in Vietnamese', async () => {
    const client = '203.0.113.7';
    const track = (app: TestApp) => app.http().get('/api/public/reports/PA-2222-2222').query({ phone: '0912345678' }).set('X-Forwarded-For', client);
    expect((await track(a)).status).toBe(404);
    expect((await track(b)).status).toBe(404);
    const third = await track(a);
    expect(third.status).toBe(404);
    expect(third.headers['ratelimit-limit']).toBe('3');
    expect(third.headers['ratelimit-remaining']).toBe('0');
    const limited = await b.http().post('/api/public/reports').set('X-Forwarded-For', client).send(REPORT);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
    expect(limited.body.message).toMatch(/^Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn\. Vui lòng thử lại sau \d+ giây\.$/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(await b.ds.query('SELECT count(*)::int AS n FROM tickets')).toEqual([{ n: 0 }]);

    // the pages' submissions (the form, a tracking lookup) share the limit and answer with a Vietnamese page
    for (const path of ['/gui-phan-anh', '/tra-cuu']) {
      const page = await a.http().post(path).type('form').send({ code: 'PA-2222-2222', phone: '0912345678' }).set('X-Forwarded-For', client);
      expect(page.status).toBe(429);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['retry-after']).toBeDefined();
      expect(page.text).toContain('<h1>Bạn đã gửi quá nhiều yêu cầu</h1>');
      expect(page.text).toMatch(/Vui lòng thử lại sau \d+ giây\./);
    }
    // showing the pages is no submission: still served to that client
    expect((await a.http().get('/gui-phan-anh').set('X-Forwarded-For', client)).status).toBe(200);

    // another client is not affected
    const other = await a.http().get('/api/public/reports/PA-2222-2222').query({ phone: '0912345678' }).set('X-Forwarded-For', '198.51.100.20');
    expect(other.status).toBe(404);
  });

  it('page views do not use up the submissions: a family behind one carrier address opens the form many times, then sends', async () => {
    const client = '100.64.12.34';
    const views = ['/gui-phan-anh', '/tra-cuu', '/tra-cuu?ma=PA-2222-2222', '/gui-phan-anh/da-gui?ma=PA-2222-2222'];
    for (let i = 0; i < 40; i++) {
      const res = await (i % 2 ? b : a).http().get(views[i % views.length]).set('X-Forwarded-For', client);
      expect(res.status).toBe(200);
    }
    // a GET of a page counts against the page views' own ceiling, not against the submissions
    const view = await a.http().get('/gui-phan-anh').set('X-Forwarded-For', client).expect(200);
    expect(view.headers['ratelimit-limit']).toBe('600');
    expect(view.headers['ratelimit-remaining']).toBe(String(600 - 41));
    const form = view.text;
    const ts = /name="ts" value="([^"]+)"/.exec(form)![1];
    await new Promise((r) => setTimeout(r, 2100));
    // (each test instance has a secret of its own: the form goes back to the instance that rendered it)
    const send = () => a.http().post('/gui-phan-anh').set('X-Forwarded-For', client)
      .field('fullName', 'Nguyễn Văn Tám').field('phone', '0912 000 111').field('areaCode', '29401').field('categoryCode', '')
      .field('content', 'Đèn đường ấp Bến Có hỏng đã hai tuần.').field('website', '').field('ts', ts);
    const sent = await send();
    expect(sent.status).toBe(303);
    expect(sent.headers['ratelimit-limit']).toBe('3');
    expect(sent.headers['ratelimit-remaining']).toBe('2');
    expect(await a.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE reporter_name = 'Nguyễn Văn Tám'`)).toEqual([{ n: 1 }]);
    // the submissions stay limited: two more, then 429 (the same rendering sent again makes no second ticket)
    expect((await send()).status).toBe(303);
    expect((await send()).status).toBe(303);
    const over = await send();
    expect(over.status).toBe(429);
    expect(over.text).toContain('Bạn đã gửi quá nhiều yêu cầu');
    expect(await a.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE reporter_name = 'Nguyễn Văn Tám'`)).toEqual([{ n: 1 }]);
  });

  it('page views have a ceiling of their own against floods (600 a minute per client at this setting)', async () => {
    const client = '192.0.2.77';
    const statuses: number[] = [];
    for (let i = 0; i < 601; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, 601 - i) }, () => a.http().get('/tra-cuu').set('X-Forwarded-For', client)));
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(600);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    const flooded = await b.http().get('/gui-phan-anh').set('X-Forwarded-For', client);
    expect(flooded.status).toBe(429);
    expect(flooded.text).toContain('Bạn đã gửi quá nhiều yêu cầu');
    // its submissions are untouched
    const lookUp = await b.http().get('/api/public/reports/PA-2222-2222').query({ phone: '0912345678' }).set('X-Forwarded-For', client);
    expect(lookUp.status).toBe(404);
    expect(lookUp.headers['ratelimit-remaining']).toBe('2');
  });

  it('does not limit the staff API', async () => {
    const client = '203.0.113.99';
    for (let i = 0; i < 5; i++) {
      const res = await a.http().get('/api/public/reports/PA-2222-2222').query({ phone: '0912345678' }).set('X-Forwarded-For', client);
      expect(res.status).toBe(i < 3 ? 404 : 429);
    }
    const token = await a.userToken('coordinator');
    const staff = await a.http().get('/api/tickets').set(bearer(token)).set('X-Forwarded-For', client);
    expect(staff.status).toBe(200);
  });
});
