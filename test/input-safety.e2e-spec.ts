import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Response } from 'supertest';
import { signFacebookBody } from '../src/intake/channels/facebook-signature.js';
import { FormTokens } from '../src/intake/public/bot-trap.js';
import { NOT_NULL_REASON } from '../src/common/validators.js';
import { SESSION_COOKIE } from '../src/web/staff-session.js';
import { bearer, startTestApp, TEST_PASSWORD, tokensFor, type TestApp } from './support/test-app.js';

/**
 * The inputs the fuzzing of issue 12 answered with 500, one by one: each is now a 400 naming the field (or 401 for a
 * token that names no user), in the project's error shape for the API and as a Vietnamese page for the pages.
 */

const FB_SECRET = 'facebook-app-secret-input-safety';

/** A 400 of the API: JSON, a Vietnamese message, the refused field named. */
function expectRefused(res: Response, field: string, reason: RegExp): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(/^Dữ liệu gửi lên không hợp lệ/) });
  expect(res.body.errors).toEqual([{ field, reason: expect.stringMatching(reason) }]);
}
/** A 400 of a page: HTML with the reason, no JSON. */
function expectRefusedPage(res: Response, reason: RegExp): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toMatch(reason);
  expect(res.text).toMatch(/<!doctype html>/i);
}

const NUL = /ký tự NUL/;
const SURROGATE = /Unicode không hợp lệ/;
const DEPTH = /lồng nhau quá sâu \(tối đa 32 cấp\)/;

describe('no input reaches the database that it cannot take, nor overflows the stack', () => {
  let t: TestApp;
  let admin: string;
  let operator: string;
  let code: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '10000', FACEBOOK_APP_SECRET: FB_SECRET, FACEBOOK_VERIFY_TOKEN: 'verify-token-input-safety', FACEBOOK_PAGE_ACCESS_TOKEN: 'page-token-input-safety', FACEBOOK_GRAPH_URL: 'http://127.0.0.1:9' } });
    [admin, operator] = await tokensFor(t, [['admin', null, 'quantri'], 'operator']);
    code = (await t.http().post('/api/tickets').set(bearer(operator))
      .send({ channel: 'hotline', reporterName: 'Lê Văn A', reporterPhone: '0912345678', content: 'Chưa nhận được gói hỗ trợ.' }).expect(201)).body.code;
  });
  afterAll(() => t?.close());

  describe('deeply nested JSON is refused before it is parsed', () => {
    const deepObject = `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`;
    const deepArray = '['.repeat(5000);

    it.each([
      ['/api/public/reports', deepObject], ['/api/public/reports', deepArray], ['/api/public/app-installs', deepObject],
      ['/api/public/app-installs', deepArray], ['/api/auth/login', deepObject], ['/api/auth/login', deepArray],
    ])('POST %s with %#', async (path, body) => {
      const res = await t.http().post(path).set('Content-Type', 'application/json').send(body);
      expectRefused(res, 'body', DEPTH);
    });

    it('a body 32 levels deep is parsed and validated as usual; 33 levels are refused', async () => {
      const at = (n: number) => `{"username":${'['.repeat(n - 1)}1${']'.repeat(n - 1)},"password":"x"}`;
      expectRefused(await t.http().post('/api/auth/login').set('Content-Type', 'application/json').send(at(32)), 'username', /chuỗi/);
      expectRefused(await t.http().post('/api/auth/login').set('Content-Type', 'application/json').send(at(33)), 'body', DEPTH);
    });

    it('a signed webhook still has its raw body checked, and a deep one is refused', async () => {
      const ok = JSON.stringify({ object: 'page', entry: [] });
      await t.http().post('/webhooks/facebook').set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', signFacebookBody(Buffer.from(ok), FB_SECRET)).send(ok).expect(200);
      await t.http().post('/webhooks/facebook').set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', signFacebookBody(Buffer.from(ok), 'another-secret')).send(ok).expect(403);
      const deep = `{"object":"page","entry":${'['.repeat(40)}${']'.repeat(40)}}`;
      const res = await t.http().post('/webhooks/facebook').set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', signFacebookBody(Buffer.from(deep), FB_SECRET)).send(deep);
      expectRefused(res, 'body', DEPTH);
    });
  });

  describe('NUL and lone surrogates are refused, naming the field', () => {
    it('in a JSON body: {"username":"a\\u0000b"} on the login', async () => {
      const res = await t.http().post('/api/auth/login').send({ username: 'a\u0000b', password: TEST_PASSWORD });
      expectRefused(res, 'username', NUL);
    });

    it('in the content of a public report (JSON and multipart) and a lone surrogate in its e-mail', async () => {
      const report = { fullName: 'Nguyễn Văn An', phone: '0912345678', areaCode: '29401', content: 'Đường ngập\u0000 nhiều ngày.' };
      expectRefused(await t.http().post('/api/public/reports').send(report), 'content', NUL);
      expectRefused(await t.http().post('/api/public/reports').send({ ...report, content: 'Đường ngập nhiều ngày.', email: 'an\ud800@example.com' }), 'email', SURROGATE);
      const multipart = await t.http().post('/api/public/reports').field('fullName', 'Nguyễn Văn An').field('phone', '0912345678')
        .field('areaCode', '29401').field('content', 'Đường ngập\u0000 nhiều ngày.');
      expectRefused(multipart, 'content', NUL);
    });

    it('in a path parameter: GET /api/tickets/abc%00def', async () => {
      expectRefused(await t.http().get('/api/tickets/abc%00def').set(bearer(operator)), 'code', NUL);
      // without a token the answer stays 401, as for any protected route
      await t.http().get('/api/tickets/abc%00def').expect(401);
    });

    it('in a query string, its values and its names', async () => {
      expectRefused(await t.http().get('/api/tickets?q=a%00b').set(bearer(operator)), 'q', NUL);
      expectRefused(await t.http().get('/api/tickets?a%00b=1').set(bearer(operator)), 'a\\u0000b', /^có tên trường .*NUL/);
      expectRefused(await t.http().get(`/api/public/reports/${code}?phone=0912%00345678`), 'phone', NUL);
    });

    it('in a nested value and in a field name of a JSON body', async () => {
      expectRefused(await t.http().put('/api/recipient-lists/leadership').set(bearer(admin)).send({ emails: ['a@b.vn', 'c\ud800@d.vn'] }), 'emails.1', SURROGATE);
      expectRefused(await t.http().post(`/api/tickets/${code}/comments`).set(bearer(operator)).send({ text: 'Ý kiến', 'x\u0000': 1 }), 'x\\u0000', /NUL/);
    });

    it('in a CSV file to import, sent as the body or as an uploaded file', async () => {
      const csv = 'code,channel,received_at,reporter_name,reporter_phone,area_code,category_code,content,unit_code,due_at,resolved_at,status,resolution\r\n'
        + 'HS-1,hotline,2021-07-20T08:15:00+07:00,Nguyễn Văn Bình,0912345678,29401,Y-TE,Nội dung\u0000,SO-YTE,,,,\r\n';
      expectRefused(await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(csv), 'body', NUL);
      const upload = await t.http().post('/api/tickets/import').set(bearer(admin)).attach('file', Buffer.from(csv), { filename: 'cu.csv', contentType: 'text/csv' });
      expectRefused(upload, 'file', /^là tệp văn bản chứa ký tự NUL/);
    });

    it('in the sign-in form /dang-nhap: a page with the reason, not JSON', async () => {
      const res = await t.http().post('/dang-nhap').type('form').send('username=a%00b&password=x&next=%2Ftickets');
      expectRefusedPage(res, /username.*ký tự NUL/s);
    });

    it('in the public form /gui-phan-anh and the tracking form /tra-cuu: pages with the reason', async () => {
      const ts = t.app.get(FormTokens).issue(Date.now() - 10_000);
      const form = new URLSearchParams({ fullName: 'Nguyễn Văn An', phone: '0912345678', areaCode: '29401', content: 'Đường ngập nhiều ngày.', ts, website: '' });
      expectRefusedPage(await t.http().post('/gui-phan-anh').type('form').send(`${form}&address=%C3%81p%003`), /address.*ký tự NUL/s);
      expectRefusedPage(await t.http().post('/tra-cuu').type('form').send(`code=${code}&phone=0912%00345678`), /phone.*ký tự NUL/s);
    });

    it('in a staff page address and form: pages with the reason', async () => {
      const cookie = `${SESSION_COOKIE}=${encodeURIComponent(operator)}`;
      expectRefusedPage(await t.http().get('/tickets/abc%00def').set('Cookie', cookie), /code.*ký tự NUL/s);
      expectRefusedPage(await t.http().get('/tickets?q=a%00b').set('Cookie', cookie), /q.*ký tự NUL/s);
    });
  });

  describe('an explicit null where a value is required is a 400', () => {
    it('{"name":null} on PATCH /api/categories/:code, and the category is unchanged', async () => {
      const res = await t.http().patch('/api/categories/AN-SINH').set(bearer(admin)).send({ name: null });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'name', reason: NOT_NULL_REASON }]);
      const categories = (await t.http().get('/api/categories').set(bearer(admin)).expect(200)).body as Array<{ code: string; name: string }>;
      expect(categories.find((c) => c.code === 'AN-SINH')?.name).toBeTruthy();
    });

    it("null for other optional fields of non-nullable columns: a user's password, a unit's flag, a comment's flag", async () => {
      await t.userToken('unit_staff', 'SO-YTE', 'nguoidung');
      const user = await t.http().patch('/api/users/nguoidung').set(bearer(admin)).send({ password: null, active: null });
      expect(user.status).toBe(400);
      expect(user.body.errors).toEqual([{ field: 'password', reason: NOT_NULL_REASON }, { field: 'active', reason: NOT_NULL_REASON }]);
      const unit = await t.http().patch('/api/units/UB-29401').set(bearer(admin)).send({ active: null });
      expect(unit.body.errors).toEqual([{ field: 'active', reason: NOT_NULL_REASON }]);
      const comment = await t.http().post(`/api/tickets/${code}/comments`).set(bearer(operator)).send({ text: 'Ý kiến', internal: null });
      expect(comment.body.errors).toEqual([{ field: 'internal', reason: NOT_NULL_REASON }]);
    });

    it('null keeps its meaning where the column takes it: a unit without a parent', async () => {
      await t.http().post('/api/units').set(bearer(admin)).send({ code: 'DV-THU', name: 'Đơn vị thử', level: 'province', parentCode: null, areaCode: null }).expect(201);
      await t.http().patch('/api/units/DV-THU').set(bearer(admin)).send({ parentCode: null }).expect(200);
    });

    it('a required field sent as null is still "là bắt buộc"', async () => {
      const res = await t.http().post('/api/auth/login').send({ username: null, password: 'x' });
      expectRefused(res, 'username', /^là bắt buộc$/);
    });
  });

  describe('a token that does not name a real user is a 401', () => {
    const sign = async (sub: string | null) => {
      const now = Math.floor(t.clock.now().getTime() / 1000);
      const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now).setExpirationTime(now + 3600);
      return (sub === null ? jwt : jwt.setSubject(sub)).sign(new TextEncoder().encode(t.env.JWT_SECRET));
    };

    it.each([['abc'], ['a\u0000b'], ["1' OR '1'='1"], [''], [randomUUID()], [null]])('subject %p', async (sub) => {
      const token = await sign(sub);
      const res = await t.http().get('/api/auth/me').set(bearer(token));
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/^(Phiên đăng nhập không hợp lệ|Tài khoản không tồn tại)/);
      // the pages treat it as no session: to the sign-in page
      const page = await t.http().get('/tickets').set('Cookie', `${SESSION_COOKIE}=${encodeURIComponent(token)}`);
      expect(page.status).toBe(303);
      expect(page.headers.location).toMatch(/^\/dang-nhap\?next=/);
    });
  });
});
