import { bearer, startTestApp, tokensFor, type TestApp } from './support/test-app.js';

/**
 * Deadlines in working time (issue 4 §1, §2, §6), end to end through the API with the injected clock: tickets are
 * created through POST /api/tickets at the instant the clock stands at, and their deadlines are compared with
 * values worked out by hand from the office hours (07:00–11:30, 13:30–17:00, Monday–Friday, Asia/Ho_Chi_Minh) and
 * the holiday table (seeded; Tết 2022 = Saturday 29/01 to Sunday 06/02/2022).
 *
 * Categories used: AN-SINH 24 working hours (routed to the commune committee of the area), XET-NGHIEM 24 clock hours
 * (urgent, routed to SO-YTE), DI-LAI 16 working hours, and HOI-DAP, 3 working hours, created here by an admin.
 */

/** An instant written in Viet Nam time, as the ISO string the API answers with. */
const vn = (local: string) => new Date(`${local}+07:00`).toISOString();

interface Deadline {
  code: string; dueAt: string | null; warnAt: string | null; overdue: boolean; overdueAt: string | null; minutesLeft: number | null;
}

describe('deadlines in working time (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let coord: string;
  let op: string;
  let staff: string; // UB-29401 (Hòa Lợi)
  let staff2: string; // UB-29404 (Phước Hảo)
  let leader: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-02T09:00:00+07:00' });
    // tokens signed far ahead of every instant the tests stand the clock at stay valid for all of them
    t.clock.set('2031-01-01T00:00:00+07:00');
    [admin, coord, op, staff, staff2, leader] = await tokensFor(t, ['admin', 'coordinator', 'operator', ['unit_staff', 'UB-29401'], ['unit_staff', 'UB-29404'], 'leader']);
    t.clock.set('2026-03-02T09:00:00+07:00');
    const cat = await t.http().post('/api/categories').set(bearer(admin))
      .send({ code: 'HOI-DAP', name: 'Hỏi đáp nhanh', deadlineHours: 3 });
    expect(cat.status).toBe(201);
  });
  afterAll(() => t?.close());

  /** Creates a ticket through the API at `local` (Viet Nam time). */
  async function createAt(local: string, categoryCode: string | null, areaCode = '29401'): Promise<{ code: string; dueAt: string; status: string; assignedUnit: { code: string } | null }> {
    t.clock.set(`${local}+07:00`);
    const res = await t.http().post('/api/tickets').set(bearer(op)).send({
      channel: 'hotline', reporterName: 'Nguyễn Văn An', reporterPhone: '0912345678', areaCode,
      ...(categoryCode ? { categoryCode } : {}), content: `Phản ánh lúc ${local} (${categoryCode ?? 'chưa phân loại'})`,
    });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    expect(res.body.receivedAt).toBe(vn(local));
    return res.body;
  }
  const deadline = async (code: string, token = coord): Promise<Deadline> =>
    (await t.http().get(`/api/tickets/${code}/deadline`).set(bearer(token)).expect(200)).body;
  const view = async (code: string) => (await t.http().get(`/api/tickets/${code}`).set(bearer(coord)).expect(200)).body;
  const act = async (token: string, code: string, action: string, body: Record<string, unknown> = {}) => {
    const res = await t.http().post(`/api/tickets/${code}/${action}`).set(bearer(token)).send(body);
    if (res.status !== 200) throw new Error(`${action} ${code}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  /** The deadline each event of the ticket carries (the history of the deadline in force). */
  const eventDeadlines = async (code: string): Promise<Array<{ type: string; due_at: Date | null }>> =>
    t.ds.query(`SELECT e.type, e.due_at FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.code = $1 ORDER BY e.at, e.id`, [code]);

  describe('the computation', () => {
    it('skips the lunch break: 3 working hours from 10:00 end at 15:00, from inside the break they start at 13:30', async () => {
      const cases: Array<[string, string, string]> = [
        // received, due, warning at 80 % (144 working minutes)
        ['2026-03-02T10:00:00', '2026-03-02T15:00:00', '2026-03-02T14:24:00'],
        ['2026-03-02T12:15:00', '2026-03-02T16:30:00', '2026-03-02T15:54:00'],
        // periods are half-open: 11:30 is already the break
        ['2026-03-02T11:30:00', '2026-03-02T16:30:00', '2026-03-02T15:54:00'],
        // the end of the day carries over to the next morning
        ['2026-03-02T16:00:00', '2026-03-03T09:00:00', '2026-03-03T08:24:00'],
      ];
      for (const [received, due, warn] of cases) {
        const tk = await createAt(received, 'HOI-DAP');
        expect({ received, dueAt: tk.dueAt }).toEqual({ received, dueAt: vn(due) });
        expect((await deadline(tk.code)).warnAt).toBe(vn(warn));
      }
      // 24 working hours received during the break: counted from 13:30; they run out exactly at 11:30 on the
      // fourth day, and a deadline on the end of a period stays there (not 13:30)
      const lunch = await createAt('2026-03-02T11:45:00', 'AN-SINH');
      expect(lunch.dueAt).toBe(vn('2026-03-05T11:30:00'));
      expect(lunch.assignedUnit?.code).toBe('UB-29401');
    });

    it('skips the weekend: Friday 14:00 + 24 working hours is Wednesday 14:00; a Saturday ticket starts on Monday', async () => {
      const friday = await createAt('2026-03-06T14:00:00', 'AN-SINH');
      expect(friday.dueAt).toBe(vn('2026-03-11T14:00:00'));
      // 80 % = 1152 working minutes: Fri 3 h, Mon 8 h, Tue 8 h, then 19.2 - 19 = 0.2 h = 12 min on Wednesday
      expect((await deadline(friday.code)).warnAt).toBe(vn('2026-03-11T07:12:00'));
      const saturday = await createAt('2026-03-07T10:00:00', 'AN-SINH');
      expect(saturday.dueAt).toBe(vn('2026-03-11T17:00:00'));
      const sunday = await createAt('2026-03-08T22:30:00', 'HOI-DAP');
      expect(sunday.dueAt).toBe(vn('2026-03-09T10:00:00'));
    });

    it('skips Tết 2022 (Saturday 29/01 to Sunday 06/02): Friday 28/01 15:00 + 24 working hours is Wednesday 09/02 15:00', async () => {
      const cal = (await t.http().get('/api/calendar?year=2022').set(bearer(coord)).expect(200)).body;
      const tet = cal.days.filter((d: { name: string }) => d.name === 'Tết Nguyên đán').map((d: { date: string }) => d.date);
      expect(tet).toEqual(['2022-01-31', '2022-02-01', '2022-02-02', '2022-02-03', '2022-02-04']);
      expect(cal.officeHours.periods).toEqual([{ start: '07:00', end: '11:30' }, { start: '13:30', end: '17:00' }]);

      const before = await createAt('2022-01-28T15:00:00', 'AN-SINH');
      expect(before.dueAt).toBe(vn('2022-02-09T15:00:00'));
      // 1152 working minutes: Fri 120, Mon 07/02 480, Tue 480, Wed 72 → 08:12
      expect((await deadline(before.code)).warnAt).toBe(vn('2022-02-09T08:12:00'));
      // received during Tết: the clock starts on the first working morning, Monday 07/02 07:00
      const during = await createAt('2022-02-02T10:00:00', 'AN-SINH');
      expect(during.dueAt).toBe(vn('2022-02-09T17:00:00'));
      // and the Monday given for Giỗ Tổ 2022 (Sunday 10/04) is skipped too
      const gioTo = await createAt('2022-04-08T15:00:00', 'HOI-DAP');
      expect(gioTo.dueAt).toBe(vn('2022-04-12T08:00:00'));
    });

    it('runs an urgent clock-hours category (XET-NGHIEM, 24 h) around the clock, through nights, weekends and Tết', async () => {
      const night = await createAt('2026-03-06T20:00:00', 'XET-NGHIEM');
      expect(night.assignedUnit?.code).toBe('SO-YTE');
      expect(night.dueAt).toBe(vn('2026-03-07T20:00:00'));
      // the warning at 80 % of 24 clock hours: 19 h 12 min
      expect((await deadline(night.code)).warnAt).toBe(vn('2026-03-07T15:12:00'));
      const tet = await createAt('2022-01-31T21:30:00', 'XET-NGHIEM');
      expect(tet.dueAt).toBe(vn('2022-02-01T21:30:00'));
      // the same received instant in a working-time category waits for the end of Tết
      const slow = await createAt('2022-01-31T21:30:00', 'DI-LAI');
      expect(slow.dueAt).toBe(vn('2022-02-08T17:00:00'));
    });

    it('gives a category-less ticket DEFAULT_DEADLINE_HOURS (72) of working time', async () => {
      const tk = await createAt('2026-03-02T09:00:00', null);
      expect(tk.status).toBe('received');
      // 72 h = 9 working days: Monday 02/03 09:00 → Friday 13/03 09:00
      expect(tk.dueAt).toBe(vn('2026-03-13T09:00:00'));
    });

    it('computes imported tickets without a due time the same way, and keeps a stated one', async () => {
      t.clock.set('2026-03-02T09:00:00+07:00');
      const csv = [
        'code,channel,received_at,reporter_name,reporter_phone,area_code,category_code,content,unit_code,due_at,resolved_at,status,resolution',
        'DL-TET-1,hotline,2022-01-28T15:00:00+07:00,Lê Thị Hoa,,29401,AN-SINH,Chưa nhận gạo hỗ trợ.,UB-29401,,,,',
        'DL-TET-2,hotline,2022-01-28T20:00:00+07:00,Lê Thị Hoa,,29401,XET-NGHIEM,Cần xét nghiệm.,SO-YTE,,,,',
        'DL-TET-3,hotline,2022-01-28T15:00:00+07:00,Lê Thị Hoa,,29401,AN-SINH,Hạn ghi sẵn.,UB-29401,2022-01-30T10:00:00+07:00,,,',
      ].join('\n');
      const res = await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(csv);
      expect(res.status).toBe(201);
      expect((await view('DL-TET-1')).dueAt).toBe(vn('2022-02-09T15:00:00'));
      expect((await view('DL-TET-2')).dueAt).toBe(vn('2022-01-29T20:00:00'));
      expect((await view('DL-TET-3')).dueAt).toBe(vn('2022-01-30T10:00:00'));
      expect((await deadline('DL-TET-1')).warnAt).toBe(vn('2022-02-09T08:12:00'));
    });

    it('answers how much working time is left, counting only office hours, negative once overdue', async () => {
      const tk = await createAt('2026-03-02T09:00:00', 'AN-SINH');
      expect(tk.dueAt).toBe(vn('2026-03-05T09:00:00'));
      const at = async (local: string) => {
        t.clock.set(`${local}+07:00`);
        return deadline(tk.code);
      };
      expect(await at('2026-03-02T09:00:00')).toMatchObject({ minutesLeft: 1440, overdue: false, overdueAt: null });
      // Wednesday 16:00: 60 min on Wednesday + 120 on Thursday morning
      expect((await at('2026-03-04T16:00:00')).minutesLeft).toBe(180);
      // in the lunch break and at night nothing is consumed
      expect((await at('2026-03-04T12:00:00')).minutesLeft).toBe(330);
      expect((await at('2026-03-04T22:00:00')).minutesLeft).toBe(120);
      expect((await at('2026-03-05T08:59:00')).minutesLeft).toBe(1);
      expect(await at('2026-03-05T09:00:00')).toMatchObject({ minutesLeft: 0, overdue: false });
      expect(await at('2026-03-05T10:00:00')).toMatchObject({ minutesLeft: -60, overdue: true });
      // unit staff of the ticket's unit may ask; staff of another unit do not see the ticket
      expect((await deadline(tk.code, staff)).dueAt).toBe(vn('2026-03-05T09:00:00'));
      await t.http().get(`/api/tickets/${tk.code}/deadline`).set(bearer(staff2)).expect(404);
    });
  });

  describe('the calendar, edited through the API', () => {
    it('a swapped working Saturday and the weekday given off for it change the deadlines of tickets received afterwards', async () => {
      // the week of 13/03/2026 has no holiday: Friday 14:00 + 24 working hours is Wednesday 14:00
      const before = await createAt('2026-03-13T14:00:00', 'AN-SINH');
      expect(before.dueAt).toBe(vn('2026-03-18T14:00:00'));

      // Saturday 14/03 is worked: Fri 3 h, Sat 8 h, Mon 8 h, Tue 5 h → Tuesday 14:00
      const put = await t.http().put('/api/calendar/2026-03-14').set(bearer(admin))
        .send({ kind: 'work', name: 'Làm bù cho ngày nghỉ thứ Hai 16/03/2026' });
      expect(put.status).toBe(200);
      expect(put.body).toEqual({ date: '2026-03-14', kind: 'work', name: 'Làm bù cho ngày nghỉ thứ Hai 16/03/2026' });
      const withSaturday = await createAt('2026-03-13T14:00:00', 'AN-SINH');
      expect(withSaturday.dueAt).toBe(vn('2026-03-17T14:00:00'));

      // and Monday 16/03 is given off in exchange: back to Wednesday 14:00
      await t.http().put('/api/calendar/2026-03-16').set(bearer(admin)).send({ kind: 'off', name: 'Nghỉ hoán đổi (làm bù thứ Bảy 14/03/2026)' }).expect(200);
      const swapped = await createAt('2026-03-13T14:00:00', 'HOI-DAP');
      // 3 working hours from Friday 14:00 end at 17:00 the same day; from 16:00 they run into the working Saturday
      expect(swapped.dueAt).toBe(vn('2026-03-13T17:00:00'));
      const late = await createAt('2026-03-13T16:00:00', 'HOI-DAP');
      expect(late.dueAt).toBe(vn('2026-03-14T09:00:00'));
      // received on the working Saturday itself: counted at once (Sat 7 h, Mon off, Tue 8, Wed 8, Thu 1 h)
      const onSaturday = await createAt('2026-03-14T08:00:00', 'AN-SINH');
      expect(onSaturday.dueAt).toBe(vn('2026-03-19T08:00:00'));
      // received on the Monday given off: counted from Tuesday morning
      const onMonday = await createAt('2026-03-16T09:00:00', 'HOI-DAP');
      expect(onMonday.dueAt).toBe(vn('2026-03-17T10:00:00'));

      const cal = (await t.http().get('/api/calendar?year=2026').set(bearer(staff)).expect(200)).body;
      expect(cal.days).toEqual(expect.arrayContaining([
        { date: '2026-03-14', kind: 'work', name: 'Làm bù cho ngày nghỉ thứ Hai 16/03/2026' },
        { date: '2026-03-16', kind: 'off', name: 'Nghỉ hoán đổi (làm bù thứ Bảy 14/03/2026)' },
      ]));

      // tickets already received keep the deadline they were given
      expect((await view(before.code)).dueAt).toBe(vn('2026-03-18T14:00:00'));
      expect((await view(withSaturday.code)).dueAt).toBe(vn('2026-03-17T14:00:00'));

      // removing the swap: the ordinary week again
      await t.http().delete('/api/calendar/2026-03-14').set(bearer(admin)).expect(204);
      await t.http().delete('/api/calendar/2026-03-16').set(bearer(admin)).expect(204);
      await t.http().delete('/api/calendar/2026-03-16').set(bearer(admin)).expect(404);
      expect((await createAt('2026-03-13T16:00:00', 'HOI-DAP')).dueAt).toBe(vn('2026-03-16T09:00:00'));
      expect((await createAt('2026-03-13T14:00:00', 'AN-SINH')).dueAt).toBe(vn('2026-03-18T14:00:00'));
    });

    it('an admin can also take back a seeded holiday (the real table differs) and add one', async () => {
      // Monday 27/04/2026 is seeded as the compensatory day for Giỗ Tổ (Sunday 26/04)
      const before = await createAt('2026-04-24T16:00:00', 'HOI-DAP');
      expect(before.dueAt).toBe(vn('2026-04-28T09:00:00'));
      await t.http().put('/api/calendar/2026-04-27').set(bearer(admin)).send({ kind: 'work', name: 'Đi làm bình thường' }).expect(200);
      expect((await createAt('2026-04-24T16:00:00', 'HOI-DAP')).dueAt).toBe(vn('2026-04-27T09:00:00'));
      await t.http().put('/api/calendar/2026-04-27').set(bearer(admin)).send({ kind: 'off', name: 'Nghỉ bù Giỗ Tổ Hùng Vương' }).expect(200);
      expect((await createAt('2026-04-24T16:00:00', 'HOI-DAP')).dueAt).toBe(vn('2026-04-28T09:00:00'));
      // a new day off on an ordinary Tuesday
      await t.http().put('/api/calendar/2026-06-02').set(bearer(admin)).send({ kind: 'off', name: 'Nghỉ đột xuất' }).expect(200);
      expect((await createAt('2026-06-01T16:00:00', 'HOI-DAP')).dueAt).toBe(vn('2026-06-03T09:00:00'));
      await t.http().delete('/api/calendar/2026-06-02').set(bearer(admin)).expect(204);
      expect((await createAt('2026-06-01T16:00:00', 'HOI-DAP')).dueAt).toBe(vn('2026-06-02T09:00:00'));
    });

    it('only admins edit the calendar; bad dates and kinds are refused with 400 and change nothing', async () => {
      for (const token of [coord, op, staff, leader]) {
        await t.http().put('/api/calendar/2026-03-21').set(bearer(token)).send({ kind: 'work', name: 'Làm bù' }).expect(403);
        await t.http().delete('/api/calendar/2026-04-30').set(bearer(token)).expect(403);
      }
      await t.http().put('/api/calendar/2026-03-21').send({ kind: 'work', name: 'Làm bù' }).expect(401);
      for (const date of ['2026-02-30', '2026-13-01', '21-03-2026', '2026-3-21']) {
        const res = await t.http().put(`/api/calendar/${date}`).set(bearer(admin)).send({ kind: 'off', name: 'Ngày sai' });
        expect({ date, status: res.status }).toEqual({ date, status: 400 });
        const del = await t.http().delete(`/api/calendar/${date}`).set(bearer(admin));
        expect({ date, status: del.status }).toEqual({ date, status: 400 });
      }
      await t.http().put('/api/calendar/2026-03-21').set(bearer(admin)).send({ kind: 'holiday', name: 'Sai loại' }).expect(400);
      await t.http().put('/api/calendar/2026-03-21').set(bearer(admin)).send({ kind: 'work', name: '  ' }).expect(400);
      await t.http().get('/api/calendar?year=abc').set(bearer(admin)).expect(400);
      const cal = (await t.http().get('/api/calendar?year=2026').set(bearer(admin)).expect(200)).body;
      expect(cal.days.find((d: { date: string }) => d.date === '2026-03-21')).toBeUndefined();
      expect(cal.days.find((d: { date: string }) => d.date === '2026-04-30')).toEqual({ date: '2026-04-30', kind: 'off', name: 'Ngày Chiến thắng' });
      // Saturday 21/03 is still a day off
      expect((await createAt('2026-03-20T16:00:00', 'HOI-DAP')).dueAt).toBe(vn('2026-03-23T09:00:00'));
    });
  });

  describe('extensions', () => {
    it('a coordinator extends with a reason: the deadline moves, the warning follows, an event records it', async () => {
      const tk = await createAt('2026-03-02T09:00:00', 'AN-SINH');
      t.clock.set('2026-03-04T10:00:00+07:00');
      const res = await t.http().post(`/api/tickets/${tk.code}/extend`).set(bearer(coord))
        .send({ dueAt: '2026-03-06T17:00:00+07:00', reason: 'Cần xác minh thêm với hộ gia đình' });
      expect(res.status).toBe(200);
      // 38 working hours allowed in all; 80 % = 30.4 h → Friday 07:24
      expect(res.body).toMatchObject({
        code: tk.code, dueAt: vn('2026-03-06T17:00:00'), warnAt: vn('2026-03-06T07:24:00'), overdue: false,
        minutesLeft: 90 + 210 + 480 + 480,
      });
      const v = await view(tk.code);
      expect(v.dueAt).toBe(vn('2026-03-06T17:00:00'));
      const ev = v.events.filter((e: { type: string }) => e.type === 'deadline_extended');
      expect(ev).toHaveLength(1);
      expect(ev[0]).toMatchObject({
        at: vn('2026-03-04T10:00:00'), note: 'Cần xác minh thêm với hộ gia đình', toStatus: 'assigned', toUnit: { code: 'UB-29401' },
        data: { previousDueAt: vn('2026-03-05T09:00:00'), dueAt: vn('2026-03-06T17:00:00') },
      });
      // the history knows which deadline was in force when
      expect((await eventDeadlines(tk.code)).map((e) => [e.type, e.due_at?.toISOString()])).toEqual([
        ['created', vn('2026-03-05T09:00:00')],
        ['deadline_extended', vn('2026-03-06T17:00:00')],
      ]);
      // an extension must move the deadline later
      const back = await t.http().post(`/api/tickets/${tk.code}/extend`).set(bearer(coord))
        .send({ dueAt: '2026-03-05T09:00:00+07:00', reason: 'Rút ngắn' });
      expect(back.status).toBe(400);
      await t.http().post(`/api/tickets/${tk.code}/extend`).set(bearer(coord)).send({ dueAt: '2026-03-09T17:00:00+07:00' }).expect(400);
      await t.http().post(`/api/tickets/${tk.code}/extend`).set(bearer(coord)).send({ dueAt: 'thứ Hai', reason: 'x' }).expect(400);
      // an admin may extend too, again, on top of the first extension
      await t.http().post(`/api/tickets/${tk.code}/extend`).set(bearer(admin))
        .send({ dueAt: '2026-03-09T17:00:00+07:00', reason: 'Chờ ý kiến của huyện' }).expect(200);
      expect((await view(tk.code)).events.filter((e: { type: string }) => e.type === 'deadline_extended')).toHaveLength(2);
    });

    it('refuses anyone but a coordinator or admin with 403, and closed or resolved tickets with 409; nothing changes', async () => {
      const tk = await createAt('2026-03-02T09:00:00', 'AN-SINH');
      t.clock.set('2026-03-03T10:00:00+07:00');
      const body = { dueAt: '2026-03-10T17:00:00+07:00', reason: 'Gia hạn' };
      for (const token of [staff, op]) {
        const res = await t.http().post(`/api/tickets/${tk.code}/extend`).set(bearer(token)).send(body);
        expect(res.status).toBe(403);
      }
      // staff of another unit do not even see it
      await t.http().post(`/api/tickets/${tk.code}/extend`).set(bearer(staff2)).send(body).expect(404);
      expect((await view(tk.code)).dueAt).toBe(vn('2026-03-05T09:00:00'));

      await act(staff, tk.code, 'accept');
      await act(staff, tk.code, 'resolve', { resolution: 'Đã hỗ trợ 20 kg gạo.' });
      const resolved = await t.http().post(`/api/tickets/${tk.code}/extend`).set(bearer(coord)).send(body);
      expect(resolved.status).toBe(409);
      await act(coord, tk.code, 'close');
      const closed = await t.http().post(`/api/tickets/${tk.code}/extend`).set(bearer(coord)).send(body);
      expect(closed.status).toBe(409);
      expect(closed.body).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', currentStatus: 'closed' });
      const v = await view(tk.code);
      expect(v.dueAt).toBe(vn('2026-03-05T09:00:00'));
      expect(v.events.map((e: { type: string }) => e.type)).toEqual(['created', 'accepted', 'resolved', 'closed']);
    });
  });

  describe('transfers and returns', () => {
    it('a transfer between units does not restart the clock; a ticket returned to the coordinator keeps its deadline', async () => {
      const tk = await createAt('2026-03-02T09:00:00', 'AN-SINH');
      expect(tk.assignedUnit?.code).toBe('UB-29401');
      const due = vn('2026-03-05T09:00:00');
      expect(tk.dueAt).toBe(due);

      t.clock.set('2026-03-03T10:00:00+07:00');
      await act(staff, tk.code, 'accept');
      const moved = await act(coord, tk.code, 'assign', { unitCode: 'UB-29404', note: 'Người dân ở xã Phước Hảo' });
      expect(moved).toMatchObject({ status: 'assigned', assignedUnit: { code: 'UB-29404' }, dueAt: due });
      expect(moved.events.at(-1)).toMatchObject({ type: 'transferred', fromUnit: { code: 'UB-29401' }, toUnit: { code: 'UB-29404' } });

      t.clock.set('2026-03-03T14:00:00+07:00');
      await act(staff2, tk.code, 'accept');
      const back = await act(staff2, tk.code, 'return', { reason: 'Không thuộc địa bàn xã' });
      expect(back).toMatchObject({ status: 'received', assignedUnit: null, dueAt: due });
      // the working time left keeps running from the received time: Tue 14–17, Wed, Thu 07–09
      expect((await deadline(tk.code)).minutesLeft).toBe(180 + 480 + 120);

      t.clock.set('2026-03-04T08:00:00+07:00');
      const again = await act(coord, tk.code, 'assign', { unitCode: 'UB-29401' });
      expect(again).toMatchObject({ status: 'assigned', assignedUnit: { code: 'UB-29401' }, dueAt: due });
      // every event carries the same deadline
      const history = await eventDeadlines(tk.code);
      expect(history.map((e) => e.type)).toEqual(['created', 'accepted', 'transferred', 'accepted', 'returned', 'assigned']);
      expect(new Set(history.map((e) => e.due_at?.toISOString()))).toEqual(new Set([due]));
    });

    it('a new category sets the deadline from the received time, not from the time of the change', async () => {
      const tk = await createAt('2026-03-02T09:00:00', null);
      expect(tk.dueAt).toBe(vn('2026-03-13T09:00:00'));
      t.clock.set('2026-03-03T15:00:00+07:00');
      // DI-LAI: 16 working hours from Monday 09:00 → Wednesday 09:00 (from the time of the change it would be Thursday 15:00)
      const assigned = await act(coord, tk.code, 'assign', { categoryCode: 'DI-LAI', unitCode: 'CA-TINH' });
      expect(assigned).toMatchObject({ status: 'assigned', dueAt: vn('2026-03-04T09:00:00'), category: { code: 'DI-LAI' } });
      // transferring it afterwards keeps that deadline
      t.clock.set('2026-03-03T16:00:00+07:00');
      expect((await act(coord, tk.code, 'assign', { unitCode: 'SO-GTVT' })).dueAt).toBe(vn('2026-03-04T09:00:00'));
    });
  });
});
