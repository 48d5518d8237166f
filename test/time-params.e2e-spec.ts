import { parseTimeBound } from '../src/common/time-bound.js';
import { StaffPagesService } from '../src/web/staff-pages.service.js';
import type { AuthUser } from '../src/common/auth-user.js';
import { bearer, startTestApp, TEST_PASSWORD, tokensFor, type TestApp } from './support/test-app.js';

/**
 * Time parameters and "time left", whatever the process's time zone (run this file with TZ=America/New_York as well):
 * - `at` of the overdue list, `from`/`to` of the per-unit statistics and `dueAt` of an extension accept only a date
 *   (YYYY-MM-DD) or a date and time (with minutes) with an optional offset; anything else (week and ordinal dates,
 *   an hour without minutes…) is a 400 naming the field, never a 500 or a misread;
 * - without an offset a time is Viet Nam time (UTC+7); a bare date is that day in Viet Nam: from its 00:00 for
 *   `from`, to its 24:00 for `to` and for `at` ("overdue at 10/03" = as that day ended); `dueAt` needs a time;
 * - the time left of a clock-hour category (XET-NGHIEM, 24 clock hours, routed to SO-YTE) counts clock minutes, at
 *   night and at the weekend too, and goes negative past the deadline;
 * - the statistics of a past period do not change when a ticket of it is reopened and resolved again later.
 */

/** An instant written in Viet Nam time, as the ISO string the API answers with. */
const vn = (local: string) => new Date(`${local}+07:00`).toISOString();

const BAD_FORMS = [
  '2022-W02', // ISO week date
  '2022-W02-3', // ISO week date with a weekday
  '2022-012', // ISO ordinal date (12 January)
  '2022-01-12T16', // an hour without minutes
  '20220112', // basic format
  '2022-01-12 16:00', // a space for the T
  '2022-1-12',
  '12/01/2022',
  '2022-02-30', // not on the calendar
  '2022-01-12T24:00',
  '2022-01-12T16:60',
  '2022-01-12T16:00:00+25:00',
  '2022-01-12T16:00:00.1234567890Z',
  'hôm nay',
  '',
];

describe('time parameters and time left (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let coord: string;
  let op: string;
  let leader: string;
  let hoaLoi: string; // unit staff of UB-29401 (Hòa Lợi)
  let soYte: string; // unit staff of SO-YTE
  const soYteUser = `canbo.soyte.${Date.now().toString(36)}`;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-02T09:00:00+07:00', env: { TOKEN_TTL_HOURS: '720' } });
    // tokens signed far ahead of every instant the tests stand the clock at stay valid for all of them
    t.clock.set('2031-01-01T00:00:00+07:00');
    [admin, coord, op, leader, hoaLoi, soYte] = await tokensFor(t, [
      'admin', 'coordinator', 'operator', 'leader',
      ['unit_staff', 'UB-29401'], ['unit_staff', 'SO-YTE', soYteUser],
    ]);
    t.clock.set('2026-03-02T09:00:00+07:00');
  });
  afterAll(() => t?.close());

  /** Creates a ticket through the API at `local` (Viet Nam time). */
  async function createAt(local: string, categoryCode: string | null, areaCode = '29401'): Promise<{ code: string; dueAt: string; assignedUnit: { code: string } | null }> {
    t.clock.set(`${local}+07:00`);
    const res = await t.http().post('/api/tickets').set(bearer(op)).send({
      channel: 'hotline', reporterName: 'Lê Thị Hoa', reporterPhone: '0912345678', areaCode,
      ...(categoryCode ? { categoryCode } : {}), content: `Phản ánh lúc ${local} (${categoryCode ?? 'chưa phân loại'})`,
    });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    expect(res.body.receivedAt).toBe(vn(local));
    return res.body;
  }
  const act = async (token: string, code: string, action: string, body: Record<string, unknown> = {}) => {
    const res = await t.http().post(`/api/tickets/${code}/${action}`).set(bearer(token)).send(body);
    if (res.status !== 200) throw new Error(`${action} ${code}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  /** The overdue list at `at`: the instant it was read as, and which of `mine` are in it. */
  const overdueCodes = async (at: string, mine: string[]) => {
    const res = await t.http().get('/api/overdue').query({ at }).set(bearer(coord));
    expect([at, res.status]).toEqual([at, 200]);
    const codes = (res.body.units as Array<{ tickets: Array<{ code: string }> }>).flatMap((u) => u.tickets.map((x) => x.code));
    return { at: res.body.at as string, codes: codes.filter((c) => mine.includes(c)) };
  };
  const statistics = async (from: string, to: string) => {
    const res = await t.http().get('/api/reports/unit-statistics').query({ from, to }).set(bearer(leader));
    expect([from, to, res.status]).toEqual([from, to, 200]);
    return res.body as { from: string; to: string; units: Array<{ unitCode: string | null; [k: string]: unknown }> };
  };
  const unitRow = (body: Awaited<ReturnType<typeof statistics>>, unitCode: string) => body.units.find((u) => u.unitCode === unitCode);
  const deadline = async (code: string) => (await t.http().get(`/api/tickets/${code}/deadline`).set(bearer(coord)).expect(200)).body;

  it('reads the accepted forms as Viet Nam time, whatever the process zone', () => {
    expect(parseTimeBound('2022-01-12T16:00:00', 'instant')?.toISOString()).toBe('2022-01-12T09:00:00.000Z');
    expect(parseTimeBound('2022-01-12T16:00', 'from')?.toISOString()).toBe('2022-01-12T09:00:00.000Z');
    expect(parseTimeBound('2022-01-12t16:00:00.5z', 'to')?.toISOString()).toBe('2022-01-12T16:00:00.500Z');
    expect(parseTimeBound('2022-01-12T16:00:00.123456+07:00', 'instant')?.toISOString()).toBe('2022-01-12T09:00:00.123Z');
    expect(parseTimeBound('2022-01-12T16:00:00+0700', 'instant')?.toISOString()).toBe('2022-01-12T09:00:00.000Z');
    expect(parseTimeBound('2022-01-12T16:00:00-05', 'instant')?.toISOString()).toBe('2022-01-12T21:00:00.000Z');
    expect(parseTimeBound('2022-01-01', 'from')?.toISOString()).toBe('2021-12-31T17:00:00.000Z');
    expect(parseTimeBound('2022-01-01', 'to')?.toISOString()).toBe('2022-01-01T17:00:00.000Z');
    expect(parseTimeBound('2022-01-01', 'instant')).toBeNull();
    expect(parseTimeBound('2024-02-29', 'from')?.toISOString()).toBe('2024-02-28T17:00:00.000Z');
    for (const v of BAD_FORMS) expect([v, parseTimeBound(v, 'from'), parseTimeBound(v, 'to'), parseTimeBound(v, 'instant')]).toEqual([v, null, null, null]);
  });

  describe('a bad form is a 400 naming the field, never a 500', () => {
    it('GET /api/overdue?at=', async () => {
      for (const at of BAD_FORMS) {
        const res = await t.http().get('/api/overdue').query({ at }).set(bearer(coord));
        expect([at, res.status]).toEqual([at, 400]);
        expect(res.body.errors).toEqual([{ field: 'at', reason: expect.stringContaining('ISO-8601') }]);
      }
      // twice the parameter is not one instant
      const twice = await t.http().get('/api/overdue?at=2022-01-12&at=2022-01-13').set(bearer(coord));
      expect(twice.status).toBe(400);
      expect(twice.body.errors).toEqual([expect.objectContaining({ field: 'at' })]);
    });

    it('GET /api/reports/unit-statistics?from=&to=', async () => {
      for (const bad of BAD_FORMS) {
        const asFrom = await t.http().get('/api/reports/unit-statistics').query({ from: bad, to: '2022-01-31' }).set(bearer(leader));
        expect([bad, asFrom.status]).toEqual([bad, 400]);
        expect(asFrom.body.errors).toEqual([{ field: 'from', reason: expect.stringContaining('ISO-8601') }]);
        const asTo = await t.http().get('/api/reports/unit-statistics').query({ from: '2022-01-01', to: bad }).set(bearer(leader));
        expect([bad, asTo.status]).toEqual([bad, 400]);
        expect(asTo.body.errors).toEqual([{ field: 'to', reason: expect.stringContaining('ISO-8601') }]);
      }
      // one day: from its 00:00 to its 24:00 is a period; the same instant twice is not
      await t.http().get('/api/reports/unit-statistics').query({ from: '2022-01-12', to: '2022-01-12' }).set(bearer(leader)).expect(200);
      const empty = await t.http().get('/api/reports/unit-statistics').query({ from: '2022-01-12T00:00', to: '2022-01-12T00:00:00+07:00' }).set(bearer(leader));
      expect(empty.status).toBe(400);
      expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'to' })]);
    });

    it('POST /api/tickets/:code/extend {dueAt}: a date and time only (a bare date is refused too)', async () => {
      const tk = await createAt('2026-03-02T09:00:00', 'XET-NGHIEM');
      for (const dueAt of [...BAD_FORMS, '2026-03-10', 20260310, null]) {
        const res = await t.http().post(`/api/tickets/${tk.code}/extend`).set(bearer(coord)).send({ dueAt, reason: 'Chờ kết quả xét nghiệm' });
        expect([dueAt, res.status]).toEqual([dueAt, 400]);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'dueAt' })]);
      }
      const bare = await t.http().post(`/api/tickets/${tk.code}/extend`).set(bearer(coord)).send({ dueAt: '2026-03-10', reason: 'Chờ kết quả' });
      expect(bare.body.errors).toEqual([{ field: 'dueAt', reason: expect.stringContaining('gồm ngày và giờ') }]);
      expect((await deadline(tk.code)).dueAt).toBe(vn('2026-03-03T09:00:00'));
    });

    it('the ticket list filters (already right) still answer 400 on a bad form', async () => {
      for (const receivedFrom of ['2022-W02', '2022-012', '2022-01-12T16']) {
        const res = await t.http().get('/api/tickets').query({ receivedFrom }).set(bearer(coord));
        expect([receivedFrom, res.status]).toEqual([receivedFrom, 400]);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'receivedFrom' })]);
      }
    });
  });

  it('overdue list: `at` without an offset is Viet Nam time; a bare date is the end of that day in Viet Nam', async () => {
    const a = await createAt('2026-03-09T09:00:00', 'XET-NGHIEM'); // due Tue 10/03 09:00
    const b = await createAt('2026-03-09T23:30:00', 'XET-NGHIEM'); // due Tue 10/03 23:30
    expect([a.dueAt, b.dueAt]).toEqual([vn('2026-03-10T09:00:00'), vn('2026-03-10T23:30:00')]);
    t.clock.set('2026-03-12T09:00:00+07:00');
    const over = (at: string) => overdueCodes(at, [a.code, b.code]);

    // due, not yet past, at 09:00 Viet Nam time; past one second later (read in any other zone, 09:00 would be later)
    expect(await over('2026-03-10T09:00:00')).toEqual({ at: vn('2026-03-10T09:00:00'), codes: [] });
    expect(await over('2026-03-10T09:00')).toEqual({ at: vn('2026-03-10T09:00:00'), codes: [] });
    expect((await over('2026-03-10T09:00:01')).codes).toEqual([a.code]);
    // with an offset, as written
    expect((await over('2026-03-10T02:00:00Z')).codes).toEqual([]);
    expect((await over('2026-03-10T02:00:01Z')).codes).toEqual([a.code]);
    expect((await over('2026-03-10T23:31:00+0700')).codes).toEqual([a.code, b.code]);

    // "overdue at 10/03/2026": as that day ended in Viet Nam (24:00), so b (due 23:30) is in it
    expect(await over('2026-03-10')).toEqual({ at: vn('2026-03-11T00:00:00'), codes: [a.code, b.code] });
    // the day before ended before either deadline
    expect(await over('2026-03-09')).toEqual({ at: vn('2026-03-10T00:00:00'), codes: [] });
  });

  it('statistics: `from`/`to` without an offset are Viet Nam time; a bare date is that whole day in Viet Nam', async () => {
    // AN-SINH in Phước Hảo goes to UB-29404; no other ticket of this file does
    const before = await createAt('2026-03-31T23:59:00', 'AN-SINH', '29404');
    const first = await createAt('2026-04-01T00:00:00', 'AN-SINH', '29404');
    const last = await createAt('2026-04-30T23:59:00', 'AN-SINH', '29404');
    const after = await createAt('2026-05-01T00:00:00', 'AN-SINH', '29404');
    for (const tk of [before, first, last, after]) expect(tk.assignedUnit?.code).toBe('UB-29404');
    t.clock.set('2026-05-04T09:00:00+07:00');

    // April 2026 in Viet Nam: from 00:00 1 April to 24:00 30 April
    const april = await statistics('2026-04-01', '2026-04-30');
    expect([april.from, april.to]).toEqual([vn('2026-04-01T00:00:00'), vn('2026-05-01T00:00:00')]);
    expect(unitRow(april, 'UB-29404')).toMatchObject({ received: 2, open: 2 });

    // the same without offsets: `to` is exclusive, so the ticket of 23:59 is left out
    const times = await statistics('2026-04-01T00:00', '2026-04-30T23:59:00');
    expect([times.from, times.to]).toEqual([vn('2026-04-01T00:00:00'), vn('2026-04-30T23:59:00')]);
    expect(unitRow(times, 'UB-29404')).toMatchObject({ received: 1 });
    expect(unitRow(await statistics('2026-04-01T00:00', '2026-04-30T23:59:00.001'), 'UB-29404')).toMatchObject({ received: 2 });
    // one minute earlier than Viet Nam midnight takes the ticket of 31 March in
    expect(unitRow(await statistics('2026-03-31T23:59', '2026-04-30'), 'UB-29404')).toMatchObject({ received: 3 });
    // in UTC, as written
    expect(unitRow(await statistics('2026-03-31T17:00:00Z', '2026-04-30T17:00:00Z'), 'UB-29404')).toMatchObject({ received: 2 });
  });

  it('extension: `dueAt` without an offset is Viet Nam time', async () => {
    const tk = await createAt('2026-05-04T09:00:00', 'XET-NGHIEM'); // due Tue 05/05 09:00
    t.clock.set('2026-05-04T10:00:00+07:00');
    const res = await t.http().post(`/api/tickets/${tk.code}/extend`).set(bearer(coord)).send({ dueAt: '2026-05-05T16:00:00', reason: 'Chờ kết quả xét nghiệm' });
    expect(res.status).toBe(200);
    // 30 clock hours left
    expect(res.body).toMatchObject({ dueAt: vn('2026-05-05T16:00:00'), overdue: false, deadlineMode: 'clock', minutesLeft: 1800 });
    // 80 % of the 31 clock hours allowed from receipt
    expect(res.body.warnAt).toBe(vn('2026-05-05T09:48:00'));
  });

  it('time left of a clock-hour category counts clock minutes, at night and past the deadline (negative)', async () => {
    // Friday 02:00: due Saturday 02:00 (24 clock hours); an AN-SINH ticket beside it counts working time
    const urgent = await createAt('2026-05-08T02:00:00', 'XET-NGHIEM');
    const working = await createAt('2026-05-08T02:00:00', 'AN-SINH'); // due Tue 12/05 17:00 (24 working hours from Fri 07:00)
    const none = await createAt('2026-05-08T02:00:00', null);
    expect(urgent.dueAt).toBe(vn('2026-05-09T02:00:00'));
    expect(urgent.assignedUnit?.code).toBe('SO-YTE');

    const at = async (local: string) => {
      t.clock.set(`${local}+07:00`);
      return deadline(urgent.code);
    };
    // Friday 20:00, after office hours: 6 clock hours left (working time would say 0)
    expect(await at('2026-05-08T20:00:00')).toMatchObject({ deadlineMode: 'clock', minutesLeft: 360, overdue: false });
    expect((await at('2026-05-09T01:59:00')).minutesLeft).toBe(1);
    expect(await at('2026-05-09T02:00:00')).toMatchObject({ minutesLeft: 0, overdue: false });
    // past the deadline, at the weekend: negative at once, and growing
    expect(await at('2026-05-09T02:01:00')).toMatchObject({ minutesLeft: -1, overdue: true });
    expect(await at('2026-05-09T10:00:00')).toMatchObject({ minutesLeft: -480, overdue: true });
    expect((await at('2026-05-11T07:00:00')).minutesLeft).toBe(-(53 * 60));

    // working-time tickets still count working minutes; without a category, working time too
    t.clock.set('2026-05-08T20:00:00+07:00');
    expect(working.dueAt).toBe(vn('2026-05-12T17:00:00'));
    expect(await deadline(working.code)).toMatchObject({ deadlineMode: 'working', minutesLeft: 16 * 60 });
    const plain = await deadline(none.code);
    expect(plain.deadlineMode).toBe('working');
    expect(plain.minutesLeft).toBeGreaterThan(0);
    expect(plain).not.toHaveProperty('workingMinutesLeft');

    // the staff page counts the same way
    t.clock.set('2026-05-08T20:00:00+07:00');
    const [row] = await t.ds.query('SELECT id, username, full_name, role, unit_code FROM users WHERE username = $1', [soYteUser]);
    const user: AuthUser = { id: row.id, username: row.username, fullName: row.full_name, role: row.role, unitCode: row.unit_code };
    const pages = t.app.get(StaffPagesService);
    expect(await pages.ticketPage(user, urgent.code)).toMatchObject({ deadlineMode: 'clock', minutesLeft: 360 });
    t.clock.set('2026-05-09T10:00:00+07:00');
    expect(await pages.ticketPage(user, urgent.code)).toMatchObject({ deadlineMode: 'clock', minutesLeft: -480 });
    // and shows it: 8 hours past the deadline on Saturday morning
    const login = await t.http().post('/dang-nhap').type('form').send({ username: soYteUser, password: TEST_PASSWORD });
    expect(login.status).toBe(303);
    const cookie = (login.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('tongdai1022_phien='))!.split(';')[0];
    const page = await t.http().get(`/tickets/${urgent.code}`).set('Cookie', cookie).expect(200);
    const shown = /id="han-xu-ly"[^>]*>([\s\S]*?)<\/dd>/.exec(page.text)?.[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(shown).toContain('02:00 09/05/2026');
    expect(shown).toContain('đã quá hạn 8 giờ');
    // resolved: no time left
    await act(soYte, urgent.code, 'accept');
    await act(soYte, urgent.code, 'resolve', { resolution: 'Đã hướng dẫn đi xét nghiệm.' });
    expect(await deadline(urgent.code)).toMatchObject({ minutesLeft: null, overdue: false });
  });

  it('statistics of a past period stay the same after a ticket of it is reopened and resolved again', async () => {
    // Monday 01/06: two AN-SINH tickets for Hòa Lợi (UB-29401), due Thursday 04/06 09:00
    const a = await createAt('2026-06-01T09:00:00', 'AN-SINH');
    const b = await createAt('2026-06-01T09:00:00', 'AN-SINH');
    expect(a.dueAt).toBe(vn('2026-06-04T09:00:00'));
    t.clock.set('2026-06-02T10:00:00+07:00');
    await act(hoaLoi, a.code, 'accept');
    await act(hoaLoi, a.code, 'resolve', { resolution: 'Đã phát gạo.' }); // 25 h, on time
    t.clock.set('2026-06-03T09:00:00+07:00');
    await act(hoaLoi, b.code, 'accept');
    await act(hoaLoi, b.code, 'resolve', { resolution: 'Đã phát gạo.' }); // 48 h, on time

    t.clock.set('2026-06-08T09:00:00+07:00');
    const week = await statistics('2026-06-01', '2026-06-05');
    expect(unitRow(week, 'UB-29401')).toEqual({
      unitCode: 'UB-29401', unitName: 'UBND xã Hòa Lợi', received: 2, handled: 2, handledOnTime: 2, open: 0, overdue: 0, medianHandlingHours: 36.5,
      handledOnTimeExtended: 0, answered: 0, settled: 0, notSettled: 0,
    });

    // reopened on 10/06 (after the deadline), resolved again on 15/06; b closed on 20/06, after its deadline
    t.clock.set('2026-06-10T09:00:00+07:00');
    await act(coord, a.code, 'reopen', { reason: 'Người dân báo chưa nhận đủ.' });
    t.clock.set('2026-06-15T09:00:00+07:00');
    await act(hoaLoi, a.code, 'accept');
    await act(hoaLoi, a.code, 'resolve', { resolution: 'Đã phát bổ sung.' });
    t.clock.set('2026-06-20T09:00:00+07:00');
    await act(coord, b.code, 'close');
    t.clock.set('2026-06-22T09:00:00+07:00');

    // the first week reads the same as before
    expect(await statistics('2026-06-01', '2026-06-05')).toEqual(week);
    // while a was open again, it was open and overdue; b handled in 48 h
    expect(unitRow(await statistics('2026-06-01', '2026-06-12'), 'UB-29401')).toMatchObject({ received: 2, handled: 1, handledOnTime: 1, open: 1, overdue: 1, medianHandlingHours: 48 });
    // now: a handled late, in 14 days (336 h); b's close did not move its handling time (48 h, on time)
    expect(unitRow(await statistics('2026-06-01', '2026-06-21'), 'UB-29401')).toMatchObject({ received: 2, handled: 2, handledOnTime: 1, open: 0, overdue: 0, medianHandlingHours: 192 });
  });
});
