import type { Response } from 'supertest';
import { bearer, startTestApp, type TestApp } from './support/test-app.js';

const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

/** Every error answer: JSON, a status code, a Vietnamese sentence, and nothing of the server's insides. */
function expectCleanError(res: Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.statusCode).toBe(status);
  expect(typeof res.body.message).toBe('string');
  expect(res.body.message).toMatch(VIETNAMESE);
  expect(res.body.message).toMatch(/[.!?]$/);
  expect(res.body).not.toHaveProperty('stack');
  expect(res.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|\.js:\d+|Error:/);
}

describe('text search, phone search, errors, /health and /docs', () => {
  let t: TestApp;
  let op: string;
  const codes: Record<string, string> = {};

  const create = async (name: string, body: Record<string, unknown>) => {
    const res = await t.http().post('/api/tickets').set(bearer(op)).send({ channel: 'hotline', reporterName: 'Người dân', ...body }).expect(201);
    codes[name] = res.body.code;
    return res.body;
  };
  const search = async (query: Record<string, string>) => {
    const res = await t.http().get('/api/tickets').query(query).set(bearer(op)).expect(200);
    expect(res.body.total).toBe(res.body.items.length);
    return (res.body.items as Array<{ code: string }>).map((i) => i.code).sort();
  };
  const codesOf = (...names: string[]) => names.map((n) => codes[n]).sort();

  beforeAll(async () => {
    t = await startTestApp();
    op = await t.userToken('operator');
    // content and area "Hòa Lợi"
    await create('contentHoaLoi', { content: 'Đường vào xã Hòa Lợi bị ngập nặng.', areaCode: '29401', categoryCode: 'AN-SINH', reporterPhone: '0912 345 678' });
    // only the address says "Hòa Lợi" (the area is Đôn Xuân)
    await create('addressHoaLoi', { content: 'Xin hỏi lịch tiêm vắc xin.', areaCode: '29497', address: 'Số 5, ấp Hòa Lợi', reporterPhone: '+84 912 345 678' });
    // only the area is Hòa Lợi
    await create('areaHoaLoi', { content: 'Chưa nhận được gói hỗ trợ.', areaCode: '29401', categoryCode: 'AN-SINH', reporterPhone: '84912345678' });
    // "Đôn Xuân" in the content, no area
    await create('contentDonXuan', { content: 'Trạm y tế Đôn Xuân đóng cửa sớm.', reporterPhone: '0987 654 321' });
    // literal % and _ in the content
    await create('wildcards', { content: 'Đề nghị giảm 50% học phí cho con_em hộ nghèo.' });
    // an unrelated one that a LIKE wildcard would match
    await create('other', { content: 'Hỏi về hoa màu bị hư hại.', areaCode: '29374' });
  });
  afterAll(() => t.close());

  describe('GET /api/tickets?q=', () => {
    it('"hoa loi" finds the tickets whose content, address or area is Hòa Lợi; so do "Hòa Lợi" and "HÒA LỢI"', async () => {
      const hoaLoi = codesOf('contentHoaLoi', 'addressHoaLoi', 'areaHoaLoi');
      expect(await search({ q: 'hoa loi' })).toEqual(hoaLoi);
      expect(await search({ q: 'Hòa Lợi' })).toEqual(hoaLoi);
      expect(await search({ q: '  HÒA   LỢI ' })).toEqual(hoaLoi);
      // decomposed Unicode (as some keyboards send it) is the same text
      expect(await search({ q: 'Hòa Lợi'.normalize('NFD') })).toEqual(hoaLoi);
    });

    it('"đôn xuân", "Đôn Xuân" and "don xuan" all match "Đôn Xuân" (content or area)', async () => {
      const donXuan = codesOf('addressHoaLoi', 'contentDonXuan');
      expect(await search({ q: 'đôn xuân' })).toEqual(donXuan);
      expect(await search({ q: 'Đôn Xuân' })).toEqual(donXuan);
      expect(await search({ q: 'don xuan' })).toEqual(donXuan);
      expect(await search({ q: 'tram y te don xuan' })).toEqual(codesOf('contentDonXuan'));
    });

    it('treats % and _ in q as the characters themselves, not as LIKE wildcards', async () => {
      expect(await search({ q: '%' })).toEqual(codesOf('wildcards'));
      expect(await search({ q: '50%' })).toEqual(codesOf('wildcards'));
      expect(await search({ q: '_' })).toEqual(codesOf('wildcards'));
      expect(await search({ q: 'con_em' })).toEqual(codesOf('wildcards'));
      expect(await search({ q: 'h_a' })).toEqual([]);
      expect(await search({ q: 'ho% loi' })).toEqual([]);
      expect(await search({ q: '\\' })).toEqual([]);
    });

    it('finds a ticket by its code, typed in lower case', async () => {
      expect(await search({ q: codes.other.toLowerCase() })).toEqual(codesOf('other'));
    });
  });

  describe('GET /api/tickets?phone=', () => {
    it('finds a caller\'s tickets whatever form of the number was typed', async () => {
      const caller = codesOf('contentHoaLoi', 'addressHoaLoi', 'areaHoaLoi');
      for (const phone of ['0912345678', '+84912345678', '84912345678', '0912 345 678', '+84 912 345 678', '091.234.5678', '0912-345-678']) {
        expect([phone, await search({ phone })]).toEqual([phone, caller]);
      }
      // "+" left unencoded in a URL arrives as a space
      const raw = await t.http().get('/api/tickets?phone=+84912345678').set(bearer(op)).expect(200);
      expect(raw.body.items.map((i: { code: string }) => i.code).sort()).toEqual(caller);
      expect(await search({ phone: '0987654321' })).toEqual(codesOf('contentDonXuan'));
      expect(await search({ phone: '0912345679' })).toEqual([]);
    });

    it('refuses a phone that is no Vietnamese number with 400', async () => {
      const res = await t.http().get('/api/tickets').query({ phone: '12345' }).set(bearer(op));
      expectCleanError(res, 400);
      expect(res.body.errors).toEqual([{ field: 'phone', reason: expect.stringMatching(VIETNAMESE) }]);
    });
  });

  describe('errors', () => {
    it('400 lists each bad field with a Vietnamese reason and refuses unknown fields', async () => {
      const count = async () => Number((await t.ds.query('SELECT count(*)::int AS n FROM tickets'))[0].n);
      const before = await count();
      const res = await t.http().post('/api/tickets').set(bearer(op)).send({
        channel: 'fax', reporterName: '   ', reporterPhone: '123', reporterEmail: 'khong-phai-email', urgent: 'yes', priority: 'cao',
      });
      expectCleanError(res, 400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const errors = res.body.errors as Array<{ field: string; reason: string }>;
      for (const e of errors) expect(e.reason).toMatch(VIETNAMESE);
      const fields = [...new Set(errors.map((e) => e.field))].sort();
      expect(fields).toEqual(['channel', 'content', 'priority', 'reporterEmail', 'reporterName', 'reporterPhone', 'urgent']);
      const reason = (f: string) => errors.filter((e) => e.field === f).map((e) => e.reason).join(' | ');
      expect(reason('channel')).toContain('hotline');
      expect(reason('content')).toBe('là bắt buộc');
      expect(reason('reporterName')).toBe('không được để trống');
      expect(reason('priority')).toBe('trường này không được chấp nhận');
      expect(reason('reporterEmail')).toBe('không phải địa chỉ e-mail hợp lệ');
      expect(reason('urgent')).toBe('phải là true hoặc false');
      expect(reason('reporterPhone')).toContain('số điện thoại');
      // one unknown field is enough to refuse an otherwise good ticket
      const unknownOnly = await t.http().post('/api/tickets').set(bearer(op)).send({ channel: 'hotline', reporterName: 'A', content: 'Nội dung', priority: 'cao' });
      expectCleanError(unknownOnly, 400);
      expect(unknownOnly.body.errors).toEqual([{ field: 'priority', reason: 'trường này không được chấp nhận' }]);
      expect(await count()).toBe(before);
    });

    it('400 on an unknown query parameter and on a bad value in the query', async () => {
      const unknown = await t.http().get('/api/tickets').query({ orderBy: 'code' }).set(bearer(op));
      expectCleanError(unknown, 400);
      expect(unknown.body.errors).toEqual([{ field: 'orderBy', reason: 'trường này không được chấp nhận' }]);
      // `sort` is known, and takes only its values
      const badSort = await t.http().get('/api/tickets').query({ sort: 'code' }).set(bearer(op));
      expectCleanError(badSort, 400);
      expect(badSort.body.errors).toEqual([{ field: 'sort', reason: 'phải là một trong các giá trị: received, deadline' }]);
      const bad = await t.http().get('/api/tickets').query({ status: 'open', pageSize: '1000', page: 'x' }).set(bearer(op));
      expectCleanError(bad, 400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['page', 'pageSize', 'status']);
    });

    it('malformed JSON answers 400 in Vietnamese', async () => {
      const res = await t.http().post('/api/tickets').set(bearer(op)).set('Content-Type', 'application/json').send('{"channel": "hotline", ');
      expectCleanError(res, 400);
      expect(res.body.message).toBe('Nội dung gửi lên không phải JSON hợp lệ.');
      const login = await t.http().post('/api/auth/login').set('Content-Type', 'application/json').send("{username: 'x'}");
      expectCleanError(login, 400);
    });

    it('a body over the limit answers 413', async () => {
      const res = await t.http().post('/api/tickets').set(bearer(op)).send({ channel: 'hotline', reporterName: 'A', content: 'x'.repeat(2 * 1024 * 1024) });
      expectCleanError(res, 413);
      const csv = await t.http().post('/api/tickets/import').set(bearer(op)).set('Content-Type', 'text/csv').send('x'.repeat(21 * 1024 * 1024));
      expectCleanError(csv, 413);
    });

    it('401 without a token or with a bad one, in a Vietnamese sentence', async () => {
      const none = await t.http().get('/api/tickets');
      expectCleanError(none, 401);
      expect(none.body.message).toBe('Bạn cần đăng nhập để thực hiện thao tác này.');
      expectCleanError(await t.http().get('/api/tickets').set('Authorization', 'Bearer khong-hop-le'), 401);
      const wrong = await t.http().post('/api/auth/login').send({ username: 'khong-co', password: 'sai-mat-khau' });
      expectCleanError(wrong, 401);
      expect(wrong.body.message).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
    });

    it('403 for an action the role may not take', async () => {
      const staff = await t.userToken('unit_staff', 'UB-29401');
      const create = await t.http().post('/api/tickets').set(bearer(staff)).send({ channel: 'hotline', reporterName: 'A', content: 'Nội dung' });
      expectCleanError(create, 403);
      const units = await t.http().post('/api/units').set(bearer(op)).send({ code: 'X', name: 'Đơn vị X', level: 'province' });
      expectCleanError(units, 403);
      // the unit's staff may read the ticket but not close it
      const close = await t.http().post(`/api/tickets/${codes.areaHoaLoi}/close`).set(bearer(staff)).send({});
      expectCleanError(close, 403);
    });

    it('404 for a ticket that does not exist and for an unknown route', async () => {
      const ticket = await t.http().get('/api/tickets/PA-2222-2222').set(bearer(op));
      expectCleanError(ticket, 404);
      expect(ticket.body.message).toContain('PA-2222-2222');
      expectCleanError(await t.http().get('/api/khong-co').set(bearer(op)), 404);
      expectCleanError(await t.http().get('/khong-co'), 404);
    });

    it('400 in Vietnamese for a path with a broken percent-encoding', async () => {
      const res = await t.http().get('/api/tickets/PA-%E0%A4%A').set(bearer(op));
      expectCleanError(res, 400);
      expect(res.body.message).toBe('Địa chỉ yêu cầu có ký tự mã hóa không hợp lệ.');
    });

    it('409 for a transition the status does not allow, naming the current status', async () => {
      const coordinator = await t.userToken('coordinator');
      const res = await t.http().post(`/api/tickets/${codes.contentHoaLoi}/close`).set(bearer(coordinator)).send({});
      expectCleanError(res, 409);
      expect(res.body).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', currentStatus: 'assigned' });
      expect(res.body.message).toContain('assigned');
    });
  });

  it('GET /health reports the database and Redis, without a token', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up', redis: 'up' });
  });

  it('GET /docs serves the OpenAPI UI and /docs-json the document listing the ticket routes', async () => {
    const ui = await t.http().get('/docs').redirects(1).expect(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    expect(ui.text).toMatch(/swagger-ui/i);
    const doc = await t.http().get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.info.title).toContain('1022');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining([
      '/api/tickets', '/api/tickets/{code}', '/api/tickets/import', '/api/auth/login', '/health',
    ]));
    expect(Object.keys(doc.body.paths['/api/tickets'])).toEqual(expect.arrayContaining(['get', 'post']));
  });
});
