import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { signFacebookBody } from '../src/intake/channels/facebook-signature.js';
import { signZaloBody } from '../src/intake/channels/zalo-signature.js';
import { FormTokens } from '../src/intake/public/bot-trap.js';
import { StaffSessions, SESSION_COOKIE } from '../src/web/staff-session.js';
import { bearer, startTestApp, TEST_PASSWORD, tokensFor, type TestApp } from './support/test-app.js';

/**
 * Fuzzing every route the application serves (listed from the controllers: the API, the citizen app's API, the
 * pages, the webhooks, the telephone exchange), with and without a token of each role, with broken tokens, with
 * arbitrary JSON (deep nesting, NUL, lone surrogates, nulls, huge numbers, wrong types), arbitrary path parameters,
 * query strings and forms. Whatever comes in, the answer is never a 5xx. The runs are seeded: a failure reproduces.
 *
 * Every failing request is collected (not only the first), so one run lists every kind of 5xx at once.
 */

/** Fixed, so a failure reproduces; FUZZ_SEED=<n> explores other inputs (and prints the seed of a failure it finds). */
const SEED = Number(process.env.FUZZ_SEED ?? 1022);
/** FUZZ_RUNS_FACTOR=<x> sends x times as many requests (`npm run drill` sends more; 1 in `npm test`). */
const RUNS_FACTOR = Number(process.env.FUZZ_RUNS_FACTOR ?? 1);
if (!(RUNS_FACTOR > 0)) throw new Error(`FUZZ_RUNS_FACTOR must be a number above 0, got "${process.env.FUZZ_RUNS_FACTOR}"`);
/** Generous: a failing run collects and prints every 5xx rather than stopping at the first. */
const FUZZ_TIMEOUT = 180_000 * Math.max(1, RUNS_FACTOR);
const APP_ID = '1234567890123456';
const OA_KEY = 'oa-secret-key-for-fuzzing';
const FB_SECRET = 'facebook-app-secret-fuzz';
const FB_VERIFY = 'facebook-verify-token-fuzz';
const CALLS_SECRET = 'calls-shared-secret-for-fuzzing';

// ---------- strings, values and bodies ----------

/** What breaks text handling: NUL, lone surrogates (high and low), BOM, combining marks, RTL override, quotes … */
const NASTY = [
  '\u0000', 'a\u0000b', '\ud800', '\udfff', '\ud83d', 'x\ude00', '\ufeff', '\u0301', '\u202e', '\u200b', '\uffff', '\u0085',
  '%00', '%', '%ZZ', "'", '"', '\\', '\n', '\r\n', '\t', '<script>alert(1)</script>', '../../etc/passwd', '${x}', '{{x}}',
  '😀', '𝕍', 'Đ', 'ơ', '  ', '', 'null', 'undefined', 'NaN', '-1', '0', '1e400', 'true', '[]', '{}', ';DROP TABLE tickets;--',
];
/** Values the routes expect somewhere: codes, phones, dates, names, so that a fuzzed request gets past the first check. */
const PLAUSIBLE = [
  'SO-YTE', 'UB-29401', 'VP-847', 'AN-SINH', '29401', '294', '84', 'PA-2345-6789', '0912345678', '+84912345678',
  '2026-03-02', '2026-03-02T09:00:00+07:00', '2022-02-30', '2026-W10', 'daily', 'weekly', 'monthly', 'json', 'csv', 'xlsx',
  'docx', 'txt', 'html', 'received', 'assigned', 'hotline', 'app', 'web', 'admin', 'operator', 'leader', 'unit_staff',
  'province', 'district', 'commune', 'off', 'work', 'duplicate', 'spam', 'an@example.com', 'a@b', 'Nguyễn Văn An',
  'Đường ngập nước nhiều ngày không ai xử lý.', '6f1c2a0e-8d4b-4c3a-9e21-5b7d0f3a9c10', '00000000-0000-0000-0000-000000000000',
];

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.constantFrom(...PLAUSIBLE) },
);
const fuzzString = fc.oneof(
  { weight: 20, arbitrary: fc.array(piece, { maxLength: 4 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(300), 'Đ'.repeat(5001), 'a\u0000'.repeat(2000)) },
);

/** A leaf kept as raw JSON text (numbers JSON.stringify cannot write): replaced after stringifying. */
const RAW = (literal: string) => `\u0001RAW:${literal}\u0001`;
const withRawLiterals = (json: string) => json.replace(/"\\u0001RAW:(.*?)\\u0001"/g, '$1');

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.constantFrom(-1, 0, 1, 2 ** 31, 2 ** 53 + 2, 1e21, -1e308, 1.5, 0.1, Number.MAX_SAFE_INTEGER) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '-0', '1E-400', '0.0000000001').map(RAW) },
  { weight: 6, arbitrary: fuzzString },
  { weight: 1, arbitrary: fc.constantFrom([], {}, [null], { '': null }) },
);
const fuzzKey = fc.oneof(fc.constantFrom('a', '__proto__', 'constructor', 'toString', '', 'content', 'name', 'code', 'x.y', 'a\u0000'), fuzzString);
const { value: fuzzValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fuzzKey, tie('value'), { maxKeys: 3 }) },
  ),
}));

/** Deeply nested JSON text (the stack-overflow family): `{"a":` × n, `[` × n, closed or not, alone or inside a field. */
const deepJson = fc.record({
  open: fc.constantFrom('{"a":', '[', '{"x":[', '[{"a":'),
  n: fc.oneof(fc.integer({ min: 30, max: 40 }), fc.constantFrom(100, 1000, 3000, 5000)),
  closed: fc.boolean(),
  field: fc.option(fc.constantFrom('content', 'username', 'name', 'emails', 'entry'), { nil: undefined }),
}).map(({ open, n, closed, field }) => {
  const close = { '{"a":': '}', '[': ']', '{"x":[': ']}', '[{"a":': '}]' }[open]!;
  const inner = open.repeat(n) + (closed ? `1${close.repeat(n)}` : '');
  return field ? `{"${field}":${inner}${closed ? '}' : ''}` : inner;
});

const rawGarbage = fc.oneof(
  fc.constantFrom('', 'null', '"text"', '123', '1e999', '[]', 'true', '{', '{"a":1,}', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '\u0000', '{"__proto__":{"x":1}}'),
  fuzzString,
);

/** Either a valid body with some fields replaced or removed, or anything at all. */
function jsonText(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = [...Object.keys(valid), 'extra', 'version'];
  const mutated = fc.array(fc.tuple(fc.constantFrom(...keys), fc.option(fuzzValue, { nil: undefined, freq: 4 })), { minLength: 1, maxLength: 2 })
    .map((changes) => {
      const body: Record<string, unknown> = { ...valid };
      for (const [k, v] of changes) {
        if (v === undefined) delete body[k];
        else body[k] = v;
      }
      return withRawLiterals(JSON.stringify(body));
    });
  // an explicit null in place of one value: what @IsOptional() lets through to NOT NULL columns
  const nulled = fc.constantFrom(...keys).map((k) => JSON.stringify({ ...valid, [k]: null }));
  return fc.oneof(
    { weight: 8, arbitrary: mutated },
    { weight: 2, arbitrary: nulled },
    { weight: 3, arbitrary: fc.constant(JSON.stringify(valid)) },
    { weight: 2, arbitrary: fuzzValue.map((v) => withRawLiterals(JSON.stringify(v) ?? 'null')) },
    { weight: 2, arbitrary: deepJson },
    { weight: 1, arbitrary: rawGarbage },
  );
}

/** Percent-encodes, keeping what cannot be UTF-8 (a lone surrogate) as the bytes of its CESU-8 form. */
function enc(s: string): string {
  return s.split(/([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/).map((part, i) => {
    if (i % 2 === 0) return encodeURIComponent(part);
    const c = part.charCodeAt(0);
    return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  }).join('');
}
/** A path parameter: mostly a plausible value (to reach the service), else a fuzzed string or raw (encoded) trouble. */
const rawPathPiece = fc.constantFrom('%00', 'abc%00def', '%ED%A0%80', '%FF', '%C0%80', '%', '%2e%2e', '%2F', '..', '%20', 'a%0Ab', '%E2%80%AE');
function paramArb(valid: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...valid).map(enc) },
    { weight: 3, arbitrary: fuzzString.filter((s) => s !== '').map(enc) },
    { weight: 1, arbitrary: rawPathPiece },
  );
}

/** Pairs of plausible values for some of the names, with 0–2 of them replaced or joined by fuzzed or raw ones. */
function pairsArb(spec: Record<string, readonly string[]>, junkKeys: readonly string[]): fc.Arbitrary<Array<[string, string]>> {
  const names = Object.keys(spec);
  const base = fc.subarray(names).chain((picked) => fc.tuple(...picked.map((k) => fc.constantFrom(...spec[k]!).map((v): [string, string] => [enc(k), enc(v)]))));
  const junk = fc.oneof(
    ...(names.length ? [{ weight: 3, arbitrary: fc.tuple(fc.constantFrom(...names).map(enc), fuzzString.map(enc)) }] : []),
    { weight: 1, arbitrary: fc.tuple(fuzzString.map(enc), fuzzString.map(enc)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...junkKeys), rawPathPiece) },
    { weight: 1, arbitrary: fc.tuple(fc.constant(''), rawPathPiece) },
  );
  return fc.tuple(base, fc.array(junk, { maxLength: 2 }), fc.boolean()).map(([b, j, replace]) => {
    const pairs = [...b];
    for (const [k, v] of j) {
      const i = replace ? pairs.findIndex(([name]) => name === k) : -1;
      if (i >= 0) pairs[i] = [k, v];
      else pairs.push([k, v]);
    }
    return pairs;
  });
}
const joinPairs = (pairs: Array<[string, string]>) => pairs.map(([k, v]) => (k ? `${k}=${v}` : v)).join('&');

/** A query string: some of the route's own parameters, sometimes fuzzed, repeated or joined by others. */
function queryArb(spec: Record<string, readonly string[]>): fc.Arbitrary<string> {
  return pairsArb(spec, ['a[b]', 'a[]', '__proto__', 'a[b][c][d]']).map((pairs) => (pairs.length ? `?${joinPairs(pairs)}` : ''));
}
/** An HTML form: the route's fields, mostly all of them with plausible values, some fuzzed; or something else. */
function formText(fields: Record<string, readonly string[]>): fc.Arbitrary<string> {
  const names = Object.keys(fields);
  const complete = fc.tuple(...names.map((k) => fc.constantFrom(...fields[k]!)))
    .chain((values) => fc.tuple(fc.constant(values), fc.array(fc.tuple(fc.nat(Math.max(0, names.length - 1)), fc.option(fuzzString, { nil: undefined, freq: 4 })), { maxLength: 2 })))
    .map(([values, changes]) => {
      const form = new Map(names.map((k, i) => [k, values[i] as string | undefined]));
      for (const [i, v] of changes) if (names[i] !== undefined) form.set(names[i]!, v);
      return [...form].filter(([, v]) => v !== undefined).map(([k, v]) => `${enc(k)}=${enc(v!)}`).join('&');
    });
  return fc.oneof(
    ...(names.length ? [{ weight: 6, arbitrary: complete }] : []),
    { weight: 1, arbitrary: pairsArb(fields, ['a[b]', 'username', 'next']).map(joinPairs) },
    { weight: 1, arbitrary: fc.constantFrom('a=%00', 'username=a%00b&password=x', '%ZZ=1', '=', '&&&', 'a[b][c]=1', 'a=' + 'b'.repeat(3000)) },
  );
}

/** The CSV import's columns, and the smallest valid PNG (the citizen app's photos). */
const IMPORT_HEADER = 'code,channel,received_at,reporter_name,reporter_phone,area_code,category_code,content,unit_code,due_at,resolved_at,status,resolution';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

// ---------- requests ----------

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
interface Sent {
  method: Method;
  path: string;
  auth: string;
  headers: Record<string, string>;
  contentType?: string;
  body?: string;
  multipart?: Array<[string, string]>;
  /** Files of a multipart body: field, content, file name, content type. */
  files?: Array<[string, Buffer, string, string]>;
  /** Computes headers that depend on the final body (a webhook's signature). */
  sign?: (body: string) => Record<string, string>;
}

interface Route {
  method: Method;
  /** With :params. */
  path: string;
  params?: Record<string, readonly string[]>;
  query?: Record<string, readonly string[]>;
  /** A valid JSON body to mutate. */
  json?: Record<string, unknown>;
  /** An HTML form's fields and plausible values. */
  form?: Record<string, readonly string[]>;
  /** Also sent as multipart/form-data (the citizen app's photos, the CSV import). */
  multipart?: boolean;
  /** The CSV import takes text/csv. */
  csv?: boolean;
  /** How it authenticates: bearer token (default), staff session cookie, or none that matters. */
  auth?: 'bearer' | 'cookie' | 'public';
  headers?: (body: string) => Record<string, string>;
}

describe('fuzzed requests never answer 5xx (seeded fast-check)', () => {
  let t: TestApp;
  /** Bearer tokens and session cookies by name: every role, and tokens that must be refused. */
  const tokens: Record<string, string> = {};
  let csrf: (token: string) => string;
  let formToken: () => string;
  const fx = { ticket: '', tickets: [] as string[], call: '', victim: '', rule: '' };
  const failures: string[] = [];
  /** Requests answered below 400: the fuzzing must get past the first checks, not only collect refusals. */
  let accepted = 0;
  const statusCounts = new Map<string, number>();
  const routeOf = (p: string) => p.split('?')[0]!.replace(/PA-[A-Z0-9]{4}-[A-Z0-9]{4}/, ':code');

  const uploadDir = mkdtempSync(join(tmpdir(), 'fuzz-uploads-'));

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        UPLOAD_DIR: uploadDir,
        PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
        CALLS_SHARED_SECRET: CALLS_SECRET,
        ZALO_APP_ID: APP_ID, ZALO_APP_SECRET: 'zalo-app-secret-fuzz', ZALO_OA_SECRET_KEY: OA_KEY,
        ZALO_ACCESS_TOKEN: 'zalo-access-token-fuzz', ZALO_REFRESH_TOKEN: 'zalo-refresh-token-fuzz', ZALO_API_URL: 'http://127.0.0.1:9',
        ZALO_OAUTH_URL: 'http://127.0.0.1:9',
        FACEBOOK_APP_SECRET: FB_SECRET, FACEBOOK_VERIFY_TOKEN: FB_VERIFY, FACEBOOK_PAGE_ACCESS_TOKEN: 'facebook-page-token-fuzz',
        FACEBOOK_GRAPH_URL: 'http://127.0.0.1:9',
      },
    });
    const [admin, coordinator, operator, unitStaff, leader] = await tokensFor(t, [
      ['admin', null, 'fuzzadmin'], 'coordinator', 'operator', ['unit_staff', 'SO-YTE'],
      ['leader', 'VP-847'],
    ]);
    Object.assign(tokens, { admin, coordinator, operator, unitStaff, leader });
    const key = new TextEncoder().encode(t.env.JWT_SECRET);
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const jwt = (sub: string | null, opts: { exp?: number; key?: Uint8Array } = {}) => {
      const s = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now).setExpirationTime(opts.exp ?? now + 3600);
      return (sub === null ? s : s.setSubject(sub)).sign(opts.key ?? key);
    };
    Object.assign(tokens, {
      subjectNotUuid: await jwt('abc'),
      subjectNul: await jwt('a\u0000b'),
      subjectInjection: await jwt("1' OR '1'='1"),
      subjectUnknownUuid: await jwt(randomUUID()),
      noSubject: await jwt(null),
      expired: await jwt(randomUUID(), { exp: now - 60 }),
      wrongKey: await jwt(randomUUID(), { key: new TextEncoder().encode('another-secret-another-secret-123') }),
      unsigned: `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"abc"}').toString('base64url')}.`,
      garbage: 'not.a.token',
    });
    const sessions = t.app.get(StaffSessions);
    csrf = (token) => sessions.csrfFor(token);
    const forms = t.app.get(FormTokens);
    formToken = () => forms.issue(Date.now() - 10_000);

    // tickets in several states, so that every lifecycle action meets one it applies to
    const newTicket = async (extra: Record<string, unknown>) => (await t.http().post('/api/tickets').set(bearer(operator)).send({
      channel: 'hotline', reporterName: 'Lê Văn A', reporterPhone: '0912345678', content: 'Chưa nhận được gói hỗ trợ.', ...extra,
    }).expect(201)).body.code as string;
    const routed = await newTicket({ areaCode: '29401', categoryCode: 'AN-SINH' });
    const waiting = await newTicket({});
    const inProgress = await newTicket({});
    const resolved = await newTicket({});
    for (const code of [inProgress, resolved]) {
      await t.http().post(`/api/tickets/${code}/assign`).set(bearer(coordinator)).send({ unitCode: 'SO-YTE' }).expect(200);
      await t.http().post(`/api/tickets/${code}/accept`).set(bearer(unitStaff)).send({}).expect(200);
    }
    await t.http().post(`/api/tickets/${resolved}/resolve`).set(bearer(unitStaff)).send({ resolution: 'Đã chi trả.' }).expect(200);
    fx.tickets = [routed, waiting, inProgress, resolved];
    fx.ticket = routed;
    await t.http().post('/api/calls').set('X-Calls-Secret', CALLS_SECRET)
      .send({ callId: 'fuzz-call-1', callerNumber: '0912345678', startedAt: '2026-03-02T08:55:00+07:00' }).expect(200);
    fx.call = 'fuzz-call-1';
    await t.userToken('unit_staff', 'SO-YTE', 'nannhan');
    fx.victim = 'nannhan';
    const rules = await t.http().get('/api/routing-rules').set(bearer(admin)).expect(200);
    fx.rule = rules.body[0]?.id ?? randomUUID();
  }, 120_000);

  afterAll(async () => {
    if (process.env.FUZZ_STATS) console.log([...statusCounts].filter(([k]) => !/%|\/x\b/.test(k)).sort().map(([k, v]) => `${k}: ${v}`).join('\n'));
    await t?.close();
    rmSync(uploadDir, { recursive: true, force: true });
  });

  const BEARERS = ['none', 'admin', 'coordinator', 'operator', 'unitStaff', 'leader', 'subjectNotUuid', 'subjectNul', 'subjectInjection',
    'subjectUnknownUuid', 'noSubject', 'expired', 'wrongKey', 'unsigned', 'garbage', 'emptyBearer', 'basic'] as const;
  const authArb = fc.oneof(
    { weight: 4, arbitrary: fc.constant('admin') },
    { weight: 6, arbitrary: fc.constantFrom('coordinator', 'operator', 'unitStaff', 'leader') },
    { weight: 3, arbitrary: fc.constantFrom(...BEARERS) },
  );

  function authHeaders(route: Route, auth: string): Record<string, string> {
    if (auth === 'none') return {};
    if (route.auth === 'cookie') {
      const token = tokens[auth] ?? 'x';
      return { Cookie: `${SESSION_COOKIE}=${encodeURIComponent(token)}` };
    }
    if (auth === 'emptyBearer') return { Authorization: 'Bearer ' };
    if (auth === 'basic') return { Authorization: 'Basic YWRtaW46YWRtaW4=' };
    return { Authorization: `Bearer ${tokens[auth]}` };
  }

  function requestArb(route: Route): fc.Arbitrary<Sent> {
    const paramNames = Object.keys(route.params ?? {});
    const params = fc.tuple(...paramNames.map((n) => paramArb(route.params![n]!)));
    const query = queryArb(route.query ?? {});
    const csvText = fc.oneof(
      fc.constant(`${IMPORT_HEADER}\r\nHS-1,hotline,2026-03-01T08:00:00+07:00,Lê Văn A,0912345678,29401,AN-SINH,Nội dung,,,,,\r\n`),
      fc.array(fc.array(fuzzString, { maxLength: 13 }), { maxLength: 3 }).map((rows) => [IMPORT_HEADER, ...rows.map((r) => r.join(','))].join('\r\n')),
      fc.array(fc.array(fuzzString, { maxLength: 4 }), { maxLength: 4 }).map((rows) => rows.map((r) => r.join(',')).join('\n')),
    );
    const body: fc.Arbitrary<Pick<Sent, 'contentType' | 'body' | 'multipart' | 'files'>> = route.csv
      ? fc.oneof(
        csvText.map((text) => ({ contentType: 'text/csv', body: text })),
        fc.tuple(csvText, fc.constantFrom('file', 'x'), fc.constantFrom('text/csv', 'application/octet-stream'))
          .map(([text, field, type]) => ({ multipart: [], files: [[field, Buffer.from(text), 'phan-anh.csv', type]] as Sent['files'] })),
        fc.array(fc.tuple(fc.constantFrom('file', 'x'), fuzzString), { maxLength: 3 }).map((multipart) => ({ multipart })),
      )
      : route.form
        ? fc.tuple(formText(route.form), fc.constantFrom<'valid' | 'wrong' | 'none'>('valid', 'valid', 'wrong', 'none'), fc.boolean())
          .map(([text, c, withTs]) => ({ contentType: 'application/x-www-form-urlencoded', body: `${text}${withTs ? `&ts=${enc(formToken())}` : ''}${c === 'none' ? '' : `&_csrf=${c === 'wrong' ? 'x' : '__CSRF__'}`}` }))
        : route.json
          ? fc.oneof(
            { weight: 8, arbitrary: jsonText(route.json).map((text) => ({ contentType: 'application/json', body: text })) },
            { weight: 1, arbitrary: fc.tuple(jsonText(route.json), fc.constantFrom('text/plain', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'application/vnd.api+json'))
              .map(([text, contentType]) => ({ contentType, body: text })) },
            ...(route.multipart
              ? [{ weight: 3, arbitrary: fc.tuple(
                fc.array(fc.tuple(fc.constantFrom(...Object.keys(route.json), 'attachments', 'x'), fuzzString), { maxLength: 8 }),
                fc.array(fc.tuple(fc.constantFrom('attachments', 'x'), fc.oneof(fuzzString.map((t) => Buffer.from(t)), fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), fc.constant(PNG)), fc.constantFrom('a.png', 'a\u0000.jpg', '../../x.heic', ''), fc.constantFrom('image/png', 'image/jpeg', 'text/plain')), { maxLength: 2 }),
              ).map(([multipart, files]) => ({ multipart, files: files as Sent['files'] })) }]
              : []),
          )
          : fc.constant({});
    return fc.record({ params, query, body, auth: route.auth === 'public' ? fc.constantFrom('none', 'admin', 'garbage') : authArb })
      .map(({ params: values, query: q, body: b, auth }) => {
        let path = route.path;
        paramNames.forEach((n, i) => {
          path = path.replace(`:${n}`, values[i] || 'x');
        });
        const headers = authHeaders(route, auth);
        let text = b.body;
        if (text !== undefined && text.includes('__CSRF__')) text = text.replace('__CSRF__', enc(csrf(tokens[auth] ?? '')));
        return { method: route.method, path: path + q, auth, headers, contentType: b.contentType, body: text, multipart: b.multipart, files: b.files, sign: route.headers };
      });
  }

  async function send(r: Sent): Promise<void> {
    let req = t.http()[r.method](r.path).ok(() => true).timeout(15_000);
    for (const [k, v] of Object.entries(r.headers)) req = req.set(k, v);
    if (r.sign && r.body !== undefined) for (const [k, v] of Object.entries(r.sign(r.body))) req = req.set(k, v);
    if (r.multipart) {
      for (const [k, v] of r.multipart) req = req.field(k, v);
      for (const [k, content, filename, contentType] of r.files ?? []) req = req.attach(k, content, { filename, contentType });
    } else if (r.body !== undefined) {
      req = req.set('Content-Type', r.contentType ?? 'application/json').send(r.body);
    }
    const show = (s: string | undefined, n: number) => JSON.stringify(s === undefined ? '' : s.length > n ? `${s.slice(0, n)}…(${s.length})` : s);
    const what = `${r.method.toUpperCase()} ${r.path.length > 200 ? `${r.path.slice(0, 200)}…` : r.path} auth=${r.auth} `
      + (r.multipart ? `multipart=${show(JSON.stringify([...r.multipart, ...(r.files ?? []).map(([k, c, f]) => [k, f, c.toString('latin1')])]), 300)}` : `${r.contentType ?? ''} ${show(r.body, 300)}`);
    try {
      const res = await req;
      const key = `${r.method.toUpperCase()} ${routeOf(r.path)} ${res.status}`;
      statusCounts.set(key, (statusCounts.get(key) ?? 0) + 1);
      if (res.status < 400) accepted++;
      if (res.status >= 500) failures.push(`${res.status} ${what} → ${show(res.text, 200)}`);
    } catch (e) {
      failures.push(`no answer (${(e as Error).message}) ${what}`);
    }
  }

  /** Runs `baseRuns` × FUZZ_RUNS_FACTOR fuzzed requests spread over the routes, and expects no 5xx among them. */
  async function fuzz(routes: () => Route[], baseRuns: number, seedOffset: number): Promise<void> {
    const runs = Math.max(1, Math.round(baseRuns * RUNS_FACTOR));
    const list = routes();
    const before = failures.length;
    const acceptedBefore = accepted;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...list).chain(requestArb), async (r) => {
        await send(r);
      }),
      { seed: SEED + seedOffset, numRuns: runs },
    );
    // the seed is shown with any failure, to reproduce it
    expect({ FUZZ_SEED: SEED, failures: failures.slice(before) }).toEqual({ FUZZ_SEED: SEED, failures: [] });
    // and the requests reached the services: a share of them was accepted (a broken login would make them all 401)
    expect(accepted - acceptedBefore).toBeGreaterThan(runs / 20);
  }

  const uuidOr = (...ids: string[]) => [...ids, '3b0f6f52-2d7e-4d8a-a1c4-9e6b2f1d7a53', 'abc', '1'];

  it('the citizen app, login and the telephone exchange (no token needed)', async () => {
    await fuzz((): Route[] => [
      { method: 'post', path: '/api/auth/login', auth: 'public', json: { username: 'fuzzadmin', password: TEST_PASSWORD } },
      {
        method: 'post', path: '/api/public/reports', auth: 'public', multipart: true,
        json: { fullName: 'Nguyễn Văn An', phone: '0912345678', email: 'an@example.com', areaCode: '29401', address: 'Ấp 3', categoryCode: 'AN-SINH', content: 'Đường ngập nước nhiều ngày không ai xử lý.' },
      },
      { method: 'get', path: '/api/public/reports/:code', auth: 'public', params: { code: [...fx.tickets, 'PA-2345-6789'] }, query: { phone: ['0912345678', '+84912345678'] } },
      { method: 'post', path: '/api/public/app-installs', auth: 'public', json: { platform: 'android', installationId: 'abcdefgh-1234' } },
      {
        method: 'post', path: '/api/calls', auth: 'public', json: { callId: 'c-20260302-1', callerNumber: '0912345678', startedAt: '2026-03-02T09:00:00+07:00' },
        headers: () => ({ 'X-Calls-Secret': CALLS_SECRET }),
      },
      { method: 'get', path: '/health', auth: 'public' },
    ], 500, 1);
  }, FUZZ_TIMEOUT);

  it('the chat webhooks, signed and unsigned', async () => {
    const ts = () => String(t.clock.now().getTime());
    await fuzz((): Route[] => [
      {
        method: 'post', path: '/webhooks/zalo', auth: 'public',
        json: { app_id: APP_ID, user_id_by_app: '552177279717587730', event_name: 'user_send_text', timestamp: ts(), sender: { id: '2512523625412515' }, recipient: { id: '579745863508352884' }, message: { msg_id: 'msg-1', text: 'Xin chào, đường bị ngập.' } },
        // the body's own timestamp takes part in the signature: fuzzed bodies without one are sent with any signature
        headers: (body) => {
          try {
            return { 'X-ZEvent-Signature': signZaloBody(Buffer.from(body), APP_ID, OA_KEY) };
          } catch {
            return { 'X-ZEvent-Signature': `mac=${'a'.repeat(64)}` };
          }
        },
      },
      {
        method: 'post', path: '/webhooks/facebook', auth: 'public',
        json: { object: 'page', entry: [{ id: 'page-1', time: 1772416800000, messaging: [{ sender: { id: 'psid-1' }, recipient: { id: 'page-1' }, timestamp: 1772416800000, message: { mid: 'm_1', text: 'Đèn đường hỏng.' } }] }] },
        headers: (body) => ({ 'X-Hub-Signature-256': signFacebookBody(Buffer.from(body), FB_SECRET) }),
      },
      { method: 'post', path: '/webhooks/zalo', auth: 'public', json: { timestamp: ts() }, headers: () => ({ 'X-ZEvent-Signature': 'mac=' + '0'.repeat(64) }) },
      { method: 'get', path: '/webhooks/facebook', auth: 'public', query: { 'hub.mode': ['subscribe'], 'hub.verify_token': [FB_VERIFY], 'hub.challenge': ['12345'] } },
    ], 250, 2);
  }, FUZZ_TIMEOUT);

  it('the staff API: tickets, lifecycle, deadlines, calls', async () => {
    await fuzz((): Route[] => [
      { method: 'get', path: '/api/auth/me' },
      {
        method: 'post', path: '/api/tickets',
        json: { channel: 'hotline', reporterName: 'Lê Văn B', reporterPhone: '0912345678', reporterEmail: 'b@example.com', areaCode: '29401', address: 'Ấp 1', categoryCode: 'AN-SINH', content: 'Nội dung phản ánh.', urgent: false },
      },
      {
        method: 'get', path: '/api/tickets',
        query: { status: ['received', 'received,assigned'], unit: ['SO-YTE', 'none'], category: ['AN-SINH'], channel: ['hotline'], area: ['29401', '294'], overdue: ['true', 'false'], receivedFrom: ['2026-03-01'], receivedTo: ['2026-03-03T00:00'], q: ['hoa loi', '%_'], phone: ['0912345678'], page: ['1', '0', '99999999999'], pageSize: ['10', '1000'] },
      },
      { method: 'get', path: '/api/tickets/:code', params: { code: [...fx.tickets, 'PA-2345-6789'] } },
      { method: 'post', path: '/api/tickets/:code/assign', params: { code: fx.tickets }, json: { unitCode: 'SO-YTE', categoryCode: 'AN-SINH', areaCode: '29401', note: 'Giao Sở Y tế.' } },
      { method: 'post', path: '/api/tickets/:code/accept', params: { code: fx.tickets }, json: { note: 'Đã nhận.' } },
      { method: 'post', path: '/api/tickets/:code/return', params: { code: fx.tickets }, json: { reason: 'Không thuộc thẩm quyền.' } },
      { method: 'post', path: '/api/tickets/:code/resolve', params: { code: fx.tickets }, json: { resolution: 'Đã xử lý xong.' } },
      { method: 'post', path: '/api/tickets/:code/close', params: { code: fx.tickets }, json: { note: 'Đóng.' } },
      { method: 'post', path: '/api/tickets/:code/reject', params: { code: fx.tickets }, json: { reason: 'duplicate', duplicateOf: 'PA-2345-6789', note: 'Trùng.' } },
      { method: 'post', path: '/api/tickets/:code/merge', params: { code: fx.tickets }, json: { intoCode: 'PA-2345-6789', note: 'Trùng.' } },
      { method: 'post', path: '/api/tickets/:code/reopen', params: { code: fx.tickets }, json: { reason: 'Người dân chưa hài lòng.' } },
      { method: 'post', path: '/api/tickets/:code/comments', params: { code: fx.tickets }, json: { text: 'Đã gọi lại cho người dân.', internal: true } },
      { method: 'post', path: '/api/tickets/:code/extend', params: { code: fx.tickets }, json: { dueAt: '2026-03-20T16:00:00+07:00', reason: 'Cần thêm thời gian xác minh.' } },
      { method: 'post', path: '/api/tickets/:code/extension-requests', params: { code: fx.tickets }, json: { dueAt: '2026-03-20T16:00:00+07:00', reason: 'Chờ xác minh.' } },
      { method: 'get', path: '/api/tickets/:code/extension-requests', params: { code: fx.tickets } },
      { method: 'post', path: '/api/tickets/:code/extension-requests/approve', params: { code: fx.tickets }, json: { dueAt: '2026-03-21T16:00:00+07:00', note: 'Đồng ý.' } },
      { method: 'post', path: '/api/tickets/:code/extension-requests/decline', params: { code: fx.tickets }, json: { reason: 'Hạn còn đủ.' } },
      { method: 'get', path: '/api/tickets/:code/feedback', params: { code: fx.tickets } },
      { method: 'post', path: '/api/tickets/:code/feedback', params: { code: fx.tickets }, json: { settled: 'no', rating: '2', reason: 'Chưa xong.' } },
      { method: 'post', path: '/api/tickets/:code/explain-dispute', params: { code: fx.tickets }, json: { text: 'Đã kiểm tra lại.' } },
      { method: 'get', path: '/api/tickets/:code/deadline', params: { code: fx.tickets } },
      { method: 'post', path: '/api/tickets/import', csv: true },
      { method: 'get', path: '/api/overdue', query: { at: ['2026-03-02', '2026-03-02T16:00:00+07:00'], unit: ['SO-YTE', 'none'], page: ['1', '-1'], pageSize: ['50', '201'] } },
      { method: 'get', path: '/api/calendar', query: { year: ['2026', '1999', '99999999999999999999'] } },
      { method: 'put', path: '/api/calendar/:date', params: { date: ['2026-05-04', '2026-02-30', '2026-13-01'] }, json: { kind: 'off', name: 'Nghỉ bù' } },
      { method: 'delete', path: '/api/calendar/:date', params: { date: ['2026-05-04', '2026-02-30'] } },
      { method: 'post', path: '/api/calls/:callId/ticket', params: { callId: [fx.call, 'unknown-call'] }, json: { reporterName: 'Lê Văn C', areaCode: '29401', categoryCode: 'AN-SINH', content: 'Gọi hỏi về trợ cấp.', channel: 'hotline' } },
      { method: 'get', path: '/api/calls/:callId', params: { callId: [fx.call, 'unknown-call'] } },
    ], 1000, 3);
  }, FUZZ_TIMEOUT);

  it('the staff API: directory, users, routing, reports, outbox', async () => {
    await fuzz((): Route[] => [
      { method: 'get', path: '/api/areas', query: { parentCode: ['294', '84', ''] } },
      { method: 'get', path: '/api/units', query: { level: ['commune'], parentCode: ['VP-847'], active: ['true'], q: ['hoa loi'] } },
      { method: 'get', path: '/api/units/:code', params: { code: ['SO-YTE', 'UB-29401'] } },
      { method: 'post', path: '/api/units', json: { code: 'DV-MOI', name: 'Đơn vị mới', level: 'commune', parentCode: 'VP-847', areaCode: '29401', emails: ['dv@example.com'], active: true } },
      { method: 'patch', path: '/api/units/:code', params: { code: ['UB-29401', 'SO-YTE'] }, json: { name: 'UBND xã Hòa Lợi', level: 'commune', parentCode: 'VP-847', areaCode: '29401', emails: ['hoaloi@example.com'], active: true } },
      { method: 'post', path: '/api/units/:code/merge', params: { code: ['UB-29401', 'SO-YTE'] }, json: { intoCode: 'SO-YTE' } },
      { method: 'get', path: '/api/categories' },
      { method: 'post', path: '/api/categories', json: { code: 'LV-MOI', name: 'Lĩnh vực mới', deadlineHours: 24, deadlineMode: 'working', urgent: false } },
      { method: 'patch', path: '/api/categories/:code', params: { code: ['AN-SINH'] }, json: { name: 'An sinh xã hội', deadlineHours: 120, deadlineMode: 'working', urgent: false, active: true } },
      { method: 'get', path: '/api/users' },
      { method: 'post', path: '/api/users', json: { username: 'nguoimoi', password: 'mat-khau-moi-123', role: 'unit_staff', unitCode: 'SO-YTE', fullName: 'Nguyễn Văn B' } },
      { method: 'patch', path: '/api/users/:username', params: { username: [fx.victim] }, json: { fullName: 'Trần Thị C', role: 'unit_staff', unitCode: 'SO-YTE', active: true } },
      { method: 'get', path: '/api/routing-rules' },
      { method: 'post', path: '/api/routing-rules', json: { categoryCode: 'AN-SINH', areaCode: '29401', unitCode: 'SO-YTE', toCommuneCommittee: false } },
      { method: 'delete', path: '/api/routing-rules/:id', params: { id: uuidOr(fx.rule) } },
      { method: 'get', path: '/api/outbox', query: { status: ['failed', 'pending'] } },
      { method: 'post', path: '/api/outbox/:id/retry', params: { id: uuidOr() } },
      { method: 'get', path: '/api/recipient-lists' },
      { method: 'put', path: '/api/recipient-lists/:code', params: { code: ['leadership', 'coordinators'] }, json: { emails: ['lanhdao@example.com'] } },
      { method: 'get', path: '/api/reports/unit-statistics', query: { from: ['2026-03-01'], to: ['2026-03-02', '2026-02-01'], format: ['json', 'csv'] } },
      { method: 'get', path: '/api/reports/sent' },
      { method: 'post', path: '/api/reports/sent/:id/resend', params: { id: uuidOr() } },
      { method: 'get', path: '/api/reports/:kind', params: { kind: ['daily', 'weekly', 'monthly'] }, query: { date: ['2026-03-02', '2026-02-30'], format: ['json', 'txt', 'html', 'xlsx', 'docx'] } },
      { method: 'get', path: '/docs' },
    ], 900, 4);
  }, FUZZ_TIMEOUT);

  it('the pages: sign-in, the citizen form and tracking, the staff pages', async () => {
    await fuzz((): Route[] => [
      { method: 'get', path: '/dang-nhap', auth: 'cookie', query: { next: ['/tickets', '//evil.example', '/tickets/PA-2345-6789'] } },
      { method: 'post', path: '/dang-nhap', auth: 'cookie', form: { username: ['fuzzadmin', 'a\u0000b'], password: [TEST_PASSWORD], next: ['/tickets'] } },
      { method: 'post', path: '/dang-xuat', auth: 'cookie', form: {} },
      { method: 'get', path: '/gui-phan-anh', auth: 'public' },
      {
        method: 'post', path: '/gui-phan-anh', auth: 'public',
        form: { fullName: ['Nguyễn Văn An'], phone: ['0912345678'], email: ['an@example.com'], areaCode: ['29401'], categoryCode: ['AN-SINH'], address: ['Ấp 3'], content: ['Đường ngập nước nhiều ngày không ai xử lý.'], website: [''] },
      },
      { method: 'get', path: '/gui-phan-anh/da-gui', auth: 'public', query: { ma: [fx.ticket, 'PA-2345-6789'] } },
      { method: 'get', path: '/tra-cuu', auth: 'public', query: { ma: [fx.ticket] } },
      { method: 'get', path: '/danh-gia/:code', auth: 'public', params: { code: [...fx.tickets, 'PA-2345-6789'] }, query: { k: ['AAAAAAAAAAAAAAAAAAAAAAAA'] } },
      { method: 'post', path: '/danh-gia/:code', auth: 'public', params: { code: fx.tickets }, query: { k: ['AAAAAAAAAAAAAAAAAAAAAAAA'] }, form: { settled: ['yes', 'no'], rating: ['5', '0'], reason: ['Ổn.'] } },
      { method: 'get', path: '/hoi-dap', auth: 'public', query: { q: ['ho tro', 'gạo'], xa: ['29401'], 'linh-vuc': ['AN-SINH'], trang: ['2'] } },
      { method: 'get', path: '/open311/v2/services.json', auth: 'public' },
      { method: 'get', path: '/open311/v2/requests.json', auth: 'public', query: { service_code: ['AN-SINH'], status: ['open', 'closed'], start_date: ['2026-03-01'] } },
      { method: 'post', path: '/tra-cuu', auth: 'public', form: { code: [...fx.tickets, 'PA-2345-6789'], phone: ['0912345678'] } },
      { method: 'get', path: '/tickets', auth: 'cookie', query: { status: ['received'], q: ['hoa loi'], overdue: ['true'], page: ['2'], ma: [fx.ticket], da: ['assign'] } },
      { method: 'get', path: '/tickets/:code', auth: 'cookie', params: { code: [...fx.tickets, 'PA-2345-6789'] }, query: { da: ['assign'] } },
      {
        method: 'post', path: '/tickets/:code/:action', auth: 'cookie',
        params: { code: fx.tickets, action: ['assign', 'accept', 'return', 'resolve', 'close', 'reject', 'reopen', 'extend', 'comment', 'merge'] },
        form: { unitCode: ['SO-YTE'], note: ['Ghi chú'], reason: ['Lý do', 'duplicate'], resolution: ['Đã xong'], duplicateOf: ['PA-2345-6789'], dueAt: ['2026-03-20T16:00'], text: ['Ý kiến'], public: ['on'], version: ['1', '999999999999'] },
      },
      { method: 'get', path: '/tre-han', auth: 'cookie', query: { 'don-vi': ['SO-YTE'], trang: ['1', '-5'] } },
    ], 600, 5);
  }, FUZZ_TIMEOUT);
});
