import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Response } from 'supertest';
import { Category } from '../src/directory/category.entity.js';
import { DeadlineService } from '../src/calendar/deadline.service.js';
import { TICKET_ACTIONS, TRANSITIONS, type TicketAction } from '../src/tickets/ticket-state.js';
import { STATUSES, type TicketStatus } from '../src/tickets/ticket.entity.js';
import { bearer, startTestApp, tokensFor, type TestApp } from './support/test-app.js';

/**
 * The ticket lifecycle end to end (real app, real PostgreSQL): creation, every allowed and every refused transition,
 * the events they write, required inputs, comments, concurrent changes and the list filters.
 */

const HOUR = 3600_000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CODE = /^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;

/** The lifecycle as issue 2 states it, written out independently of src/tickets/ticket-state.ts. */
const ALLOWED: Record<TicketAction, TicketStatus[]> = {
  assign: ['received', 'assigned', 'in_progress'],
  accept: ['assigned'],
  return: ['assigned', 'in_progress'],
  resolve: ['in_progress'],
  close: ['resolved'],
  reject: ['received', 'assigned', 'in_progress'],
  reopen: ['resolved', 'closed', 'rejected'],
};
const UNIT_ACTIONS: TicketAction[] = ['accept', 'return', 'resolve'];

/** A valid body for each action (so that what answers is the lifecycle, not the validation). */
const BODY: Record<TicketAction, Record<string, unknown>> = {
  assign: { unitCode: 'YT-847' },
  accept: {},
  return: { reason: 'Không thuộc thẩm quyền của xã' },
  resolve: { resolution: 'Đã hỗ trợ gia đình 20 kg gạo.' },
  close: {},
  reject: { reason: 'spam' },
  reopen: { reason: 'Người dân phản ánh chưa được giải quyết' },
};

interface EventView {
  type: string; at: string; actor: string; fromStatus: string | null; toStatus: string | null;
  fromUnit: { code: string; name: string } | null; toUnit: { code: string; name: string } | null;
  note: string | null; internal: boolean; data: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ticket lifecycle (e2e)', () => {
  let t: TestApp;
  let coord: string;
  let coord2: string;
  let op: string;
  let staff: string; // UB-29401
  let staff2: string; // UB-29401, another person
  let admin: string;
  const BASE = '2026-03-02T09:00:00+07:00';

  beforeAll(async () => {
    t = await startTestApp({ now: BASE });
    [coord, coord2, op, staff, staff2, admin] = await tokensFor(t, [
      ['coordinator', null, 'dieuphoi-a'],
      ['coordinator', null, 'dieuphoi-b'],
      ['operator', null, 'tongdai-a'],
      ['unit_staff', 'UB-29401', 'hoaloi-a'],
      ['unit_staff', 'UB-29401', 'hoaloi-b'],
      ['admin', null, 'quantri-a'],
    ]);
  });
  afterAll(() => t?.close());
  beforeEach(() => t.clock.set(BASE));

  const create = async (body: Record<string, unknown> = {}) => {
    const res = await t.http().post('/api/tickets').set(bearer(op)).send({
      channel: 'hotline', reporterName: 'Nguyễn Thị Bé', reporterPhone: '0912345678', areaCode: '29401', categoryCode: 'AN-SINH',
      content: 'Gia đình chưa nhận được hỗ trợ lương thực.', ...body,
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const act = (token: string, code: string, action: TicketAction, body: Record<string, unknown> = BODY[action]) =>
    t.http().post(`/api/tickets/${code}/${action}`).set(bearer(token)).send(body);
  const ok = async (token: string, code: string, action: TicketAction, body?: Record<string, unknown>) => {
    const res = await act(token, code, action, body);
    if (res.status !== 200) throw new Error(`${action} on ${code}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const view = async (code: string) => (await t.http().get(`/api/tickets/${code}`).set(bearer(coord)).expect(200)).body;
  const events = async (code: string): Promise<EventView[]> => (await view(code)).events;
  /** What the database holds for a ticket: its row and how many events it has. */
  const snapshot = async (code: string) => {
    const [row] = await t.ds.query(
      `SELECT id, status, version, assigned_unit_code, due_at, updated_at, resolution, resolved_at, closed_at, rejected_at, reject_reason
         FROM tickets WHERE code = $1`, [code]);
    const [{ n }] = await t.ds.query('SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1', [row.id]);
    return { ...row, events: n as number };
  };
  const actorFor = (action: TicketAction) => (UNIT_ACTIONS.includes(action) ? staff : coord);
  /** The deadline the one deadline service gives a ticket received then in that category (working time for most). */
  const dueAtFor = async (receivedAt: string, categoryCode: string | null) =>
    t.app.get(DeadlineService).dueAt(new Date(receivedAt),
      categoryCode ? await t.ds.getRepository(Category).findOneByOrFail({ code: categoryCode }) : null).toISOString();

  /** A ticket of UB-29401 (or, for 'received', of no unit) brought to the status through the API. */
  async function ticketIn(status: TicketStatus): Promise<string> {
    if (status === 'received') {
      const tk = await create({ categoryCode: 'KHAC' });
      expect(tk.status).toBe('received');
      return tk.code;
    }
    const { code } = await create();
    if (status === 'rejected') {
      await ok(coord, code, 'reject', { reason: 'spam' });
      return code;
    }
    if (status === 'assigned') return code;
    await ok(staff, code, 'accept');
    if (status === 'in_progress') return code;
    await ok(staff, code, 'resolve');
    if (status === 'resolved') return code;
    await ok(coord, code, 'close');
    return code;
  }

  describe('creation', () => {
    it('answers 201 with the ticket: routed unit, ISO times, the deadline from receivedAt and the category, a created event', async () => {
      t.clock.set('2026-03-02T10:15:30+07:00');
      const res = await t.http().post('/api/tickets').set(bearer(op)).send({
        channel: 'zalo', reporterName: '  Trần Văn Hai ', reporterPhone: '0912 345 678', reporterEmail: 'Hai@Example.VN',
        areaCode: '29401', address: 'Ấp Kinh Xáng', categoryCode: 'Y-TE', content: 'Trạm y tế xã không có thuốc hạ sốt.',
      }).expect(201);
      const b = res.body;
      expect(b).toMatchObject({
        status: 'assigned', channel: 'zalo', reporterName: 'Trần Văn Hai', reporterPhone: '+84912345678', reporterEmail: 'hai@example.vn',
        category: { code: 'Y-TE', name: 'Y tế, khám chữa bệnh' },
        area: { code: '29401', name: 'Xã Hòa Lợi', districtName: 'Huyện Châu Thành' },
        assignedUnit: { code: 'YT-847', name: 'Phòng Y tế huyện Châu Thành' },
        address: 'Ấp Kinh Xáng', urgent: false, resolvedAt: null, closedAt: null, resolution: null, overdue: false,
      });
      expect(b.code).toMatch(CODE);
      expect(b.receivedAt).toMatch(ISO);
      expect(b.dueAt).toMatch(ISO);
      expect(b.receivedAt).toBe('2026-03-02T03:15:30.000Z');
      // Y-TE counts 40 hours of working time: the deadline service's answer, and never sooner than 40 clock hours
      expect(b.dueAt).toBe(await dueAtFor(b.receivedAt, 'Y-TE'));
      expect(Date.parse(b.dueAt) - Date.parse(b.receivedAt)).toBeGreaterThanOrEqual(40 * HOUR);
      expect(b.events).toHaveLength(1);
      expect(b.events[0]).toMatchObject({
        type: 'created', actor: 'tongdai-a', at: '2026-03-02T03:15:30.000Z', fromStatus: null, toStatus: 'assigned',
        fromUnit: null, toUnit: { code: 'YT-847' },
      });
      const again = await view(b.code);
      expect(again).toMatchObject({ code: b.code, status: 'assigned', receivedAt: b.receivedAt, dueAt: b.dueAt });
      const snap = await snapshot(b.code);
      expect(snap).toMatchObject({ status: 'assigned', version: 1, assigned_unit_code: 'YT-847', events: 1 });
    });

    it('uses each category’s hours, the province-wide rule without an area, and queues a ticket no rule matches', async () => {
      t.clock.set('2026-03-02T11:00:00+07:00');
      const soYte = await create({ categoryCode: 'Y-TE', areaCode: undefined });
      expect(soYte.assignedUnit).toEqual({ code: 'SO-YTE', name: 'Sở Y tế' });
      expect(soYte.area).toBeNull();
      // an urgent category counts clock hours: dueAt = receivedAt + its 24 hours
      const urgent = await create({ categoryCode: 'XET-NGHIEM' });
      expect(urgent).toMatchObject({ urgent: true, receivedAt: '2026-03-02T04:00:00.000Z', dueAt: '2026-03-03T04:00:00.000Z' });
      const other = await create({ categoryCode: 'KHAC' });
      expect(other).toMatchObject({ status: 'received', assignedUnit: null, receivedAt: '2026-03-02T04:00:00.000Z' });
      expect(other.dueAt).toBe(await dueAtFor(other.receivedAt, 'KHAC'));
      expect(other.events).toEqual([expect.objectContaining({ type: 'created', toStatus: 'received', toUnit: null })]);
      const none = await create({ categoryCode: undefined });
      expect(none).toMatchObject({ status: 'received', assignedUnit: null, category: null });
      expect(none.dueAt).toBe(await dueAtFor(none.receivedAt, null));
    });

    it('stores the phone in one canonical form (+84…) whatever form it was typed in', async () => {
      for (const typed of ['0912345678', '0912 345 678', '+84 912 345 678', '84912345678', '0912.345.678', '+84-912-345-678']) {
        const tk = await create({ reporterPhone: typed });
        expect([typed, tk.reporterPhone]).toEqual([typed, '+84912345678']);
        expect(tk.reporterPhoneNational).toBe('0912345678');
      }
      const landline = await create({ reporterPhone: '0294 3855 246' });
      expect(landline.reporterPhone).toBe('+842943855246');
      const [row] = await t.ds.query('SELECT reporter_phone FROM tickets WHERE code = $1', [landline.code]);
      expect(row.reporter_phone).toBe('+842943855246');
      const bad = await t.http().post('/api/tickets').set(bearer(op)).send({
        channel: 'hotline', reporterName: 'A', reporterPhone: '12345', content: 'x',
      }).expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'reporterPhone' })]);
    });

    it('gives random-looking tracking codes: all different, no sequence between consecutive tickets', async () => {
      const codes: string[] = [];
      for (let i = 0; i < 6; i++) codes.push((await create()).code);
      for (const c of codes) expect(c).toMatch(CODE);
      expect(new Set(codes).size).toBe(codes.length);
      const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
      const asNumber = (code: string) => [...code.replace(/^PA-|-/g, '')].reduce((n, ch) => n * 31 + ALPHABET.indexOf(ch), 0);
      for (let i = 1; i < codes.length; i++) {
        // consecutive tickets of a counter would be a few steps apart; random codes are ~10^11 apart
        expect(Math.abs(asNumber(codes[i]) - asNumber(codes[i - 1]))).toBeGreaterThan(10_000);
      }
      // nothing in a code counts tickets: neither the row count nor a shared prefix grows with it
      const [{ n }] = await t.ds.query('SELECT count(*)::int AS n FROM tickets');
      for (const c of codes) expect(c).not.toContain(String(n));
    });

    it('refuses bad input naming each field, unknown fields and unknown references; nothing is written', async () => {
      const [{ n: before }] = await t.ds.query('SELECT count(*)::int AS n FROM tickets');
      const res = await t.http().post('/api/tickets').set(bearer(op)).send({ channel: 'fax', reporterName: '', content: '   ', colour: 'red' }).expect(400);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['channel', 'reporterName', 'content', 'colour']));
      const refs = await t.http().post('/api/tickets').set(bearer(op)).send({
        channel: 'web', reporterName: 'A', content: 'x', areaCode: '99999', categoryCode: 'NO-SUCH',
      }).expect(400);
      expect(refs.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['areaCode', 'categoryCode']);
      const [{ n: after }] = await t.ds.query('SELECT count(*)::int AS n FROM tickets');
      expect(after).toBe(before);
    });
  });

  describe('allowed transitions', () => {
    it('the declared lifecycle is the one the issue describes', () => {
      expect([...TICKET_ACTIONS].sort()).toEqual(Object.keys(ALLOWED).sort());
      for (const a of TICKET_ACTIONS) expect([a, [...TRANSITIONS[a].from].sort()]).toEqual([a, [...ALLOWED[a]].sort()]);
    });

    it('assign from received: unit set, status assigned, one "assigned" event with who, when, before/after and note', async () => {
      const tk = await create({ categoryCode: 'KHAC' });
      t.clock.set('2026-03-02T09:30:00+07:00');
      const before = await snapshot(tk.code);
      const b = await ok(coord, tk.code, 'assign', { unitCode: 'UB-29401', note: 'Giao UBND xã Hòa Lợi xác minh' });
      expect(b).toMatchObject({ status: 'assigned', assignedUnit: { code: 'UB-29401', name: 'UBND xã Hòa Lợi' }, dueAt: tk.dueAt, version: 2 });
      const ev = await events(tk.code);
      expect(ev).toHaveLength(2);
      expect(ev[1]).toEqual({
        type: 'assigned', at: '2026-03-02T02:30:00.000Z', actor: 'dieuphoi-a', fromStatus: 'received', toStatus: 'assigned',
        fromUnit: null, toUnit: { code: 'UB-29401', name: 'UBND xã Hòa Lợi' }, note: 'Giao UBND xã Hòa Lợi xác minh',
        internal: false, data: expect.any(Object),
      });
      const after = await snapshot(tk.code);
      expect(after).toMatchObject({ version: before.version + 1, events: before.events + 1, assigned_unit_code: 'UB-29401' });
    });

    it('assign from received by rules after setting the category: the deadline counts from the received time', async () => {
      t.clock.set('2026-03-02T09:00:00+07:00');
      const tk = await create({ categoryCode: undefined });
      t.clock.set('2026-03-02T15:00:00+07:00');
      const b = await ok(coord, tk.code, 'assign', { categoryCode: 'XET-NGHIEM' });
      expect(b).toMatchObject({ status: 'assigned', assignedUnit: { code: 'SO-YTE' }, category: { code: 'XET-NGHIEM' } });
      expect(b.dueAt).toBe(new Date(Date.parse(tk.receivedAt) + 24 * HOUR).toISOString());
      const queued = await create({ categoryCode: 'KHAC' });
      const noUnit = await act(coord, queued.code, 'assign', {}).expect(422);
      expect(noUnit.body.message).toMatch(/đơn vị/);
      expect((await snapshot(queued.code)).events).toBe(1);
    });

    it.each(['assigned', 'in_progress'] as const)('transfer from %s: new unit, status assigned, deadline not restarted', async (status) => {
      const code = await ticketIn(status);
      const before = await view(code);
      t.clock.set('2026-03-02T16:45:00+07:00');
      const b = await ok(coord, code, 'assign', { unitCode: 'VP-847', note: 'Chuyển huyện xử lý' });
      expect(b).toMatchObject({ status: 'assigned', assignedUnit: { code: 'VP-847' }, dueAt: before.dueAt, receivedAt: before.receivedAt });
      const ev = await events(code);
      expect(ev).toHaveLength(before.events.length + 1);
      expect(ev.at(-1)).toMatchObject({
        type: 'transferred', at: '2026-03-02T09:45:00.000Z', actor: 'dieuphoi-a', fromStatus: status, toStatus: 'assigned',
        fromUnit: { code: 'UB-29401' }, toUnit: { code: 'VP-847' }, note: 'Chuyển huyện xử lý',
      });
      // assigning again to the unit that already has it is refused, and writes nothing
      const same = await act(coord, code, 'assign', { unitCode: 'VP-847' }).expect(409);
      expect(same.body.currentStatus).toBe('assigned');
      expect((await snapshot(code)).events).toBe(ev.length);
    });

    it('accept: assigned → in_progress, unit kept, one "accepted" event', async () => {
      const code = await ticketIn('assigned');
      t.clock.set('2026-03-02T10:00:00+07:00');
      const b = await ok(staff, code, 'accept', { note: 'Đã nhận' });
      expect(b).toMatchObject({ status: 'in_progress', assignedUnit: { code: 'UB-29401' } });
      expect((await events(code)).at(-1)).toMatchObject({
        type: 'accepted', actor: 'hoaloi-a', at: '2026-03-02T03:00:00.000Z', fromStatus: 'assigned', toStatus: 'in_progress',
        fromUnit: { code: 'UB-29401' }, toUnit: { code: 'UB-29401' }, note: 'Đã nhận',
      });
      expect((await snapshot(code)).events).toBe(2);
    });

    it.each(['assigned', 'in_progress'] as const)('return from %s with a reason: back to received, unit cleared, deadline kept', async (status) => {
      const code = await ticketIn(status);
      const before = await snapshot(code);
      t.clock.set('2026-03-02T11:00:00+07:00');
      const res = await act(staff, code, 'return', { reason: 'Không thuộc thẩm quyền của xã' }).expect(200);
      expect(res.body).toMatchObject({ code, status: 'received', assignedUnit: null });
      const after = await snapshot(code);
      expect(after).toMatchObject({ status: 'received', assigned_unit_code: null, version: before.version + 1, events: before.events + 1 });
      expect(after.due_at.toISOString()).toBe(before.due_at.toISOString());
      expect((await events(code)).at(-1)).toMatchObject({
        type: 'returned', actor: 'hoaloi-a', at: '2026-03-02T04:00:00.000Z', fromStatus: status, toStatus: 'received',
        fromUnit: { code: 'UB-29401' }, toUnit: null, note: 'Không thuộc thẩm quyền của xã',
      });
      // it has left the unit: its staff no longer read it
      await t.http().get(`/api/tickets/${code}`).set(bearer(staff)).expect(404);
    });

    it('resolve with a resolution text: in_progress → resolved, resolvedAt set, the text in ticket and event', async () => {
      const code = await ticketIn('in_progress');
      t.clock.set('2026-03-02T14:00:00+07:00');
      const b = await ok(staff, code, 'resolve', { resolution: '  Đã trao 20 kg gạo cho gia đình.  ' });
      expect(b).toMatchObject({ status: 'resolved', resolution: 'Đã trao 20 kg gạo cho gia đình.', resolvedAt: '2026-03-02T07:00:00.000Z', assignedUnit: { code: 'UB-29401' } });
      expect((await events(code)).at(-1)).toMatchObject({
        type: 'resolved', actor: 'hoaloi-a', fromStatus: 'in_progress', toStatus: 'resolved', note: 'Đã trao 20 kg gạo cho gia đình.',
        fromUnit: { code: 'UB-29401' }, toUnit: { code: 'UB-29401' },
      });
    });

    it('close: resolved → closed, closedAt set', async () => {
      const code = await ticketIn('resolved');
      t.clock.set('2026-03-02T15:00:00+07:00');
      const b = await ok(coord, code, 'close', { note: 'Người dân hài lòng' });
      expect(b).toMatchObject({ status: 'closed', closedAt: '2026-03-02T08:00:00.000Z', resolution: BODY.resolve.resolution });
      expect((await events(code)).at(-1)).toMatchObject({ type: 'closed', actor: 'dieuphoi-a', fromStatus: 'resolved', toStatus: 'closed', note: 'Người dân hài lòng' });
    });

    it.each([
      ['received', 'spam'], ['assigned', 'out_of_scope'], ['in_progress', 'spam'],
    ] as const)('reject from %s with reason %s', async (status, reason) => {
      const code = await ticketIn(status);
      const before = await snapshot(code);
      t.clock.set('2026-03-02T12:00:00+07:00');
      const b = await ok(coord, code, 'reject', { reason, note: 'ghi chú' });
      expect(b).toMatchObject({ status: 'rejected', rejectReason: reason, rejectedAt: '2026-03-02T05:00:00.000Z', duplicateOf: null });
      expect((await events(code)).at(-1)).toMatchObject({
        type: 'rejected', actor: 'dieuphoi-a', fromStatus: status, toStatus: 'rejected', note: 'ghi chú', data: expect.objectContaining({ reason }),
      });
      expect(await snapshot(code)).toMatchObject({ version: before.version + 1, events: before.events + 1 });
    });

    it('reject as duplicate needs duplicateOf naming another existing ticket', async () => {
      const original = await create({ content: 'Phản ánh gốc' });
      const code = await ticketIn('assigned');
      const before = await snapshot(code);
      const missing = await act(coord, code, 'reject', { reason: 'duplicate' }).expect(400);
      expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'duplicateOf' })]);
      const unknown = await act(coord, code, 'reject', { reason: 'duplicate', duplicateOf: 'PA-2222-2222' }).expect(400);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'duplicateOf' })]);
      const itself = await act(coord, code, 'reject', { reason: 'duplicate', duplicateOf: code }).expect(400);
      expect(itself.body.errors).toEqual([expect.objectContaining({ field: 'duplicateOf' })]);
      const notDup = await act(coord, code, 'reject', { reason: 'spam', duplicateOf: original.code }).expect(400);
      expect(notDup.body.errors).toEqual([expect.objectContaining({ field: 'duplicateOf' })]);
      expect(await snapshot(code)).toEqual(before);
      const b = await ok(coord, code, 'reject', { reason: 'duplicate', duplicateOf: original.code.toLowerCase() });
      expect(b).toMatchObject({ status: 'rejected', rejectReason: 'duplicate', duplicateOf: original.code });
      expect((await events(code)).at(-1)).toMatchObject({ type: 'rejected', data: expect.objectContaining({ reason: 'duplicate' }) });
    });

    it.each(['resolved', 'closed', 'rejected'] as const)('reopen from %s with a reason: back to its active unit (assigned)', async (status) => {
      const code = await ticketIn(status);
      const before = await snapshot(code);
      t.clock.set('2026-03-02T17:00:00+07:00');
      const b = await ok(coord, code, 'reopen', { reason: 'Người dân phản ánh lại' });
      expect(b).toMatchObject({
        status: 'assigned', assignedUnit: { code: 'UB-29401' }, resolution: null, resolvedAt: null, closedAt: null, rejectedAt: null, rejectReason: null,
      });
      expect((await events(code)).at(-1)).toMatchObject({
        type: 'reopened', actor: 'dieuphoi-a', at: '2026-03-02T10:00:00.000Z', fromStatus: status, toStatus: 'assigned',
        fromUnit: { code: 'UB-29401' }, toUnit: { code: 'UB-29401' }, note: 'Người dân phản ánh lại',
      });
      expect(await snapshot(code)).toMatchObject({ version: before.version + 1, events: before.events + 1 });
      // the unit can work on it again
      await ok(staff, code, 'accept');
    });

    it('reopen goes back to the queue (received) when the ticket has no unit, or its unit is no longer active', async () => {
      const queued = await ticketIn('received');
      await ok(coord, queued, 'reject', { reason: 'out_of_scope' });
      expect(await ok(coord, queued, 'reopen', { reason: 'Thuộc phạm vi' })).toMatchObject({ status: 'received', assignedUnit: null });
      expect((await events(queued)).at(-1)).toMatchObject({ type: 'reopened', fromStatus: 'rejected', toStatus: 'received', toUnit: null });

      // a unit whose only ticket is closed can be deactivated; reopening that ticket then queues it
      const tk = await create({ areaCode: '29404' });
      expect(tk.assignedUnit.code).toBe('UB-29404');
      const staffPh = await t.userToken('unit_staff', 'UB-29404');
      await ok(staffPh, tk.code, 'accept');
      await ok(staffPh, tk.code, 'resolve');
      await ok(coord, tk.code, 'close');
      await t.http().patch('/api/units/UB-29404').set(bearer(admin)).send({ active: false }).expect(200);
      const b = await ok(coord, tk.code, 'reopen', { reason: 'Chưa giải quyết' });
      expect(b).toMatchObject({ status: 'received', assignedUnit: null });
      expect((await events(tk.code)).at(-1)).toMatchObject({ type: 'reopened', fromStatus: 'closed', toStatus: 'received', fromUnit: { code: 'UB-29404' }, toUnit: null });
    });
  });

  describe('deadline and state history', () => {
    it('a category set on assign gives the deadline and the due-soon warning from the received time', async () => {
      const tk = await create({ categoryCode: 'KHAC' });
      t.clock.set('2026-03-02T15:00:00+07:00');
      await ok(coord, tk.code, 'assign', { categoryCode: 'XET-NGHIEM' });
      const d = (await t.http().get(`/api/tickets/${tk.code}/deadline`).set(bearer(coord)).expect(200)).body;
      const received = Date.parse(tk.receivedAt);
      expect(d.dueAt).toBe(new Date(received + 24 * HOUR).toISOString());
      expect(d.warnAt).toBe(new Date(received + 24 * HOUR * t.settings.DUE_SOON_PERCENT / 100).toISOString());
      // a transfer without a new category keeps both
      await ok(coord, tk.code, 'assign', { unitCode: 'YT-847' });
      expect((await t.http().get(`/api/tickets/${tk.code}/deadline`).set(bearer(coord)).expect(200)).body).toMatchObject({ dueAt: d.dueAt, warnAt: d.warnAt });
    });

    it('every change keeps the status, unit and deadline in force (a comment keeps none), so the overdue list of any instant is right', async () => {
      const overdueAt = async (at: string) => {
        const res = await t.http().get('/api/overdue').query({ at }).set(bearer(coord)).expect(200);
        return (res.body.units as Array<{ unit: { code: string } | null; tickets: Array<{ code: string; status: string; dueAt: string }> }>)
          .flatMap((u) => u.tickets.map((x) => ({ ...x, unit: u.unit?.code ?? null })));
      };
      const tk = await create({ categoryCode: 'XET-NGHIEM', areaCode: '29401' }); // SO-YTE, 24 clock hours
      const firstDue = tk.dueAt;
      t.clock.set('2026-03-02T10:00:00+07:00');
      const staffSoYte = await t.userToken('unit_staff', 'SO-YTE');
      await ok(staffSoYte, tk.code, 'accept');
      t.clock.set('2026-03-02T11:00:00+07:00');
      await t.http().post(`/api/tickets/${tk.code}/comments`).set(bearer(staffSoYte)).send({ text: 'Đang liên hệ' }).expect(201);
      t.clock.set('2026-03-02T12:00:00+07:00');
      // reclassified and transferred: a new deadline (Y-TE, from the received time), another unit
      const moved = await ok(coord, tk.code, 'assign', { unitCode: 'YT-847', categoryCode: 'Y-TE' });
      expect(moved.dueAt).toBe(await dueAtFor(tk.receivedAt, 'Y-TE'));
      t.clock.set('2026-03-02T13:00:00+07:00');
      await t.http().post(`/api/tickets/${tk.code}/comments`).set(bearer(coord)).send({ text: 'Chuyển Phòng Y tế' }).expect(201);

      const mine = async (at: string) => (await overdueAt(at)).filter((x) => x.code === tk.code);
      // at 10:30 (after the accept) it was SO-YTE's, in progress, not yet late
      expect(await mine('2026-03-02T10:30:00+07:00')).toEqual([]);
      // an hour after the first deadline it is the health office's, under the new deadline, not late
      expect(await mine(new Date(Date.parse(firstDue) + HOUR).toISOString())).toEqual([]);
      // an hour after the new deadline: late, at YT-847, assigned
      expect(await mine(new Date(Date.parse(moved.dueAt) + HOUR).toISOString()))
        .toEqual([expect.objectContaining({ unit: 'YT-847', status: 'assigned', dueAt: moved.dueAt })]);
      // the rows behind that: every state event carries the unit and deadline in force after it; comments carry no state
      const rows: Array<{ type: string; to_status: string; to_unit_code: string | null; due_at: Date | null }> = await t.ds.query(
        `SELECT e.type, e.to_status, e.to_unit_code, e.due_at FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
          WHERE t.code = $1 ORDER BY e.at, e.id`, [tk.code]);
      expect(rows.map((r) => [r.type, r.to_status, r.to_unit_code, r.due_at?.toISOString() ?? null])).toEqual([
        ['created', 'assigned', 'SO-YTE', firstDue],
        ['accepted', 'in_progress', 'SO-YTE', firstDue],
        ['comment', null, null, null],
        ['transferred', 'assigned', 'YT-847', moved.dueAt],
        ['comment', null, null, null],
      ]);
    });
  });

  describe('refused transitions', () => {
    // A queued ticket (received) belongs to no unit, so no unit's staff may even read it: for the unit's actions the
    // answer is 404 (access comes first), for every other pair it is 409.
    const cases = TICKET_ACTIONS.flatMap((action) =>
      STATUSES.filter((s) => !ALLOWED[action].includes(s))
        .map((status) => [action, status, status === 'received' && UNIT_ACTIONS.includes(action) ? 404 : 409] as const));

    it('covers every refused action/status pair', () => {
      expect(cases).toHaveLength(7 * 6 - Object.values(ALLOWED).flat().length);
    });

    it.each(cases)('%s from %s answers %d (naming the status); nothing is written', async (action, status, expected) => {
      const code = await ticketIn(status);
      const before = await snapshot(code);
      t.clock.advance(HOUR);
      const res = await act(actorFor(action), code, action);
      if (expected === 404) {
        expect(res.status).toBe(404);
        // a coordinator, who can read it, is told the action is not theirs
        await act(coord, code, action).expect(403);
      } else {
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ statusCode: 409, code: 'TRANSITION_NOT_ALLOWED', currentStatus: status });
        expect(res.body.message).toContain(status);
        expect(res.body.message).toMatch(/Không thể/);
      }
      expect(await snapshot(code)).toEqual(before);
    });
  });

  describe('required inputs', () => {
    it.each([
      ['resolve', 'in_progress', {}, 'resolution'],
      ['resolve', 'in_progress', { resolution: '   ' }, 'resolution'],
      ['return', 'assigned', {}, 'reason'],
      ['return', 'in_progress', { reason: '' }, 'reason'],
      ['reopen', 'closed', {}, 'reason'],
      ['reject', 'assigned', {}, 'reason'],
      ['reject', 'assigned', { reason: 'boring' }, 'reason'],
      ['accept', 'assigned', { version: 'x' }, 'version'],
      ['close', 'resolved', { colour: 'red' }, 'colour'],
      ['assign', 'received', { unitCode: 'KHONG-CO' }, 'unitCode'],
      ['assign', 'assigned', { unitCode: 'YT-847', categoryCode: 'KHONG-CO', areaCode: '00000' }, 'areaCode'],
    ] as const)('%s (from %s) with %j answers 400 naming %s; nothing is written', async (action, status, body, field) => {
      const code = await ticketIn(status);
      const before = await snapshot(code);
      const res = await act(actorFor(action), code, action, body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(res.body.errors.every((e: { reason: string }) => typeof e.reason === 'string' && e.reason.length > 0)).toBe(true);
      expect(await snapshot(code)).toEqual(before);
    });
  });

  describe('comments', () => {
    it('write a comment event (internal by default) without changing the ticket', async () => {
      const code = await ticketIn('in_progress');
      const before = await snapshot(code);
      t.clock.set('2026-03-02T13:00:00+07:00');
      await t.http().post(`/api/tickets/${code}/comments`).set(bearer(staff)).send({ text: 'Đã gọi điện cho người dân' }).expect(201);
      await t.http().post(`/api/tickets/${code}/comments`).set(bearer(coord)).send({ text: 'Công khai', internal: false }).expect(201);
      const ev = await events(code);
      expect(ev.slice(-2)).toEqual([
        expect.objectContaining({ type: 'comment', actor: 'hoaloi-a', at: '2026-03-02T06:00:00.000Z', note: 'Đã gọi điện cho người dân', internal: true, fromStatus: null, toStatus: null }),
        expect.objectContaining({ type: 'comment', actor: 'dieuphoi-a', note: 'Công khai', internal: false }),
      ]);
      const after = await snapshot(code);
      expect(after).toMatchObject({ status: 'in_progress', version: before.version, events: before.events + 2 });
      const bad = await t.http().post(`/api/tickets/${code}/comments`).set(bearer(coord)).send({ text: '  ' }).expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'text' })]);
      expect((await snapshot(code)).events).toBe(before.events + 2);
    });
  });

  describe('atomicity and concurrency', () => {
    it('the change and its event are one transaction: if either cannot be committed, neither is', async () => {
      const code = await ticketIn('in_progress');
      const before = await snapshot(code);
      // the database of this test file refuses, on purpose: an event with a marked note (at insert), and a ticket with
      // a marked resolution (at commit, after the event has been written)
      await t.ds.query(`CREATE FUNCTION test_fail_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.note = 'FAIL-THE-EVENT' THEN RAISE EXCEPTION 'event refused by test'; END IF; RETURN NEW; END $$`);
      await t.ds.query(`CREATE TRIGGER test_fail_event BEFORE INSERT ON ticket_events FOR EACH ROW EXECUTE FUNCTION test_fail_event()`);
      await t.ds.query(`CREATE FUNCTION test_fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.resolution = 'FAIL-AT-COMMIT' THEN RAISE EXCEPTION 'commit refused by test'; END IF; RETURN NULL; END $$`);
      await t.ds.query(`CREATE CONSTRAINT TRIGGER test_fail_commit AFTER UPDATE ON tickets DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION test_fail_commit()`);
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        await act(staff, code, 'resolve', { resolution: 'FAIL-THE-EVENT' }).expect(500);
        await act(staff, code, 'resolve', { resolution: 'FAIL-AT-COMMIT' }).expect(500);
        await t.http().post(`/api/tickets/${code}/comments`).set(bearer(staff)).send({ text: 'FAIL-THE-EVENT' }).expect(500);
        expect(logged.mock.calls.map((c) => String(c[0]))).toEqual(['event refused by test', 'commit refused by test', 'event refused by test']);
      } finally {
        logged.mockRestore();
        await t.ds.query('DROP TRIGGER test_fail_event ON ticket_events; DROP TRIGGER test_fail_commit ON tickets');
      }
      expect(await snapshot(code)).toEqual(before);
      // and with nothing refused the same change goes through
      await ok(staff, code, 'resolve', { resolution: 'Đã xử lý' });
      expect(await snapshot(code)).toMatchObject({ status: 'resolved', version: before.version + 1, events: before.events + 1 });
    });

    /** Holds the ticket's row lock while the requests start, so both read the same version before either writes. */
    async function raceOnLockedRow(code: string, requests: Array<() => Promise<Response>>): Promise<Response[]> {
      const qr = t.ds.createQueryRunner();
      await qr.connect();
      try {
        await qr.startTransaction();
        await qr.query('SELECT 1 FROM tickets WHERE code = $1 FOR UPDATE', [code]);
        const pending = requests.map((r) => r());
        const deadline = Date.now() + 10_000;
        for (;;) {
          const [{ n }] = await t.ds.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
          if (n >= requests.length) break;
          if (Date.now() > deadline) throw new Error(`only ${n} of ${requests.length} requests reached the ticket's row`);
          await sleep(10);
        }
        await qr.commitTransaction();
        return await Promise.all(pending);
      } finally {
        await qr.release();
      }
    }
    const send = (token: string, code: string, action: TicketAction, body: Record<string, unknown>) => () =>
      act(token, code, action, body).then((r) => r);

    it('two coordinators assign at the same moment: one wins, the other gets 409, only the winner’s event exists', async () => {
      const code = await ticketIn('received');
      const before = await snapshot(code);
      const [a, b] = await raceOnLockedRow(code, [
        send(coord, code, 'assign', { unitCode: 'UB-29401', note: 'A' }),
        send(coord2, code, 'assign', { unitCode: 'SO-YTE', note: 'B' }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
      const winnerUnit = winner === a ? 'UB-29401' : 'SO-YTE';
      // the loser is told the status the ticket has now
      expect(loser.body).toMatchObject({ statusCode: 409, code: 'STALE_VERSION', currentStatus: 'assigned' });
      expect(loser.body.message).toMatch(/người khác/);
      const after = await snapshot(code);
      expect(after).toMatchObject({ status: 'assigned', assigned_unit_code: winnerUnit, version: before.version + 1, events: before.events + 1 });
      const ev = await events(code);
      expect(ev.filter((e) => e.type !== 'created')).toEqual([
        expect.objectContaining({ type: 'assigned', toUnit: expect.objectContaining({ code: winnerUnit }), actor: winner === a ? 'dieuphoi-a' : 'dieuphoi-b' }),
      ]);
    });

    it('accept and return by two people of the unit at the same moment: one wins, nothing of the other is written', async () => {
      const code = await ticketIn('assigned');
      const before = await snapshot(code);
      const [acc, ret] = await raceOnLockedRow(code, [
        send(staff, code, 'accept', { note: 'nhận' }),
        send(staff2, code, 'return', { reason: 'trả' }),
      ]);
      expect([acc.status, ret.status].sort()).toEqual([200, 409]);
      const after = await snapshot(code);
      expect((acc.status === 409 ? acc : ret).body).toMatchObject({ code: 'STALE_VERSION', currentStatus: after.status });
      expect(after.version).toBe(before.version + 1);
      expect(after.events).toBe(before.events + 1);
      const last = (await events(code)).at(-1)!;
      if (acc.status === 200) {
        expect(after).toMatchObject({ status: 'in_progress', assigned_unit_code: 'UB-29401' });
        expect(last).toMatchObject({ type: 'accepted', actor: 'hoaloi-a' });
      } else {
        expect(after).toMatchObject({ status: 'received', assigned_unit_code: null });
        expect(last).toMatchObject({ type: 'returned', actor: 'hoaloi-b' });
      }
    });

    it('two coordinators sending the version they saw, in parallel: exactly one change is applied', async () => {
      for (let round = 0; round < 3; round++) {
        const code = await ticketIn('assigned');
        const { version } = await view(code);
        const before = await snapshot(code);
        const [a, b] = await Promise.all([
          act(coord, code, 'assign', { unitCode: 'VP-847', version }),
          act(coord2, code, 'reject', { reason: 'spam', version }),
        ]);
        expect([a.status, b.status].sort()).toEqual([200, 409]);
        const after = await snapshot(code);
        expect(after).toMatchObject({ version: before.version + 1, events: before.events + 1, status: a.status === 200 ? 'assigned' : 'rejected' });
        expect((a.status === 409 ? a : b).body).toMatchObject({ code: 'STALE_VERSION', currentStatus: after.status });
        expect((await events(code)).at(-1)!.type).toBe(a.status === 200 ? 'transferred' : 'rejected');
      }
    });

    it('a stale version in the body answers 409 and writes nothing; the current one is accepted', async () => {
      const code = await ticketIn('assigned');
      await t.http().post(`/api/tickets/${code}/comments`).set(bearer(staff)).send({ text: 'ghi chú' }).expect(201);
      const current = (await view(code)).version;
      const before = await snapshot(code);
      for (const version of [current - 1 || 99, current + 1]) {
        const res = await act(staff, code, 'accept', { version }).expect(409);
        expect(res.body).toMatchObject({ code: 'STALE_VERSION', currentStatus: 'assigned' });
        expect(await snapshot(code)).toEqual(before);
      }
      const moved = await ok(coord, code, 'assign', { unitCode: 'UB-29401', categoryCode: 'AN-SINH', version: current });
      expect(moved.version).toBe(current + 1);
      const res = await act(staff, code, 'accept', { version: current }).expect(409);
      expect(res.body.code).toBe('STALE_VERSION');
      expect(await ok(staff, code, 'accept', { version: current + 1 })).toMatchObject({ status: 'in_progress', version: current + 2 });
    });
  });
});

describe('GET /api/tickets filters (e2e)', () => {
  let t: TestApp;
  let op: string;
  const codes: Record<string, string> = {};
  const at = (d: string) => `2026-03-${d}:00+07:00`;

  beforeAll(async () => {
    t = await startTestApp({ now: at('12T09:00') });
    // tokens are issued at the latest time the tests use, so that they stay valid at every earlier instant
    const [opT, coord, soYte, yt847] = await tokensFor(t, [
      'operator', 'coordinator', ['unit_staff', 'SO-YTE'], ['unit_staff', 'YT-847'],
    ]);
    op = opT;
    const create = async (key: string, when: string, body: Record<string, unknown>) => {
      t.clock.set(at(when));
      const res = await t.http().post('/api/tickets').set(bearer(op)).send({ reporterName: 'Người dân', content: `Phản ánh ${key}`, ...body });
      expect(res.status).toBe(201);
      codes[key] = res.body.code;
    };
    const act = async (token: string, key: string, action: string, body: Record<string, unknown> = {}) => {
      const res = await t.http().post(`/api/tickets/${codes[key]}/${action}`).set(bearer(token)).send(body);
      expect(res.status).toBe(200);
    };
    await create('A', '01T08:00', { channel: 'hotline', categoryCode: 'AN-SINH', areaCode: '29401' }); // UB-29401, assigned, due 04
    await create('B', '03T08:00', { channel: 'zalo', categoryCode: 'Y-TE', areaCode: '29401' }); // YT-847, due 06
    await act(yt847, 'B', 'accept');
    await create('C', '05T08:00', { channel: 'web', categoryCode: 'Y-TE' }); // SO-YTE
    await act(soYte, 'C', 'accept');
    await act(soYte, 'C', 'resolve', { resolution: 'Đã xử lý' });
    await create('D', '07T08:00', { channel: 'hotline', categoryCode: 'KHAC', areaCode: '29236' }); // queue, due 17
    await create('E', '08T08:00', { channel: 'app', categoryCode: 'AN-SINH', areaCode: '29374' }); // UB-29374
    await act(coord, 'E', 'reject', { reason: 'spam' });
    t.clock.set(at('12T09:00'));
  });
  afterAll(() => t?.close());

  const list = (query: Record<string, string | number>) => t.http().get('/api/tickets').query(query).set(bearer(op));
  const keysOf = (items: Array<{ code: string }>) => items.map((i) => Object.keys(codes).find((k) => codes[k] === i.code));
  const expectKeys = async (query: Record<string, string | number>, keys: string[]) => {
    const res = await list(query).expect(200);
    expect([query, keysOf(res.body.items)]).toEqual([query, keys]);
    expect(res.body.total).toBe(keys.length);
  };

  it('lists everything newest first, paginated {items, total, page, pageSize}', async () => {
    const all = await list({}).expect(200);
    expect(all.body).toMatchObject({ total: 5, page: 1, pageSize: 20 });
    expect(keysOf(all.body.items)).toEqual(['E', 'D', 'C', 'B', 'A']);
    const pages = [];
    for (const page of [1, 2, 3]) {
      const res = await list({ pageSize: 2, page }).expect(200);
      expect(res.body).toMatchObject({ total: 5, page, pageSize: 2 });
      pages.push(keysOf(res.body.items));
    }
    expect(pages).toEqual([['E', 'D'], ['C', 'B'], ['A']]);
    const beyond = await list({ pageSize: 2, page: 4 }).expect(200);
    expect(beyond.body).toMatchObject({ items: [], total: 5, page: 4 });
  });

  it('filters by status, one or a comma list', async () => {
    await expectKeys({ status: 'assigned' }, ['A']);
    await expectKeys({ status: 'assigned,in_progress' }, ['B', 'A']);
    await expectKeys({ status: 'received, resolved ,rejected' }, ['E', 'D', 'C']);
  });

  it('filters by unit, category and channel', async () => {
    await expectKeys({ unit: 'UB-29401' }, ['A']);
    await expectKeys({ unit: 'SO-YTE' }, ['C']);
    await expectKeys({ category: 'Y-TE' }, ['C', 'B']);
    await expectKeys({ channel: 'hotline' }, ['D', 'A']);
    await expectKeys({ channel: 'zalo', category: 'Y-TE' }, ['B']);
  });

  it('filters by area: a district includes its communes', async () => {
    await expectKeys({ area: '847' }, ['E', 'B', 'A']);
    await expectKeys({ area: '29401' }, ['B', 'A']);
    await expectKeys({ area: '842' }, ['D']);
    await expectKeys({ area: '84' }, ['E', 'D', 'B', 'A']);
    await expectKeys({ area: '847', status: 'assigned,in_progress' }, ['B', 'A']);
  });

  it('filters overdue by the clock: open tickets past their deadline', async () => {
    t.clock.set(at('05T09:00'));
    // at 5 March only A (due 4 March) is late; B is due 6 March
    await expectKeys({ overdue: 'true' }, ['A']);
    t.clock.set(at('12T09:00'));
    await expectKeys({ overdue: 'true' }, ['B', 'A']);
    await expectKeys({ overdue: 'false' }, ['E', 'D', 'C']);
    const res = await list({}).expect(200);
    expect(Object.fromEntries(res.body.items.map((i: { code: string; overdue: boolean }) => [keysOf([i])[0], i.overdue])))
      .toEqual({ A: true, B: true, C: false, D: false, E: false });
  });

  it('filters by received time (from inclusive, to exclusive)', async () => {
    await expectKeys({ receivedFrom: at('03T00:00'), receivedTo: at('07T00:00') }, ['C', 'B']);
    await expectKeys({ receivedFrom: at('03T08:00') }, ['E', 'D', 'C', 'B']);
    await expectKeys({ receivedTo: at('03T08:00') }, ['A']);
    await expectKeys({ receivedFrom: '2026-03-05T01:00:00Z', receivedTo: '2026-03-05T01:00:01Z' }, ['C']);
    await expectKeys({ receivedFrom: '2026-03-05T08:00:00+0700', receivedTo: '2026-03-05T08:00:00.001+07:00' }, ['C']);
  });

  it('reads a time without an offset as Viet Nam time, and a bare date as that whole day in Viet Nam', async () => {
    // C was received at 08:00 on 5 March in Viet Nam (01:00 UTC)
    await expectKeys({ receivedFrom: '2026-03-05T08:00' }, ['E', 'D', 'C']);
    await expectKeys({ receivedTo: '2026-03-05T08:00' }, ['B', 'A']);
    await expectKeys({ receivedFrom: '2026-03-05T08:00:01' }, ['E', 'D']);
    await expectKeys({ receivedFrom: '2026-03-05' }, ['E', 'D', 'C']);
    await expectKeys({ receivedTo: '2026-03-05' }, ['C', 'B', 'A']);
    await expectKeys({ receivedFrom: '2026-03-05', receivedTo: '2026-03-05' }, ['C']);
    await expectKeys({ receivedFrom: '2026-03-06', receivedTo: '2026-03-06' }, []);
  });

  it('takes a status list as commas, repeated parameters or both', async () => {
    const res = await t.http().get('/api/tickets').query('status=assigned&status=received,rejected').set(bearer(op)).expect(200);
    expect(keysOf(res.body.items)).toEqual(['E', 'D', 'A']);
  });

  it.each([
    [{ status: 'open' }, 'status'],
    [{ status: 'assigned,bogus' }, 'status'],
    [{ channel: 'fax' }, 'channel'],
    [{ overdue: 'yes' }, 'overdue'],
    [{ receivedFrom: 'yesterday' }, 'receivedFrom'],
    [{ receivedTo: '2026-13-01' }, 'receivedTo'],
    [{ receivedFrom: '2026-02-30' }, 'receivedFrom'],
    [{ receivedFrom: '2026-W10' }, 'receivedFrom'],
    [{ receivedFrom: '20260305' }, 'receivedFrom'],
    [{ receivedTo: '2026-03-05T08' }, 'receivedTo'],
    [{ receivedTo: '2026-03-05T24:00' }, 'receivedTo'],
    [{ receivedTo: '2026-03' }, 'receivedTo'],
    [{ page: 0 }, 'page'],
    [{ page: 'abc' }, 'page'],
    [{ pageSize: 0 }, 'pageSize'],
    [{ pageSize: 101 }, 'pageSize'],
    [{ phone: '123' }, 'phone'],
    [{ sort: 'code' }, 'sort'],
  ] as Array<[Record<string, string | number>, string]>)('%j answers 400 naming %s', async (query, field) => {
    const res = await list(query).expect(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields.length).toBeGreaterThan(0);
    expect(new Set(fields)).toEqual(new Set([field]));
  });
});
