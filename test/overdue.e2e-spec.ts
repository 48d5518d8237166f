import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DeliveryService } from '../src/notifications/delivery.service.js';
import { OutboxService } from '../src/notifications/outbox.service.js';
import { OverdueService } from '../src/sla/overdue.service.js';
import { SmtpRelay } from './support/smtp-relay.js';
import { sleep, waitFor } from './support/wait.js';
import { bearer, startTestApp, tokensFor, type TestApp } from './support/test-app.js';

/**
 * The deadline watch (issue 4 §3–§6), end to end with the injected clock: the overdue sweep (once per ticket and
 * deadline, the deadline as the overdue time, also after downtime and with two instances on one database and one
 * Redis), due-soon warnings, overdue notices and the morning digest arriving at a real SMTP server only in working
 * time, and the per-unit overdue list at past instants.
 *
 * Deadlines by hand (office hours 07:00–11:30, 13:30–17:00, Monday–Friday, UTC+7): AN-SINH is 24 working hours
 * (three working days, same time of day), its warning at 80 % = 1152 working minutes; XET-NGHIEM is 24 clock hours,
 * its warning 19 h 12 min after receipt; KHAC is 80 working hours.
 */

const PUBLIC_URL = 'https://tongdai1022.travinh.gov.vn';
const HOA_LOI = 'hoaloi@ubnd.travinh.gov.vn';
const SO_YTE = 'vanthu@soyte.travinh.gov.vn';
const COORDINATORS = ['dieuphoi1@tongdai1022.travinh.gov.vn', 'dieuphoi2@tongdai1022.travinh.gov.vn'];

/** An instant written in Viet Nam time, as the ISO string the API answers with. */
const vn = (local: string) => new Date(`${local}+07:00`).toISOString();
const at = (local: string) => new Date(`${local}+07:00`);

/** The organisation's mail relay, with the notices and digests of this file picked out of what arrived. */
class SmtpSink extends SmtpRelay {
  /** Mails whose subject is exactly that of the notice of that kind for that ticket. */
  notices(kind: 'due-soon' | 'overdue', code: string) {
    const subject = kind === 'due-soon' ? `[Tổng đài 1022] Sắp đến hạn xử lý: phản ánh ${code}` : `[Tổng đài 1022] Trễ hạn xử lý: phản ánh ${code}`;
    return this.received.filter((r) => r.mail.subject === subject);
  }

  digests(unitName: string, day: string) {
    return this.received.filter((r) => r.mail.subject?.startsWith(`[Tổng đài 1022] ${unitName}: `) && r.mail.subject.endsWith(` phản ánh trễ hạn ngày ${day}`));
  }
}

const addresses = (a: ParsedMail['to']) => (a ? (Array.isArray(a) ? a : [a]).flatMap((x) => x.value.map((v) => v.address)) : []);

/** Relays due outbox messages to the mail queue and delivers what it queued (the queue workers are off). */
async function pump(app: INestApplication): Promise<{ relayed: number; results: string[] }> {
  const relayed = await app.get(OutboxService).relay();
  const queue = app.get<Queue>(getQueueToken('outbox'));
  const jobs = (await queue.getJobs(['waiting', 'delayed', 'paused'])).filter((j) => j?.name === 'deliver');
  const results: string[] = [];
  for (const j of jobs) {
    results.push(await app.get(DeliveryService).deliver(j.data.id));
    await j.remove();
  }
  return { relayed, results };
}

interface Flags { due_at: Date; overdue_at: Date | null; overdue_for_due_at: Date | null; status: string }
const flags = async (ds: DataSource, code: string): Promise<Flags> =>
  (await ds.query(`SELECT due_at, overdue_at, overdue_for_due_at, status FROM tickets WHERE code = $1`, [code]))[0];
const overdueEvents = async (ds: DataSource, code: string): Promise<Array<{ at: Date; actor_name: string; note: string; to_status: string | null; data: Record<string, unknown> }>> =>
  ds.query(`SELECT e.at, e.actor_name, e.note, e.to_status, e.data FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
             WHERE t.code = $1 AND e.type = 'overdue' ORDER BY e.at, e.id`, [code]);
const outboxOf = async (ds: DataSource, code: string, prefix: string): Promise<Array<{ id: string; dedupe_key: string; available_at: Date; status: string }>> =>
  ds.query(`SELECT o.id, o.dedupe_key, o.available_at, o.status FROM outbox_messages o JOIN tickets t ON t.id = o.ticket_id
             WHERE t.code = $1 AND o.dedupe_key LIKE $2 ORDER BY o.created_at, o.dedupe_key`, [code, `${prefix}:%`]);

interface Tokens { admin: string; coord: string; op: string; hoaLoi: string; phuocHao: string; soYte: string }

/** Users of every role the tests need; their tokens are signed far ahead so that they stay valid at every instant used. */
async function makeTokens(t: TestApp, now: string): Promise<Tokens> {
  t.clock.set('2031-01-01T00:00:00+07:00');
  const [admin, coord, op, hoaLoi, phuocHao, soYte] = await tokensFor(t, [
    'admin', 'coordinator', 'operator',
    ['unit_staff', 'UB-29401'], ['unit_staff', 'UB-29404'], ['unit_staff', 'SO-YTE'],
  ]);
  t.clock.set(`${now}+07:00`);
  return { admin, coord, op, hoaLoi, phuocHao, soYte };
}

/** Notification addresses: Hòa Lợi and Sở Y tế have some, Phước Hảo none; the coordinators' list. */
async function setAddresses(http: () => ReturnType<typeof request>, admin: string): Promise<void> {
  await http().patch('/api/units/UB-29401').set(bearer(admin)).send({ emails: [HOA_LOI] }).expect(200);
  await http().patch('/api/units/SO-YTE').set(bearer(admin)).send({ emails: [SO_YTE] }).expect(200);
  await http().put('/api/recipient-lists/coordinators').set(bearer(admin)).send({ emails: COORDINATORS }).expect(200);
}

type Category = 'AN-SINH' | 'XET-NGHIEM' | 'KHAC';

function ticketMaker(http: () => ReturnType<typeof request>, token: () => string, setClock: (at: Date) => void) {
  return async (local: string, categoryCode: Category, areaCode = '29401'): Promise<{ code: string; dueAt: string; assignedUnit: { code: string } | null }> => {
    setClock(at(local));
    const res = await http().post('/api/tickets').set(bearer(token())).send({
      channel: 'hotline', reporterName: 'Trần Văn Bảy', reporterPhone: '0912345678', areaCode, categoryCode,
      content: `Phản ánh ${categoryCode} lúc ${local}: chưa được hỗ trợ.`,
    });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
}

/** A ticket action (accept, resolve, reopen …) as that user, on the app `app()` gives; anything but 200 throws. */
function actor(app: () => TestApp) {
  return async (token: string, code: string, action: string, body: Record<string, unknown> = {}) => {
    const res = await app().http().post(`/api/tickets/${code}/${action}`).set(bearer(token)).send(body);
    if (res.status !== 200) throw new Error(`${action} ${code}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
}

describe('the overdue sweep (one instance)', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let k: Tokens;
  let sweep: (local: string) => Promise<number>;
  let create: ReturnType<typeof ticketMaker>;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await startTestApp({ now: '2026-03-02T09:00:00+07:00', env: { SMTP_URL: sink.url, SMTP_IGNORE_TLS: 'true', PUBLIC_URL } });
    k = await makeTokens(t, '2026-03-02T09:00:00');
    await setAddresses(t.http, k.admin);
    sweep = (local) => { t.clock.set(at(local)); return t.app.get(OverdueService).sweepOverdue(); };
    create = ticketMaker(t.http, () => k.op, (d) => t.clock.set(d));
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });
  const act = actor(() => t);
  const deadline = async (code: string) => (await t.http().get(`/api/tickets/${code}/deadline`).set(bearer(k.coord)).expect(200)).body;

  it('flags a ticket once, just after its deadline, with the deadline as the overdue time; repeated and concurrent sweeps change nothing', async () => {
    const tk = await create('2026-03-02T09:00:00', 'AN-SINH');
    expect(tk.dueAt).toBe(vn('2026-03-05T09:00:00'));
    expect(await sweep('2026-03-05T08:59:59.999')).toBe(0);
    expect(await sweep('2026-03-05T09:00:00')).toBe(0); // due, not yet past
    expect(await flags(t.ds, tk.code)).toMatchObject({ overdue_at: null, overdue_for_due_at: null });

    expect(await sweep('2026-03-05T09:00:00.001')).toBe(1);
    const f = await flags(t.ds, tk.code);
    expect(f.overdue_at?.toISOString()).toBe(vn('2026-03-05T09:00:00'));
    expect(f.overdue_for_due_at?.toISOString()).toBe(vn('2026-03-05T09:00:00'));
    const ev = await overdueEvents(t.ds, tk.code);
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ at: at('2026-03-05T09:00:00'), actor_name: 'Hệ thống', note: 'Phản ánh đã quá hạn xử lý.', to_status: null });
    expect(await deadline(tk.code)).toMatchObject({ overdue: true, overdueAt: vn('2026-03-05T09:00:00') });

    // ten sweeps at once, later: nothing more
    t.clock.set(at('2026-03-05T15:00:00'));
    const counts = await Promise.all(Array.from({ length: 10 }, () => t.app.get(OverdueService).sweepOverdue()));
    expect(counts).toEqual(Array(10).fill(0));
    expect(await overdueEvents(t.ds, tk.code)).toHaveLength(1);
    expect((await flags(t.ds, tk.code)).overdue_at?.toISOString()).toBe(vn('2026-03-05T09:00:00'));

    // one notice, to the unit with the coordinators in copy, sent at once (Thursday 15:00 is working time)
    const rows = await outboxOf(t.ds, tk.code, 'overdue');
    expect(rows).toHaveLength(1);
    expect(rows[0].available_at.toISOString()).toBe(vn('2026-03-05T09:00:00.001'));
    expect((await pump(t.app)).results).toEqual(['sent']);
    const mails = sink.notices('overdue', tk.code);
    expect(mails).toHaveLength(1);
    expect(addresses(mails[0].mail.to)).toEqual([HOA_LOI]);
    expect(addresses(mails[0].mail.cc)).toEqual(COORDINATORS);
    expect(mails[0].rcptTo.sort()).toEqual([HOA_LOI, ...COORDINATORS].sort());
    expect(mails[0].mail.text).toContain('đã quá hạn xử lý từ 09:00 05/03/2026');
    expect(mails[0].mail.text).toContain(`${PUBLIC_URL}/tickets/${tk.code}`);
    expect((await pump(t.app)).results).toEqual([]);
    expect(sink.notices('overdue', tk.code)).toHaveLength(1);
  });

  it('after downtime, the first sweep flags everything that fell due meanwhile with its own deadline, not the sweep time', async () => {
    const a = await create('2026-03-09T09:00:00', 'AN-SINH'); // due Thu 12/03 09:00
    const b = await create('2026-03-09T10:30:00', 'XET-NGHIEM'); // due Tue 10/03 10:30
    const c = await create('2026-03-09T14:00:00', 'AN-SINH'); // due Thu 12/03 14:00
    const d = await create('2026-03-10T16:00:00', 'AN-SINH'); // due Fri 13/03 16:00
    expect([a.dueAt, b.dueAt, c.dueAt, d.dueAt]).toEqual([
      vn('2026-03-12T09:00:00'), vn('2026-03-10T10:30:00'), vn('2026-03-12T14:00:00'), vn('2026-03-13T16:00:00'),
    ]);
    // nothing ran between Monday and Friday morning
    expect(await sweep('2026-03-13T08:00:00')).toBe(3);
    for (const [tk, due] of [[a, '2026-03-12T09:00:00'], [b, '2026-03-10T10:30:00'], [c, '2026-03-12T14:00:00']] as const) {
      expect((await flags(t.ds, tk.code)).overdue_at?.toISOString()).toBe(vn(due));
      expect((await overdueEvents(t.ds, tk.code)).map((e) => e.at.toISOString())).toEqual([vn(due)]);
    }
    expect((await flags(t.ds, d.code)).overdue_at).toBeNull();
    expect(await sweep('2026-03-13T16:01:00')).toBe(1);
    expect((await flags(t.ds, d.code)).overdue_at?.toISOString()).toBe(vn('2026-03-13T16:00:00'));
    // notices: one each, to the unit of each ticket
    await pump(t.app);
    for (const tk of [a, b, c, d]) expect(sink.notices('overdue', tk.code)).toHaveLength(1);
    expect(addresses(sink.notices('overdue', b.code)[0].mail.to)).toEqual([SO_YTE]);
  });

  it('a resolved ticket no longer counts as overdue; reopened after its deadline it is overdue again (notified once per deadline)', async () => {
    const r1 = await create('2026-03-16T09:00:00', 'AN-SINH'); // due Thu 19/03 09:00
    const r2 = await create('2026-03-16T09:00:00', 'AN-SINH');
    t.clock.set(at('2026-03-18T10:00:00'));
    await act(k.hoaLoi, r1.code, 'accept');
    await act(k.hoaLoi, r1.code, 'resolve', { resolution: 'Đã hỗ trợ gạo.' });

    expect(await sweep('2026-03-19T10:00:00')).toBe(1);
    expect((await flags(t.ds, r1.code)).overdue_at).toBeNull();
    expect((await flags(t.ds, r2.code)).overdue_at?.toISOString()).toBe(vn('2026-03-19T09:00:00'));
    const listed = async () => (await t.http().get('/api/tickets?overdue=true&pageSize=100').set(bearer(k.coord)).expect(200)).body.items
      .map((x: { code: string }) => x.code);
    expect(await listed()).toContain(r2.code);
    expect(await listed()).not.toContain(r1.code);
    expect(await deadline(r1.code)).toMatchObject({ overdue: false, minutesLeft: null });

    t.clock.set(at('2026-03-19T11:00:00'));
    await act(k.hoaLoi, r2.code, 'accept');
    await act(k.hoaLoi, r2.code, 'resolve', { resolution: 'Đã hỗ trợ gạo (trễ hạn).' });
    expect(await deadline(r2.code)).toMatchObject({ overdue: false });
    expect(await listed()).not.toContain(r2.code);
    expect(await sweep('2026-03-19T12:00:00')).toBe(0);

    // reopened on Friday, after the deadline: overdue again from the reopening
    t.clock.set(at('2026-03-20T10:00:00'));
    await act(k.coord, r1.code, 'reopen', { reason: 'Người dân báo chưa nhận được.' });
    await act(k.coord, r2.code, 'reopen', { reason: 'Người dân báo chưa nhận đủ.' });
    expect(await listed()).toEqual(expect.arrayContaining([r1.code, r2.code]));
    expect(await sweep('2026-03-20T10:05:00')).toBe(2);
    for (const tk of [r1, r2]) {
      const f = await flags(t.ds, tk.code);
      expect(f.status).toBe('assigned');
      // it was not open at the deadline, so it became overdue when it was reopened
      expect(f.overdue_at?.toISOString()).toBe(vn('2026-03-20T10:00:00'));
      expect(await deadline(tk.code)).toMatchObject({ overdue: true, overdueAt: vn('2026-03-20T10:00:00') });
    }
    expect((await overdueEvents(t.ds, r1.code)).map((e) => e.at.toISOString())).toEqual([vn('2026-03-20T10:00:00')]);
    expect((await overdueEvents(t.ds, r2.code)).map((e) => e.at.toISOString())).toEqual([vn('2026-03-19T09:00:00'), vn('2026-03-20T10:00:00')]);
    // the ticket's timeline reads in order: the second overdue event comes after the reopening
    const timeline = (await t.http().get(`/api/tickets/${r2.code}`).set(bearer(k.coord)).expect(200)).body.events.map((e: { type: string }) => e.type);
    expect(timeline).toEqual(['created', 'overdue', 'accepted', 'resolved', 'reopened', 'overdue']);
    expect(await sweep('2026-03-20T15:00:00')).toBe(0);

    // notices: r1 its first; r2 none more (same deadline)
    await pump(t.app);
    expect(sink.notices('overdue', r1.code)).toHaveLength(1);
    expect(sink.notices('overdue', r2.code)).toHaveLength(1);
    expect(await outboxOf(t.ds, r2.code, 'overdue')).toHaveLength(1);
  });

  it('an extension clears the flag; the new deadline is watched again, with its own event and notice (held over the weekend)', async () => {
    const e = await create('2026-03-23T09:00:00', 'AN-SINH'); // due Thu 26/03 09:00
    expect(await sweep('2026-03-26T10:00:00')).toBe(1);
    await pump(t.app);
    expect(sink.notices('overdue', e.code)).toHaveLength(1);

    t.clock.set(at('2026-03-26T11:00:00'));
    const ext = await t.http().post(`/api/tickets/${e.code}/extend`).set(bearer(k.coord))
      .send({ dueAt: '2026-03-27T17:00:00+07:00', reason: 'Chờ danh sách hộ nghèo của ấp' });
    expect(ext.status).toBe(200);
    expect(ext.body).toMatchObject({ dueAt: vn('2026-03-27T17:00:00'), overdue: false, overdueAt: null });
    expect(await sweep('2026-03-27T16:59:00')).toBe(0);
    expect(await sweep('2026-03-27T17:00:00')).toBe(0);
    // Saturday morning: flagged with the new deadline
    expect(await sweep('2026-03-28T09:00:00')).toBe(1);
    expect((await flags(t.ds, e.code)).overdue_at?.toISOString()).toBe(vn('2026-03-27T17:00:00'));
    expect((await overdueEvents(t.ds, e.code)).map((x) => x.at.toISOString())).toEqual([vn('2026-03-26T09:00:00'), vn('2026-03-27T17:00:00')]);
    const rows = await outboxOf(t.ds, e.code, 'overdue');
    expect(rows).toHaveLength(2);
    expect(rows[1].available_at.toISOString()).toBe(vn('2026-03-30T07:00:00'));
    // nothing goes out on Saturday or on Monday before 07:00
    for (const local of ['2026-03-28T09:00:00', '2026-03-29T20:00:00', '2026-03-30T06:59:59']) {
      t.clock.set(at(local));
      await pump(t.app);
      expect(sink.notices('overdue', e.code)).toHaveLength(1);
    }
    t.clock.set(at('2026-03-30T07:00:00'));
    expect((await pump(t.app)).results).toEqual(['sent']);
    const mails = sink.notices('overdue', e.code);
    expect(mails).toHaveLength(2);
    expect(mails[1].mail.text).toContain('đã quá hạn xử lý từ 17:00 27/03/2026');
  });
});

describe('warnings, notices and the morning digest at a real SMTP server, only in working time', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let k: Tokens;
  let create: ReturnType<typeof ticketMaker>;
  let overdue: OverdueService;
  const setClock = (local: string) => t.clock.set(at(local));

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await startTestApp({ now: '2026-03-02T09:00:00+07:00', env: { SMTP_URL: sink.url, SMTP_IGNORE_TLS: 'true', PUBLIC_URL } });
    k = await makeTokens(t, '2026-03-02T09:00:00');
    await setAddresses(t.http, k.admin);
    create = ticketMaker(t.http, () => k.op, (d) => t.clock.set(d));
    overdue = t.app.get(OverdueService);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });
  const act = actor(() => t);
  const retire = async (...codes: string[]) => {
    for (const code of codes) await act(k.coord, code, 'reject', { reason: 'out_of_scope' });
  };

  it('warns the unit once when 80 % of the allowed working time has passed (the coordinators when the unit has no address)', async () => {
    const w = await create('2026-03-02T09:00:00', 'AN-SINH'); // due Thu 05/03 09:00, warning Wed 04/03 14:12
    const p = await create('2026-03-02T09:00:00', 'AN-SINH', '29404'); // Phước Hảo, no address
    expect(p.assignedUnit?.code).toBe('UB-29404');
    setClock('2026-03-04T14:11:59');
    expect(await overdue.sweepDueSoon()).toBe(0);
    setClock('2026-03-04T14:12:00');
    expect(await overdue.sweepDueSoon()).toBe(2);
    setClock('2026-03-04T14:30:00');
    expect(await overdue.sweepDueSoon()).toBe(0);
    expect((await pump(t.app)).results).toEqual(['sent', 'sent']);

    const mails = sink.notices('due-soon', w.code);
    expect(mails).toHaveLength(1);
    expect(addresses(mails[0].mail.to)).toEqual([HOA_LOI]);
    expect(addresses(mails[0].mail.cc)).toEqual([]);
    expect(mails[0].mail.text).toContain('sắp đến hạn xử lý (hạn 09:00 05/03/2026)');
    expect(mails[0].mail.text).toContain(`Xem chi tiết: ${PUBLIC_URL}/tickets/${w.code}`);
    expect(addresses(sink.notices('due-soon', p.code)[0]?.mail.to)).toEqual(COORDINATORS);

    // later sweeps, before and after the deadline, send nothing more
    for (const local of ['2026-03-04T16:00:00', '2026-03-05T08:00:00', '2026-03-05T10:00:00']) {
      setClock(local);
      expect(await overdue.sweepDueSoon()).toBe(0);
    }
    await pump(t.app);
    expect(sink.notices('due-soon', w.code)).toHaveLength(1);
    expect(sink.notices('due-soon', p.code)).toHaveLength(1);
    await retire(w.code, p.code);
  });

  it('holds what falls due at night until 07:00 of the next working day: relay and delivery send nothing before, then it arrives once', async () => {
    const n = await create('2026-03-03T22:00:00', 'XET-NGHIEM'); // due Wed 04/03 22:00, warning Wed 17:12
    expect(n.dueAt).toBe(vn('2026-03-04T22:00:00'));
    setClock('2026-03-04T17:12:00');
    expect(await overdue.sweepDueSoon()).toBe(1);
    setClock('2026-03-04T22:01:00');
    expect(await overdue.sweepOverdue()).toBe(1);
    const [warning] = await outboxOf(t.ds, n.code, 'due-soon');
    const [notice] = await outboxOf(t.ds, n.code, 'overdue');
    expect(warning.available_at.toISOString()).toBe(vn('2026-03-05T07:00:00'));
    expect(notice.available_at.toISOString()).toBe(vn('2026-03-05T07:00:00'));
    // the warning still waiting would arrive with the overdue notice: the notice supersedes it
    expect(warning.status).toBe('cancelled');

    for (const local of ['2026-03-04T17:12:00', '2026-03-04T22:01:00', '2026-03-05T03:00:00', '2026-03-05T06:59:59.999']) {
      setClock(local);
      expect(await pump(t.app)).toEqual({ relayed: 0, results: [] });
      expect(await t.app.get(DeliveryService).deliver(notice.id)).toBe('skipped');
      expect(await t.app.get(DeliveryService).deliver(warning.id)).toBe('skipped');
    }
    expect(sink.notices('overdue', n.code)).toHaveLength(0);
    expect(sink.notices('due-soon', n.code)).toHaveLength(0);

    setClock('2026-03-05T07:00:00');
    expect(await pump(t.app)).toEqual({ relayed: 1, results: ['sent'] });
    const mails = sink.notices('overdue', n.code);
    expect(mails).toHaveLength(1);
    expect(addresses(mails[0].mail.to)).toEqual([SO_YTE]);
    expect(addresses(mails[0].mail.cc)).toEqual(COORDINATORS);
    expect(mails[0].mail.text).toContain('đã quá hạn xử lý từ 22:00 04/03/2026');
    expect(sink.notices('due-soon', n.code)).toHaveLength(0);
    const sent = (await outboxOf(t.ds, n.code, 'overdue'))[0];
    expect(sent.status).toBe('sent');

    // once: delivering again, sweeping again, relaying again change nothing
    expect(await t.app.get(DeliveryService).deliver(notice.id)).toBe('skipped');
    setClock('2026-03-05T09:00:00');
    expect(await overdue.sweepOverdue()).toBe(0);
    expect(await overdue.sweepDueSoon()).toBe(0);
    expect(await pump(t.app)).toEqual({ relayed: 0, results: [] });
    expect(sink.notices('overdue', n.code)).toHaveLength(1);
    expect(sink.notices('due-soon', n.code)).toHaveLength(0);
    await retire(n.code);
  });

  it('holds what falls due on a holiday until the next working morning (30/4 and 1/5/2026, then the weekend)', async () => {
    const h = await create('2026-04-29T10:00:00', 'XET-NGHIEM'); // due Thu 30/04 10:00, a holiday
    setClock('2026-04-30T10:01:00');
    expect(await overdue.sweepOverdue()).toBe(1);
    expect((await outboxOf(t.ds, h.code, 'overdue'))[0].available_at.toISOString()).toBe(vn('2026-05-04T07:00:00'));
    for (const local of ['2026-04-30T14:00:00', '2026-05-01T09:00:00', '2026-05-02T09:00:00', '2026-05-03T16:00:00']) {
      setClock(local);
      await pump(t.app);
      expect(sink.notices('overdue', h.code)).toHaveLength(0);
    }
    setClock('2026-05-04T07:00:00');
    await pump(t.app);
    expect(sink.notices('overdue', h.code)).toHaveLength(1);
    await retire(h.code);
  });

  it('sends each unit with overdue tickets one digest per working morning from 07:30, oldest first, with links', async () => {
    const d1 = await create('2026-05-04T10:00:00', 'AN-SINH'); // due Thu 07/05 10:00
    const d2 = await create('2026-05-04T08:00:00', 'AN-SINH'); // due Thu 07/05 08:00
    const d3 = await create('2026-05-04T09:00:00', 'AN-SINH'); // due Thu 07/05 09:00
    const d4 = await create('2026-05-04T11:00:00', 'XET-NGHIEM'); // Sở Y tế, due Tue 05/05 11:00
    const d5 = await create('2026-05-04T09:00:00', 'AN-SINH', '29404'); // Phước Hảo has no address: no digest
    const d6 = await create('2026-05-05T09:00:00', 'AN-SINH'); // due Fri 08/05 09:00
    const digest = (local: string) => { setClock(local); return overdue.morningDigest(); };

    expect(await digest('2026-05-05T07:30:00')).toBe(0); // nothing overdue yet
    expect(await digest('2026-05-08T07:29:59')).toBe(0);
    expect(await digest('2026-05-08T07:30:00')).toBe(2);
    expect(await digest('2026-05-08T07:45:00')).toBe(0);
    expect(await digest('2026-05-08T16:00:00')).toBe(0);
    await pump(t.app);

    const hoaLoi = sink.digests('UBND xã Hòa Lợi', '08/05/2026');
    expect(hoaLoi).toHaveLength(1);
    const mail = hoaLoi[0].mail;
    expect(mail.subject).toBe('[Tổng đài 1022] UBND xã Hòa Lợi: 3 phản ánh trễ hạn ngày 08/05/2026');
    expect(addresses(mail.to)).toEqual([HOA_LOI]);
    const order = (text: string, codes: string[]) => codes.map((c) => text.indexOf(c));
    const textPos = order(mail.text ?? '', [d2.code, d3.code, d1.code]);
    expect(textPos.every((p) => p >= 0)).toBe(true);
    expect([...textPos].sort((a, b) => a - b)).toEqual(textPos);
    expect(mail.text).not.toContain(d6.code);
    const links = [...String(mail.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual([d2, d3, d1].map((x) => `${PUBLIC_URL}/tickets/${x.code}`));
    for (const x of [d2, d3, d1]) expect(mail.text).toContain(`${PUBLIC_URL}/tickets/${x.code}`);
    expect(mail.text).toContain(`${d2.code} — hạn 08:00 07/05/2026 (trễ 23 giờ)`);

    const soYte = sink.digests('Sở Y tế', '08/05/2026');
    expect(soYte).toHaveLength(1);
    expect(soYte[0].mail.subject).toBe('[Tổng đài 1022] Sở Y tế: 1 phản ánh trễ hạn ngày 08/05/2026');
    expect(soYte[0].mail.text).toContain(d4.code);
    expect(sink.received.filter((r) => r.mail.subject?.includes('UBND xã Phước Hảo'))).toHaveLength(0);
    expect(sink.received.some((r) => r.mail.text?.includes(d5.code) && r.mail.subject?.includes('trễ hạn ngày'))).toBe(false);

    // no digest on the weekend; on Monday the next one, without what was resolved on Friday, with what fell due since
    t.clock.set(at('2026-05-08T10:00:00'));
    await act(k.hoaLoi, d3.code, 'accept');
    await act(k.hoaLoi, d3.code, 'resolve', { resolution: 'Đã giải quyết.' });
    expect(await digest('2026-05-09T07:30:00')).toBe(0);
    expect(await digest('2026-05-10T08:00:00')).toBe(0);
    expect(await digest('2026-05-11T07:30:00')).toBe(2);
    await pump(t.app);
    const monday = sink.digests('UBND xã Hòa Lợi', '11/05/2026');
    expect(monday).toHaveLength(1);
    const links2 = [...String(monday[0].mail.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(links2).toEqual([d2, d1, d6].map((x) => `${PUBLIC_URL}/tickets/${x.code}`));
    // and on a holiday (Quốc khánh, Wednesday 02/09/2026) none
    expect(await digest('2026-09-02T07:30:00')).toBe(0);
    const runs = await t.ds.query(`SELECT period FROM scheduled_runs WHERE name = 'morning-digest' ORDER BY period`);
    expect(runs.map((r: { period: string }) => r.period)).toEqual(['2026-05-05', '2026-05-08', '2026-05-11']);
    expect(sink.digests('UBND xã Hòa Lợi', '02/09/2026')).toHaveLength(0);
  });
});

describe('GET /api/overdue?at= — the per-unit overdue list at past instants', () => {
  let t: TestApp;
  let k: Tokens;
  let leader: string;
  let create: ReturnType<typeof ticketMaker>;
  const answers = new Map<string, unknown>();

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-02T09:00:00+07:00' });
    k = await makeTokens(t, '2026-03-02T09:00:00');
    t.clock.set('2031-01-01T00:00:00+07:00');
    leader = await t.userToken('leader', 'VP-847');
    t.clock.set(at('2026-03-02T09:00:00'));
    create = ticketMaker(t.http, () => k.op, (d) => t.clock.set(d));
  });
  afterAll(() => t?.close());

  const act = actor(() => t);
  interface OverdueList { at: string; total: number; units: Array<{ unit: { code: string; name: string } | null; count: number; tickets: Array<{ code: string; dueAt: string; status: string; daysLate: number }> }> }
  const list = async (local: string, token = k.coord): Promise<OverdueList> => {
    const res = await t.http().get(`/api/overdue?at=${encodeURIComponent(`${local}+07:00`)}`).set(bearer(token));
    expect(res.status).toBe(200);
    return res.body;
  };
  /** unit code ('-' for none) → ticket codes, and checks that the counts add up to the total. */
  const byUnit = (l: OverdueList) => {
    expect(l.units.reduce((n, u) => n + u.count, 0)).toBe(l.total);
    for (const u of l.units) {
      expect(u.tickets).toHaveLength(u.count);
      const dues = u.tickets.map((x) => x.dueAt);
      expect([...dues].sort()).toEqual(dues); // oldest deadline first
      for (const x of u.tickets) expect(new Date(x.dueAt).getTime()).toBeLessThan(new Date(l.at).getTime());
    }
    const counts = l.units.map((u) => u.count);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    // tickets with the same deadline come in code order: compare as sets
    return Object.fromEntries(l.units.map((u) => [u.unit?.code ?? '-', u.tickets.map((x) => x.code).sort()]));
  };

  it('answers from the tickets\' history for any instant: imports, resolutions, extensions, transfers and reopenings', async () => {
    // the old system's tickets (January 2022)
    const csv = [
      'code,channel,received_at,reporter_name,reporter_phone,area_code,category_code,content,unit_code,due_at,resolved_at,status,resolution',
      // due Thu 13/01 09:00, resolved on 20/01 10:00: overdue in between
      'I1,hotline,2022-01-10T09:00:00+07:00,Ông Một,,29401,AN-SINH,Chưa nhận hỗ trợ.,UB-29401,,2022-01-20T10:00:00+07:00,resolved,Đã hỗ trợ.',
      // a stated deadline; still open
      'I2,hotline,2022-01-10T10:00:00+07:00,Bà Hai,,29401,Y-TE,Trạm y tế đóng cửa.,SO-YTE,2022-01-12T17:00:00+07:00,,,',
      // resolved before its deadline: never overdue
      'I3,hotline,2022-01-11T08:00:00+07:00,Ông Ba,,29404,AN-SINH,Chưa nhận gạo.,UB-29404,,2022-01-13T16:00:00+07:00,resolved,Đã phát gạo.',
      // waiting for a coordinator, no unit
      'I4,web,2022-01-12T08:00:00+07:00,Bà Bốn,,,KHAC,Hỏi thủ tục.,,2022-01-12T12:00:00+07:00,,received,',
      // due Wed 19/01 09:00, still open
      'I5,hotline,2022-01-14T09:00:00+07:00,Ông Năm,,29401,AN-SINH,Chưa nhận tiền hỗ trợ.,UB-29401,,,,',
    ].join('\n');
    t.clock.set(at('2026-03-02T08:00:00'));
    const imported = await t.http().post('/api/tickets/import').set(bearer(k.admin)).set('Content-Type', 'text/csv').send(csv);
    expect(imported.status).toBe(201);

    // this year's tickets, through the API
    const a1 = await create('2026-03-02T09:00:00', 'AN-SINH'); // Hòa Lợi, due Thu 05/03 09:00
    const a3 = await create('2026-03-02T09:00:00', 'AN-SINH', '29404'); // Phước Hảo, due Thu 05/03 09:00
    const a5 = await create('2026-03-02T09:00:00', 'KHAC'); // no unit, due Mon 16/03 09:00
    const a2 = await create('2026-03-02T10:00:00', 'AN-SINH'); // Hòa Lợi, due Thu 05/03 10:00
    const a4 = await create('2026-03-03T09:00:00', 'XET-NGHIEM'); // Sở Y tế, due Wed 04/03 09:00
    expect(a5.dueAt).toBe(vn('2026-03-16T09:00:00'));
    t.clock.set(at('2026-03-04T08:00:00'));
    await act(k.soYte, a4.code, 'accept');
    await act(k.soYte, a4.code, 'resolve', { resolution: 'Đã lấy mẫu xét nghiệm.' });
    t.clock.set(at('2026-03-04T10:00:00'));
    await t.http().post(`/api/tickets/${a2.code}/extend`).set(bearer(k.coord))
      .send({ dueAt: '2026-03-09T17:00:00+07:00', reason: 'Chờ xác minh' }).expect(200);
    await t.app.get(OverdueService).sweepOverdue(at('2026-03-05T09:30:00'));
    t.clock.set(at('2026-03-06T09:00:00'));
    await act(k.coord, a3.code, 'assign', { unitCode: 'UB-29401', note: 'Chuyển về xã Hòa Lợi' });
    t.clock.set(at('2026-03-06T10:00:00'));
    await act(k.hoaLoi, a1.code, 'accept');
    await act(k.hoaLoi, a1.code, 'resolve', { resolution: 'Đã hỗ trợ.' });
    t.clock.set(at('2026-03-09T09:00:00'));
    await act(k.coord, a1.code, 'reopen', { reason: 'Chưa nhận đủ.' });
    await t.app.get(OverdueService).sweepOverdue(at('2026-03-10T09:00:00'));
    t.clock.set(at('2026-03-10T12:00:00'));

    const expected: Record<string, Record<string, string[]>> = {
      '2022-01-12T11:59:00': {},
      '2022-01-12T16:59:00': { '-': ['I4'] },
      '2022-01-13T10:00:00': { '-': ['I4'], 'SO-YTE': ['I2'], 'UB-29401': ['I1'] },
      '2022-01-20T09:59:00': { 'UB-29401': ['I1', 'I5'], '-': ['I4'], 'SO-YTE': ['I2'] },
      '2022-01-20T10:00:00': { 'UB-29401': ['I5'], '-': ['I4'], 'SO-YTE': ['I2'] },
      // a2 extended, a4 resolved before its deadline
      '2026-03-05T12:00:00': { 'UB-29401': ['I5', a1.code], 'UB-29404': [a3.code], '-': ['I4'], 'SO-YTE': ['I2'] },
      // a1 resolved at 10:00; a3 transferred to Hòa Lợi at 09:00
      '2026-03-06T12:00:00': { 'UB-29401': ['I5', a3.code], '-': ['I4'], 'SO-YTE': ['I2'] },
      // a1 reopened at 09:00; a2's new deadline (17:00) not reached
      '2026-03-09T12:00:00': { 'UB-29401': ['I5', a1.code, a3.code], '-': ['I4'], 'SO-YTE': ['I2'] },
      '2026-03-10T09:00:00': { 'UB-29401': ['I5', a1.code, a3.code, a2.code], '-': ['I4'], 'SO-YTE': ['I2'] },
    };
    for (const [local, units] of Object.entries(expected)) {
      const l = await list(local);
      expect(l.at).toBe(vn(local));
      const sorted = Object.fromEntries(Object.entries(units).map(([u, codes]) => [u, [...codes].sort()]));
      expect({ local, units: byUnit(l) }).toEqual({ local, units: sorted });
      expect(l.total).toBe(Object.values(units).flat().length);
      answers.set(local, l);
    }
    const l = (await list('2026-03-05T12:00:00'));
    const hoaLoi = l.units.find((u) => u.unit?.code === 'UB-29401')!;
    expect(hoaLoi.unit).toMatchObject({ code: 'UB-29401', name: 'UBND xã Hòa Lợi' });
    expect(hoaLoi.tickets.find((x) => x.code === a1.code)).toMatchObject({ dueAt: vn('2026-03-05T09:00:00'), status: 'assigned', daysLate: 0 });
    expect(hoaLoi.tickets.find((x) => x.code === 'I5')).toMatchObject({ dueAt: vn('2022-01-19T09:00:00') });
    expect(l.units[0].unit?.code).toBe('UB-29401');
    expect(l.units.find((u) => u.unit === null)).toMatchObject({ count: 1 });
  });

  it('gives the same answer when asked again later, after more changes; "now" is the default instant', async () => {
    // more happens: everything of this year is resolved, sweeps run, comments are written
    t.clock.set(at('2026-03-11T09:00:00'));
    const open: Array<{ code: string; unit: string | null }> = await t.ds.query(
      `SELECT code, assigned_unit_code AS unit FROM tickets WHERE status IN ('assigned', 'in_progress') AND received_at > '2026-01-01'`);
    for (const x of open) {
      await t.http().post(`/api/tickets/${x.code}/comments`).set(bearer(k.coord)).send({ text: 'Đề nghị xử lý gấp.' }).expect(201);
      await act(k.hoaLoi, x.code, 'accept');
      await act(k.hoaLoi, x.code, 'resolve', { resolution: 'Đã xử lý xong.' });
    }
    await t.app.get(OverdueService).sweepOverdue(at('2026-03-20T09:00:00'));
    t.clock.set(at('2026-03-20T09:00:00'));
    for (const [local, answer] of answers) expect({ local, answer: await list(local) }).toEqual({ local, answer });

    // now: only the old system's open tickets and the unassigned a5 (due 16/03) remain
    const now = (await t.http().get('/api/overdue').set(bearer(k.coord)).expect(200)).body as OverdueList;
    expect(now.at).toBe(vn('2026-03-20T09:00:00'));
    expect(now).toEqual(await list('2026-03-20T09:00:00'));
    const units = byUnit(now);
    expect(units['SO-YTE']).toEqual(['I2']);
    expect(units['UB-29401']).toEqual(['I5']);
    expect(units['-']).toHaveLength(2);
    expect(now.total).toBe(4);
  });

  it('narrows a leader to the subtree of their unit and refuses other roles and bad instants', async () => {
    const l = await list('2026-03-05T12:00:00', leader);
    expect(Object.keys(byUnit(l)).sort()).toEqual(['UB-29401', 'UB-29404']);
    expect(l.total).toBe(3);
    await t.http().get('/api/overdue').set(bearer(k.hoaLoi)).expect(403);
    await t.http().get('/api/overdue').set(bearer(k.op)).expect(403);
    await t.http().get('/api/overdue').expect(401);
    await t.http().get('/api/overdue?at=h%C3%B4m-qua').set(bearer(k.coord)).expect(400);
  });
});

describe('two instances against one database and one Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let sink: SmtpSink;
  let k: Tokens;
  const env = (sinkUrl: string) => ({
    WORKERS_ENABLED: 'true', OVERDUE_SWEEP_SECONDS: '5', SMTP_URL: sinkUrl, SMTP_IGNORE_TLS: 'true', PUBLIC_URL, OUTBOX_POLL_MS: '200',
  });
  const setBoth = (local: string) => {
    a.clock.set(at(local));
    b.clock.set(at(local));
  };

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    a = await startTestApp({ now: '2026-03-02T09:00:00+07:00', env: env(sink.url) });
    k = await makeTokens(a, '2026-03-02T09:00:00');
    b = await startTestApp({ alongside: a, now: '2026-03-02T09:00:00+07:00', env: env(sink.url) });
    await setAddresses(a.http, k.admin);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await sink?.close();
  });

  it('flags each ticket exactly once while both schedulers run and both instances sweep concurrently, many times', async () => {
    const created: Array<{ code: string; dueAt: string }> = [];
    for (let i = 0; i < 24; i++) {
      const minute = String(i).padStart(2, '0');
      setBoth(`2026-03-02T09:${minute}:00`);
      const http = i % 2 ? b.http : a.http;
      const res = await http().post('/api/tickets').set(bearer(k.op)).send({
        channel: 'hotline', reporterName: `Người dân ${i}`, areaCode: '29401', categoryCode: i % 3 ? 'AN-SINH' : 'XET-NGHIEM',
        content: `Phản ánh số ${i} chưa được giải quyết.`,
      });
      expect(res.status).toBe(201);
      created.push(res.body);
    }
    // all fall due by Thursday 10:00
    setBoth('2026-03-05T10:00:00');
    const sweeps = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? b.app : a.app).get(OverdueService).sweepOverdue()));
    expect(sweeps.reduce((n, x) => n + x, 0)).toBeLessThanOrEqual(created.length);
    // and again, together with the schedulers' ticks
    for (let round = 0; round < 3; round++) {
      await Promise.all([a.app, b.app, a.app, b.app].map((app) => app.get(OverdueService).tick()));
    }
    await sleep(5_500); // at least one more scheduled tick

    const codes = created.map((c) => c.code);
    const rows: Array<{ code: string; n: number; at: Date; due_at: Date; overdue_at: Date }> = await a.ds.query(
      `SELECT t.code, count(e.id)::int AS n, min(e.at) AS at, t.due_at, t.overdue_at
         FROM tickets t LEFT JOIN ticket_events e ON e.ticket_id = t.id AND e.type = 'overdue'
        WHERE t.code = ANY($1) GROUP BY t.id`, [codes]);
    expect(rows).toHaveLength(codes.length);
    for (const r of rows) {
      expect({ code: r.code, events: r.n }).toEqual({ code: r.code, events: 1 });
      expect(r.overdue_at.toISOString()).toBe(r.due_at.toISOString());
      expect(r.at.toISOString()).toBe(r.due_at.toISOString());
    }
    const [{ n: notices }] = await a.ds.query(
      `SELECT count(*)::int AS n FROM outbox_messages o JOIN tickets t ON t.id = o.ticket_id WHERE t.code = ANY($1) AND o.dedupe_key LIKE 'overdue:%'`, [codes]);
    expect(notices).toBe(codes.length);

    // the queue delivers every notice once, whichever instance relays it
    await waitFor('every overdue notice', async () => codes.every((c) => sink.notices('overdue', c).length >= 1));
    await waitFor('the digests', async () => sink.digests('UBND xã Hòa Lợi', '05/03/2026').length >= 1 && sink.digests('Sở Y tế', '05/03/2026').length >= 1);
    await sleep(1_500);
    for (const c of codes) expect({ c, n: sink.notices('overdue', c).length }).toEqual({ c, n: 1 });
    // the morning digest of Thursday: once per unit, listing all of its overdue tickets
    expect(sink.digests('UBND xã Hòa Lợi', '05/03/2026')).toHaveLength(1);
    expect(sink.digests('Sở Y tế', '05/03/2026')).toHaveLength(1);
    const hoaLoiCount = created.filter((_, i) => i % 3 !== 0).length;
    expect(sink.digests('UBND xã Hòa Lợi', '05/03/2026')[0].mail.subject).toBe(`[Tổng đài 1022] UBND xã Hòa Lợi: ${hoaLoiCount} phản ánh trễ hạn ngày 05/03/2026`);
    const sent = await a.ds.query(`SELECT count(*)::int AS n FROM outbox_messages WHERE status = 'sent'`);
    expect(sent[0].n).toBe(sink.received.length);
  }, 60_000);

  it('runs each scheduled tick on one instance only, and flags a ticket within one interval (5 s) of its deadline', async () => {
    const spyA = jest.spyOn(a.app.get(OverdueService), 'tick');
    const spyB = jest.spyOn(b.app.get(OverdueService), 'tick');
    await sleep(10_200);
    const ticks = spyA.mock.calls.length + spyB.mock.calls.length;
    // 10.2 s hold two or three 5-second boundaries; if each instance ran each tick there would be four to six
    expect(ticks).toBeGreaterThanOrEqual(2);
    expect(ticks).toBeLessThanOrEqual(3);
    spyA.mockRestore();
    spyB.mockRestore();

    setBoth('2026-03-05T10:00:00');
    const res = await b.http().post('/api/tickets').set(bearer(k.op)).send({
      channel: 'hotline', reporterName: 'Lâm Thị Tám', areaCode: '29401', categoryCode: 'XET-NGHIEM', content: 'Cần xét nghiệm gấp cho cả nhà.',
    }).expect(201);
    expect(res.body.dueAt).toBe(vn('2026-03-06T10:00:00'));
    await sleep(5_500);
    expect((await flags(a.ds, res.body.code)).overdue_at).toBeNull();
    // the deadline passes: the schedulers alone flag it, within one interval
    setBoth('2026-03-06T10:00:00.001');
    const started = Date.now();
    await waitFor('the flag', async () => (await flags(a.ds, res.body.code)).overdue_at, 10_000, 50);
    expect(Date.now() - started).toBeLessThanOrEqual(5_000 + 1_500);
    expect((await flags(a.ds, res.body.code)).overdue_at?.toISOString()).toBe(vn('2026-03-06T10:00:00'));
    await waitFor('its notice', async () => sink.notices('overdue', res.body.code).length >= 1);
    await sleep(5_500);
    expect(await overdueEvents(a.ds, res.body.code)).toHaveLength(1);
    expect(sink.notices('overdue', res.body.code)).toHaveLength(1);
  }, 60_000);
});

describe('restart after downtime', () => {
  let t: TestApp;
  let restarted: TestApp | undefined;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await startTestApp({ now: '2026-03-02T09:00:00+07:00', env: { SMTP_URL: sink.url, SMTP_IGNORE_TLS: 'true' } });
  });
  afterAll(async () => {
    await restarted?.close();
    await t?.close();
    await sink?.close();
  });

  it('the first tick at boot flags what fell due while the workers were down, each at its deadline; notices wait for the end of the lunch break', async () => {
    const k = await makeTokens(t, '2026-03-02T09:00:00');
    await setAddresses(t.http, k.admin);
    const create = ticketMaker(t.http, () => k.op, (d) => t.clock.set(d));
    const t1 = await create('2026-03-02T09:00:00', 'AN-SINH'); // due Thu 05/03 09:00
    const t2 = await create('2026-03-02T09:00:00', 'XET-NGHIEM'); // due Tue 03/03 09:00
    const t3 = await create('2026-03-03T10:00:00', 'AN-SINH'); // due Fri 06/03 10:00
    const t4 = await create('2026-03-03T10:00:00', 'KHAC'); // due Tue 17/03 10:00

    // no worker ran until Friday 12:00, when an instance with the workers starts (its schedule hourly: only the boot tick)
    restarted = await startTestApp({
      alongside: t, now: '2026-03-06T12:00:00+07:00',
      env: { WORKERS_ENABLED: 'true', OVERDUE_SWEEP_SECONDS: '3600', SMTP_URL: sink.url, SMTP_IGNORE_TLS: 'true' },
    });
    await waitFor('the boot sweep', async () => (await flags(t.ds, t3.code)).overdue_at, 10_000, 50);
    for (const [tk, due] of [[t1, '2026-03-05T09:00:00'], [t2, '2026-03-03T09:00:00'], [t3, '2026-03-06T10:00:00']] as const) {
      expect((await flags(t.ds, tk.code)).overdue_at?.toISOString()).toBe(vn(due));
      expect((await overdueEvents(t.ds, tk.code)).map((e) => e.at.toISOString())).toEqual([vn(due)]);
    }
    expect((await flags(t.ds, t4.code)).overdue_at).toBeNull();

    // 12:00 is the lunch break: the notices wait for 13:30
    const rows = await outboxOf(t.ds, t1.code, 'overdue');
    expect(rows.map((r) => r.available_at.toISOString())).toEqual([vn('2026-03-06T13:30:00')]);
    await sleep(1_000);
    expect(sink.received).toHaveLength(0);
    restarted.clock.set(at('2026-03-06T13:30:00'));
    await waitFor('the notices', async () => [t1, t2, t3].every((x) => sink.notices('overdue', x.code).length === 1));
    await waitFor('the digests', async () => sink.received.length >= 5);
    await sleep(1_000);
    // the three notices, and the morning digest of that Friday (claimed at the boot tick, held like the rest)
    expect(sink.received.map((r) => r.mail.subject).sort()).toEqual([
      ...[t1, t2, t3].map((x) => `[Tổng đài 1022] Trễ hạn xử lý: phản ánh ${x.code}`),
      '[Tổng đài 1022] Sở Y tế: 1 phản ánh trễ hạn ngày 06/03/2026',
      '[Tổng đài 1022] UBND xã Hòa Lợi: 2 phản ánh trễ hạn ngày 06/03/2026',
    ].sort());
  }, 60_000);
});
