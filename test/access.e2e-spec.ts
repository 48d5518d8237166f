import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { TicketAction } from '../src/tickets/ticket-state.js';
import { bearer, startTestApp, TEST_PASSWORD, tokensFor, type TestApp } from './support/test-app.js';

/**
 * Who may read and do what (issue 2, section 5), end to end: every role, tokens, login and deactivated accounts.
 * A ticket one may not read answers 404; an action one may not take answers 403; no or a bad token answers 401.
 */

const HOUR = 3600_000;
const BASE = '2026-03-02T09:00:00+07:00';
const VIETNAMESE = /[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]/i;

const BODY: Record<TicketAction, Record<string, unknown>> = {
  assign: { unitCode: 'VP-847' },
  accept: {},
  return: { reason: 'Không thuộc thẩm quyền' },
  resolve: { resolution: 'Đã xử lý xong' },
  close: {},
  reject: { reason: 'spam' },
  reopen: { reason: 'Phản ánh lại' },
};
const ALL_ACTIONS = Object.keys(BODY) as TicketAction[];
const COORDINATOR_ACTIONS: TicketAction[] = ['assign', 'close', 'reject', 'reopen'];
const UNIT_ACTIONS: TicketAction[] = ['accept', 'return', 'resolve'];

describe('access (e2e)', () => {
  let t: TestApp;
  let admin: string, coord: string, op: string, staffHL: string, staffYT: string, staffSY: string, leaderVP: string, leaderAll: string;
  /** Tickets of: UB-29401 (Hòa Lợi), YT-847 (Châu Thành health office), SO-YTE, none (queue), UB-29236 (Phường 4, TP Trà Vinh). */
  const tk = { hl: '', yt: '', sy: '', queue: '', p4: '' };

  beforeAll(async () => {
    t = await startTestApp({ now: BASE });
    [admin, coord, op, staffHL, staffYT, staffSY, leaderVP, leaderAll] = await tokensFor(t, [
      'admin', 'coordinator', 'operator',
      ['unit_staff', 'UB-29401'], ['unit_staff', 'YT-847'], ['unit_staff', 'SO-YTE'],
      ['leader', 'VP-847'], ['leader', null],
    ]);
    tk.hl = (await create({ categoryCode: 'AN-SINH', areaCode: '29401' }, 'UB-29401')).code;
    tk.yt = (await create({ categoryCode: 'Y-TE', areaCode: '29401' }, 'YT-847')).code;
    tk.sy = (await create({ categoryCode: 'Y-TE' }, 'SO-YTE')).code;
    tk.queue = (await create({ categoryCode: 'KHAC' }, null)).code;
    tk.p4 = (await create({ categoryCode: 'AN-SINH', areaCode: '29236' }, 'UB-29236')).code;
  });
  afterAll(() => t?.close());
  beforeEach(() => t.clock.set(BASE));

  async function create(body: Record<string, unknown>, expectUnit: string | null, token = op) {
    const res = await t.http().post('/api/tickets').set(bearer(token)).send({ channel: 'hotline', reporterName: 'Người dân', content: 'Nội dung phản ánh', ...body });
    expect(res.status).toBe(201);
    expect(res.body.assignedUnit?.code ?? null).toBe(expectUnit);
    return res.body;
  }
  const get = (token: string, code: string) => t.http().get(`/api/tickets/${code}`).set(bearer(token));
  const act = (token: string, code: string, action: TicketAction, body = BODY[action]) =>
    t.http().post(`/api/tickets/${code}/${action}`).set(bearer(token)).send(body);
  const listCodes = async (token: string, query: Record<string, string | number> = {}) => {
    const res = await t.http().get('/api/tickets').query({ pageSize: 100, ...query }).set(bearer(token)).expect(200);
    expect(res.body.total).toBe(res.body.items.length);
    return res.body.items as Array<{ code: string; assignedUnit: { code: string } | null }>;
  };
  const snapshot = async (code: string) => {
    const [row] = await t.ds.query('SELECT id, status, version, assigned_unit_code FROM tickets WHERE code = $1', [code]);
    const [{ n }] = await t.ds.query('SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1', [row.id]);
    return { ...row, events: n as number };
  };
  /** A fresh ticket of UB-29401 in the given status. */
  async function hoaLoiTicket(status: 'assigned' | 'in_progress' | 'resolved') {
    const { code } = await create({ categoryCode: 'AN-SINH', areaCode: '29401' }, 'UB-29401');
    if (status !== 'assigned') await act(staffHL, code, 'accept').expect(200);
    if (status === 'resolved') await act(staffHL, code, 'resolve').expect(200);
    return code;
  }

  describe('unit staff', () => {
    it('read only the tickets now assigned to their unit; any other answers 404', async () => {
      await get(staffHL, tk.hl).expect(200);
      for (const code of [tk.yt, tk.sy, tk.queue, tk.p4]) {
        const res = await get(staffHL, code).expect(404);
        expect(res.body.message).toMatch(VIETNAMESE);
      }
      await get(staffYT, tk.yt).expect(200);
      await get(staffYT, tk.hl).expect(404);
      await get(staffSY, tk.sy).expect(200);
      await get(staffSY, tk.yt).expect(404);
    });

    it('list only their unit’s tickets, whatever filter they ask for', async () => {
      const mine = await listCodes(staffHL);
      expect(mine.map((i) => i.code)).toContain(tk.hl);
      expect(mine.every((i) => i.assignedUnit?.code === 'UB-29401')).toBe(true);
      for (const code of [tk.yt, tk.sy, tk.queue, tk.p4]) expect(mine.map((i) => i.code)).not.toContain(code);
      expect(await listCodes(staffHL, { unit: 'SO-YTE' })).toEqual([]);
      expect(await listCodes(staffHL, { status: 'received' })).toEqual([]);
      expect((await listCodes(staffSY)).map((i) => i.code)).toEqual([tk.sy]);
    });

    it('cannot act on or comment another unit’s ticket (404), and nothing is written', async () => {
      const before = await snapshot(tk.yt);
      for (const action of ALL_ACTIONS) {
        const res = await act(staffHL, tk.yt, action);
        expect([action, res.status]).toEqual([action, 404]);
      }
      await t.http().post(`/api/tickets/${tk.yt}/comments`).set(bearer(staffHL)).send({ text: 'xem hộ' }).expect(404);
      expect(await snapshot(tk.yt)).toEqual(before);
    });

    it('lose a ticket once it is transferred away; the new unit gains it', async () => {
      const code = await hoaLoiTicket('in_progress');
      await get(staffHL, code).expect(200);
      await act(coord, code, 'assign', { unitCode: 'YT-847' }).expect(200);
      await get(staffHL, code).expect(404);
      await act(staffHL, code, 'resolve').expect(404);
      expect((await listCodes(staffHL)).map((i) => i.code)).not.toContain(code);
      await get(staffYT, code).expect(200);
      expect((await listCodes(staffYT)).map((i) => i.code)).toContain(code);
      await act(staffYT, code, 'accept').expect(200);
    });

    it('may not assign, close, reject or reopen their own tickets, nor create tickets (403)', async () => {
      const open = await hoaLoiTicket('in_progress');
      const resolved = await hoaLoiTicket('resolved');
      const cases: Array<[TicketAction, string]> = [['assign', open], ['reject', open], ['close', resolved], ['reopen', resolved]];
      for (const [action, code] of cases) {
        const before = await snapshot(code);
        const res = await act(staffHL, code, action);
        expect([action, res.status]).toEqual([action, 403]);
        expect(res.body.message).toMatch(VIETNAMESE);
        expect(await snapshot(code)).toEqual(before);
      }
      const [{ n: before }] = await t.ds.query('SELECT count(*)::int AS n FROM tickets');
      await t.http().post('/api/tickets').set(bearer(staffHL)).send({ channel: 'hotline', reporterName: 'A', content: 'x' }).expect(403);
      const [{ n: after }] = await t.ds.query('SELECT count(*)::int AS n FROM tickets');
      expect(after).toBe(before);
    });
  });

  describe('leaders', () => {
    it('bound to VP-847 read every unit of its subtree (UB-29401, YT-847) but not others', async () => {
      await get(leaderVP, tk.hl).expect(200);
      await get(leaderVP, tk.yt).expect(200);
      for (const code of [tk.sy, tk.p4, tk.queue]) await get(leaderVP, code).expect(404);
      const codes = (await listCodes(leaderVP)).map((i) => i.code);
      expect(codes).toEqual(expect.arrayContaining([tk.hl, tk.yt]));
      for (const code of [tk.sy, tk.p4, tk.queue]) expect(codes).not.toContain(code);
      const units = new Set((await listCodes(leaderVP)).map((i) => i.assignedUnit?.code));
      for (const u of units) expect(u === 'VP-847' || u === 'YT-847' || /^UB-29[34]\d\d$/.test(u ?? '')).toBe(true);
    });

    it('bound to no unit read every ticket', async () => {
      for (const code of Object.values(tk)) await get(leaderAll, code).expect(200);
      const all = (await listCodes(coord)).map((i) => i.code).sort();
      expect((await listCodes(leaderAll)).map((i) => i.code).sort()).toEqual(all);
    });

    it('may not act on a ticket they read, nor create tickets (403); nothing is written', async () => {
      const code = await hoaLoiTicket('in_progress');
      const before = await snapshot(code);
      for (const leader of [leaderVP, leaderAll]) {
        for (const action of ALL_ACTIONS) {
          const res = await act(leader, code, action);
          expect([action, res.status]).toEqual([action, 403]);
        }
        await t.http().post('/api/tickets').set(bearer(leader)).send({ channel: 'hotline', reporterName: 'A', content: 'x' }).expect(403);
      }
      expect(await snapshot(code)).toEqual(before);
    });
  });

  describe('operators', () => {
    it('create tickets and read all of them', async () => {
      const mine = await create({ categoryCode: 'AN-SINH', areaCode: '29401' }, 'UB-29401');
      for (const code of [...Object.values(tk), mine.code]) await get(op, code).expect(200);
      const codes = (await listCodes(op)).map((i) => i.code);
      expect(codes).toEqual(expect.arrayContaining([...Object.values(tk), mine.code]));
    });

    it('may not assign, reject, close, reopen, accept, return or resolve (403); nothing is written', async () => {
      const open = await hoaLoiTicket('assigned');
      const resolved = await hoaLoiTicket('resolved');
      for (const action of ALL_ACTIONS) {
        const code = ['close', 'reopen'].includes(action) ? resolved : open;
        const before = await snapshot(code);
        const res = await act(op, code, action);
        expect([action, res.status]).toEqual([action, 403]);
        expect(await snapshot(code)).toEqual(before);
      }
      const queued = await create({ categoryCode: 'KHAC' }, null);
      await act(op, queued.code, 'assign', { unitCode: 'UB-29401' }).expect(403);
      await act(op, queued.code, 'reject', { reason: 'spam' }).expect(403);
    });
  });

  describe('coordinators', () => {
    it('assign, transfer, reject, reopen and close', async () => {
      const queued = await create({ categoryCode: 'KHAC' }, null);
      await get(coord, queued.code).expect(200);
      expect((await act(coord, queued.code, 'assign', { unitCode: 'UB-29401' }).expect(200)).body.status).toBe('assigned');
      expect((await act(coord, queued.code, 'assign', { unitCode: 'YT-847' }).expect(200)).body.assignedUnit.code).toBe('YT-847');
      expect((await act(coord, queued.code, 'reject', { reason: 'out_of_scope' }).expect(200)).body.status).toBe('rejected');
      expect((await act(coord, queued.code, 'reopen', { reason: 'Xem lại' }).expect(200)).body.status).toBe('assigned');
      const resolved = await hoaLoiTicket('resolved');
      expect((await act(coord, resolved, 'close').expect(200)).body.status).toBe('closed');
      await create({ categoryCode: 'AN-SINH', areaCode: '29401' }, 'UB-29401', coord);
    });

    it('may not accept, return or resolve (403); nothing is written', async () => {
      const assigned = await hoaLoiTicket('assigned');
      const inProgress = await hoaLoiTicket('in_progress');
      for (const action of UNIT_ACTIONS) {
        const code = action === 'resolve' ? inProgress : assigned;
        const before = await snapshot(code);
        const res = await act(coord, code, action);
        expect([action, res.status]).toEqual([action, 403]);
        expect(res.body.message).toMatch(VIETNAMESE);
        expect(await snapshot(code)).toEqual(before);
      }
    });

    it('may not manage users or the directory (403)', async () => {
      await t.http().get('/api/users').set(bearer(coord)).expect(403);
      await t.http().patch('/api/units/UB-29401').set(bearer(coord)).send({ name: 'X' }).expect(403);
      await t.http().post('/api/categories').set(bearer(coord)).send({ code: 'TEST-CAT', name: 'Thử', deadlineHours: 8 }).expect(403);
    });
  });

  describe('admins', () => {
    it('manage users and the directory, and may take the coordinator’s actions', async () => {
      const users = await t.http().get('/api/users').set(bearer(admin)).expect(200);
      expect(users.body.length).toBeGreaterThan(5);
      const created = await t.http().post('/api/users').set(bearer(admin))
        .send({ username: 'canbo.moi', password: 'mat-khau-moi-1', role: 'unit_staff', unitCode: 'UB-29401' }).expect(201);
      expect(created.body).toMatchObject({ username: 'canbo.moi', role: 'unit_staff', unitCode: 'UB-29401', active: true });
      expect(created.body).not.toHaveProperty('passwordHash');
      const renamed = await t.http().patch('/api/units/SO-GDDT').set(bearer(admin)).send({ name: 'Sở Giáo dục và Đào tạo tỉnh Trà Vinh' }).expect(200);
      expect(renamed.body).toMatchObject({ code: 'SO-GDDT', name: 'Sở Giáo dục và Đào tạo tỉnh Trà Vinh' });
      await t.http().post('/api/categories').set(bearer(admin)).send({ code: 'TEST-CAT', name: 'Lĩnh vực thử', deadlineHours: 8 }).expect(201);
      for (const role of [op, staffHL, leaderAll]) {
        await t.http().get('/api/users').set(bearer(role)).expect(403);
        await t.http().patch('/api/users/canbo.moi').set(bearer(role)).send({ active: false }).expect(403);
      }
      const code = await hoaLoiTicket('assigned');
      await act(admin, code, 'assign', { unitCode: 'YT-847' }).expect(200);
      await act(admin, code, 'reject', { reason: 'spam' }).expect(200);
    });
  });

  describe('tokens and login', () => {
    const routes: Array<[string, string, Record<string, unknown>?]> = [
      ['get', '/api/tickets'],
      ['get', '/api/tickets/PA-2222-2222'],
      ['post', '/api/tickets', { channel: 'hotline', reporterName: 'A', content: 'x' }],
      ['post', '/api/tickets/PA-2222-2222/assign', { unitCode: 'SO-YTE' }],
      ['post', '/api/tickets/PA-2222-2222/comments', { text: 'x' }],
      ['get', '/api/users'],
      ['get', '/api/auth/me'],
    ];
    const call = (method: string, path: string, body?: Record<string, unknown>) => {
      const req = method === 'get' ? t.http().get(path) : t.http().post(path).send(body ?? {});
      return req;
    };

    it('no token answers 401 with a sentence, on every /api route', async () => {
      for (const [method, path, body] of routes) {
        const res = await call(method, path, body);
        expect([path, res.status]).toEqual([path, 401]);
        expect(res.body.message).toMatch(VIETNAMESE);
      }
      await t.http().get(`/api/tickets/${tk.hl}`).expect(401);
    });

    it('a malformed, forged or tampered token answers 401', async () => {
      const foreign = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('00000000-0000-0000-0000-000000000000')
        .setIssuedAt().setExpirationTime('1h').sign(randomBytes(32));
      const [h, p, s] = coord.split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const tampered = [h, Buffer.from(JSON.stringify({ ...payload, exp: payload.exp + 3600 })).toString('base64url'), s].join('.');
      const unsigned = [Buffer.from('{"alg":"none"}').toString('base64url'), p, ''].join('.');
      for (const header of ['Bearer', 'Bearer garbage', `Basic ${coord}`, `Bearer ${foreign}`, `Bearer ${tampered}`, `Bearer ${unsigned}`, `Bearer ${coord}x`]) {
        const res = await t.http().get('/api/tickets').set('Authorization', header);
        expect([header.slice(0, 20), res.status]).toEqual([header.slice(0, 20), 401]);
      }
      await t.http().get('/api/tickets').set(bearer(coord)).expect(200);
    });

    it('a token expires after TOKEN_TTL_HOURS (12 h)', async () => {
      expect(t.settings.TOKEN_TTL_HOURS).toBe(12);
      const token = await t.userToken('operator');
      try {
        t.clock.advance(12 * HOUR - 60_000);
        await t.http().get('/api/tickets').set(bearer(token)).expect(200);
        t.clock.advance(60_000 + 1000);
        const res = await t.http().get('/api/tickets').set(bearer(token)).expect(401);
        expect(res.body.message).toMatch(/hết hạn/);
        await get(token, tk.hl).expect(401);
      } finally {
        t.clock.set(BASE);
      }
      await t.http().get('/api/tickets').set(bearer(token)).expect(200);
    });

    it('a deactivated user’s token answers 401 at once, and the user cannot log in', async () => {
      await t.http().post('/api/users').set(bearer(admin)).send({ username: 'tongdai.nghi', password: 'mat-khau-123', role: 'operator' }).expect(201);
      const login = await t.http().post('/api/auth/login').send({ username: 'tongdai.nghi', password: 'mat-khau-123' }).expect(200);
      const token = login.body.accessToken;
      await get(token, tk.hl).expect(200);
      const off = await t.http().patch('/api/users/tongdai.nghi').set(bearer(admin)).send({ active: false }).expect(200);
      expect(off.body).toMatchObject({ username: 'tongdai.nghi', active: false });
      await get(token, tk.hl).expect(401);
      await t.http().get('/api/tickets').set(bearer(token)).expect(401);
      await t.http().post('/api/tickets').set(bearer(token)).send({ channel: 'hotline', reporterName: 'A', content: 'x' }).expect(401);
      await t.http().post('/api/auth/login').send({ username: 'tongdai.nghi', password: 'mat-khau-123' }).expect(401);
      await t.http().patch('/api/users/tongdai.nghi').set(bearer(admin)).send({ active: true }).expect(200);
      await t.http().post('/api/auth/login').send({ username: 'tongdai.nghi', password: 'mat-khau-123' }).expect(200);
    });

    it('login answers {accessToken, user: {username, role, unitCode}} and the token works', async () => {
      await t.userToken('unit_staff', 'UB-29401', 'canbo.hoaloi');
      const res = await t.http().post('/api/auth/login').send({ username: 'canbo.hoaloi', password: TEST_PASSWORD }).expect(200);
      expect(res.body).toMatchObject({ accessToken: expect.any(String), user: { username: 'canbo.hoaloi', role: 'unit_staff', unitCode: 'UB-29401' } });
      expect(res.body.accessToken.split('.')).toHaveLength(3);
      expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|scrypt/);
      const me = await t.http().get('/api/auth/me').set(bearer(res.body.accessToken)).expect(200);
      expect(me.body).toMatchObject({ username: 'canbo.hoaloi', role: 'unit_staff', unitCode: 'UB-29401' });
      await get(res.body.accessToken, tk.hl).expect(200);
      await t.userToken('coordinator', null, 'dieuphoi.login');
      const c = await t.http().post('/api/auth/login').send({ username: 'dieuphoi.login', password: TEST_PASSWORD }).expect(200);
      expect(c.body.user).toMatchObject({ username: 'dieuphoi.login', role: 'coordinator', unitCode: null });
    });

    it('a wrong password and an unknown user get the same 401 with a Vietnamese message', async () => {
      await t.userToken('operator', null, 'tongdai.sai');
      const wrong = await t.http().post('/api/auth/login').send({ username: 'tongdai.sai', password: 'khong-dung-mat-khau' }).expect(401);
      const unknown = await t.http().post('/api/auth/login').send({ username: 'khong.ton.tai', password: TEST_PASSWORD }).expect(401);
      expect(wrong.body.message).toMatch(VIETNAMESE);
      expect(wrong.body.message).toMatch(/mật khẩu/);
      expect(unknown.body).toEqual(wrong.body);
      expect(wrong.body).not.toHaveProperty('accessToken');
      const missing = await t.http().post('/api/auth/login').send({ username: 'tongdai.sai' }).expect(400);
      expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
    });
  });
});
