import type request from 'supertest';
import { januaryCounts, PRINTED_JANUARY_2022, UNITS_HEADER } from './fixtures/january-2022.js';
import { printedSection } from './fixtures/report-section.js';
import { reorganise2025 } from '../src/directory/reorganise/reorganise-2025.js';
import { UnitChanges } from '../src/directory/unit-changes.js';
import { dataRows, docxParagraphs, loadWorkbook } from './support/office.js';
import { bearer, startTestApp, type TestApp } from './support/test-app.js';
import { unzip } from './support/zip.js';

/**
 * The official report (issue 5) through the API, against a real database: figures as of a cut-off computed from the
 * tickets' history, the printed text, every rendering, per-unit statistics and access.
 */

const COLUMNS = [
  'code', 'channel', 'received_at', 'reporter_name', 'reporter_phone', 'area_code', 'category_code', 'content',
  'unit_code', 'due_at', 'resolved_at', 'status', 'resolution',
] as const;
type Column = (typeof COLUMNS)[number];
type CsvRow = Partial<Record<Column, string>>;

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const toCsv = (rows: CsvRow[]) => [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => quote(r[c] ?? '')).join(','))].join('\n') + '\n';

const HOUR = 3600_000;
/** An instant given as Viet Nam wall time: vn('2022-01-12 16:00'). */
const vn = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);
const add = (d: Date, hours: number) => new Date(d.getTime() + hours * HOUR);
const iso = (d: Date) => d.toISOString();

async function importTickets(t: TestApp, admin: string, rows: CsvRow[]): Promise<void> {
  const res = await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(toCsv(rows));
  expect([res.status, res.body]).toEqual([201, { imported: rows.length }]);
}

/** App installations created at the given instants (the registration API is built elsewhere: rows go in directly). */
async function insertInstalls(t: TestApp, platform: 'android' | 'ios', instants: Date[]): Promise<void> {
  const tag = `${platform}-${Math.random().toString(36).slice(2)}`;
  await t.ds.query(
    `INSERT INTO app_installs (installation_id, platform, created_at)
     SELECT $1 || '-' || i, $2, at FROM unnest($3::timestamptz[]) WITH ORDINALITY AS x(at, i)`,
    [tag, platform, instants],
  );
}

/** `n` instants spread evenly over (from, to], the last one exactly `to`. */
const spread = (n: number, from: Date, to: Date) =>
  Array.from({ length: n }, (_, i) => new Date(from.getTime() + ((to.getTime() - from.getTime()) * (i + 1)) / n));

/** The code of the unit with exactly that official name (the district phrase tells two namesakes apart). */
async function unitCodeByName(t: TestApp, token: string, name: string, district?: string): Promise<string> {
  const res = await t.http().get('/api/units').query({ q: name }).set(bearer(token)).expect(200);
  let found = (res.body as Array<{ code: string; name: string; displayName: string }>).filter((u) => u.name === name);
  if (found.length > 1 && district) found = found.filter((u) => u.displayName.includes(district));
  if (found.length !== 1) throw new Error(`no single unit named "${name}" (${found.map((u) => u.code).join(', ')})`);
  return found[0].code;
}

const reportText = async (t: TestApp, token: string, kind: string, date: string) => {
  const res = await t.http().get(`/api/reports/${kind}`).query({ date, format: 'txt' }).set(bearer(token)).expect(200);
  expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  return res.text;
};
const reportJson = async (t: TestApp, token: string, kind: string, date: string) =>
  (await t.http().get(`/api/reports/${kind}`).query({ date }).set(bearer(token)).expect(200)).body;

/** The response body as a Buffer (supertest leaves binary bodies of unknown types unparsed otherwise). */
const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  // the parser gets the raw response stream (supertest's type names the parsed response)
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

// ---------------------------------------------------------------------------------------------------------------
// 1. The January 2022 report, reproduced
// ---------------------------------------------------------------------------------------------------------------

// The printed section (test/fixtures/january-2022.ts) goes on with "- Thực hiện báo cáo hàng ngày …", the department's
// next item, not a figure.
const printedLines = PRINTED_JANUARY_2022.trimEnd().split('\n');
const printedUnitLines = printedLines.slice(printedLines.indexOf(UNITS_HEADER) + 1);
/** "+ UBND Phường 3: 3;" → ["UBND Phường 3", 3], in the printed order. */
const printedUnits = printedUnitLines.map((line) => {
  const m = /^\+ (.+): (\d+)[;.]$/.exec(line)!;
  return [m[1], Number(m[2])] as const;
});

/**
 * The same 28 units in our order: provincial, district-level, commune-level; within a level by count, largest
 * first, then by name in Vietnamese alphabetical order (D before Đ, a before ô, i before ư, n before p, â before h).
 */
const OUR_ORDER: Array<[string, number]> = [
  ['Sở Y tế', 61], ['Văn phòng UBND tỉnh', 2],
  ['Phòng Y tế huyện Cầu Ngang', 1], ['Phòng Y tế huyện Châu Thành', 1], ['Văn phòng HĐND và UBND huyện Duyên Hải', 1],
  ['UBND Phường 3', 3], ['UBND Phường 6', 3], ['UBND Thị trấn Châu Thành', 3],
  ['UBND Phường 9', 2], ['UBND xã Dân Thành', 2], ['UBND xã Đa Lộc', 2], ['UBND xã Đôn Xuân', 2], ['UBND xã Hòa Lợi', 2],
  ['UBND xã Long Đức', 2], ['UBND xã Nguyệt Hóa', 2],
  ['UBND Phường 1', 1], ['UBND Phường 4', 1], ['UBND Phường 8', 1], ['UBND xã Đại An', 1], ['UBND xã Đông Hải', 1],
  ['UBND xã Long Hiệp', 1], ['UBND xã Long Hữu', 1], ['UBND xã Long Sơn', 1], ['UBND xã Song Lộc', 1], ['UBND xã Tân Bình', 1],
  ['UBND xã Tân Sơn', 1], ['UBND xã Tập Sơn', 1], ['UBND xã Thanh Mỹ', 1],
];

/** The printed section with the unit lines in our order (the last one ends with "."). */
const expectedJanuaryText = () =>
  [
    ...printedLines.slice(0, printedLines.indexOf(UNITS_HEADER) + 1),
    ...OUR_ORDER.map(([name, n], i) => `+ ${name}: ${n}${i === OUR_ORDER.length - 1 ? '.' : ';'}`),
  ].join('\n') + '\n';

/**
 * Which report of ours is the printed one? Its cut-off T is 16:00 12/01/2022 and the operation started 16:00
 * 13/12/2021. The growth "tăng 98 lượt tiếp nhận" needs a T0 at which 145 − 98 = 47 tickets had been received:
 *  - daily (T0 = 16:00 11/01/2022) cannot be it: 98 tickets received in that day would make the day's intake 98,
 *    but the printed day's intake is 1 (our daily report of these tickets reads "tăng 1 lượt tiếp nhận");
 *  - monthly (T0 = 16:00 12/12/2021, the same day of the previous month) falls before the start of operation: there
 *    is no previous report, so a monthly report prints no "(tăng …)" at all;
 *  - weekly (T0 = 16:00 05/01/2022) is the one: the tickets below are laid out so that at T0 there were 47 received,
 *    7 handled and 27 overdue, and 204 Android and 151 iOS installations (256 − 52 and 167 − 16).
 */
const OPERATION_START = vn('2021-12-13 16:00');
const T = vn('2022-01-12 16:00');
const T0 = vn('2022-01-05 16:00');
const T_DAY_BEFORE = vn('2022-01-11 16:00');

describe('the January 2022 report, reproduced from imported tickets', () => {
  let t: TestApp;
  let admin: string;
  let leader: string;
  const overdueCodes: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ now: '2022-01-13T09:00:00+07:00', env: { REPORT_OPERATION_START: '2021-12-13T16:00:00+07:00', TOKEN_TTL_HOURS: '720' } });
    admin = await t.userToken('admin');
    leader = await t.userToken('leader');

    // the 102 overdue tickets at T, one slot per ticket, unit by unit as printed
    const districts: Record<string, string> = { 'UBND Phường 1': 'thành phố Trà Vinh' };
    const codes = new Map<string, string>();
    for (const [name] of printedUnits) codes.set(name, await unitCodeByName(t, admin, name, districts[name]));
    expect(new Set(codes.values()).size).toBe(28);
    const categoryOf = (unit: string) => (unit === 'SO-YTE' || unit.startsWith('YT-') ? 'Y-TE' : unit.startsWith('UB-') ? 'AN-SINH' : 'KHAC');
    const slots = printedUnits.flatMap(([name, n]) => Array.from({ length: n }, () => codes.get(name)!));
    expect(slots).toHaveLength(102);
    // spread the slots over the three groups of tickets overdue at T (22 overdue since before T0, 8 received before T0
    // and due after it, 72 received after T0), so that most units hold tickets of several groups
    const b1: string[] = [];
    const c1: string[] = [];
    const d1: string[] = [];
    slots.forEach((unit, i) => (i % 4 === 0 && b1.length < 22 ? b1 : i % 4 === 1 && c1.length < 8 ? c1 : d1).push(unit));
    expect([b1.length, c1.length, d1.length]).toEqual([22, 8, 72]);

    const rows: CsvRow[] = [];
    const channels = ['hotline', 'app', 'web', 'email', 'zalo', 'facebook'];
    const ticket = (code: string, channel: string, receivedAt: Date, unit: string, dueAt: Date, end?: { at: Date; status?: string }): CsvRow => ({
      code, channel, received_at: iso(receivedAt), reporter_name: 'Công dân', content: `Phản ánh ${code}`,
      category_code: categoryOf(unit), unit_code: unit, due_at: iso(dueAt),
      ...(end ? { resolved_at: iso(end.at), status: end.status ?? 'resolved', resolution: 'Đã trả lời công dân.' } : {}),
    });
    // A: 7 handled before T0 (one received exactly at the start of operation, one closed, one resolved exactly at T0)
    for (let k = 0; k < 7; k++) {
      const received = add(OPERATION_START, k * 20);
      rows.push(ticket(`JA-${k}`, channels[k % 6], received, k % 2 ? 'CA-TINH' : 'SO-YTE', add(received, 72),
        { at: k === 6 ? T0 : add(received, 30), status: k === 1 ? 'closed' : 'resolved' }));
    }
    // B: 27 overdue at T0. 22 still open at T (one of them resolved only after T: open in the report for T; one in
    // progress), 5 resolved between T0 and T
    for (let k = 0; k < 27; k++) {
      const received = add(vn('2021-12-14 08:00'), k * 10);
      if (k < 22) {
        rows.push(ticket(`JB-${k}`, channels[k % 6], received, b1[k], add(received, 72), k === 0 ? { at: add(T, 0.5) } : undefined));
        if (k === 1) rows.at(-1)!.status = 'in_progress';
        overdueCodes.push(`JB-${k}`);
      } else {
        rows.push(ticket(`JB-${k}`, 'hotline', received, k % 2 ? 'CA-TINH' : 'SO-LDTBXH', add(received, 72), { at: add(T0, 18 + k) }));
      }
    }
    // C: 13 received before T0 and open at T0 but not overdue yet (one due exactly at T0: not overdue at T0);
    // 8 still open at T (overdue by then), 5 resolved between T0 and T
    for (let k = 0; k < 13; k++) {
      const received = add(vn('2022-01-04 08:00'), k * 2);
      const due = k === 0 ? T0 : add(vn('2022-01-06 08:00'), k);
      if (k < 8) {
        rows.push(ticket(`JC-${k}`, channels[k % 6], received, c1[k], due));
        overdueCodes.push(`JC-${k}`);
      } else {
        rows.push(ticket(`JC-${k}`, 'web', received, 'SO-GTVT', due, { at: add(vn('2022-01-07 09:00'), k) }));
      }
    }
    // D: 98 received after T0: 96 between 17:00 05/01 and 08/01, 25 of them resolved; one by phone exactly at
    // 16:00 11/01 (outside the day (T − 24 h, T]), overdue at 15:59 12/01; one walk-in exactly at T, due later
    for (let k = 0; k < 96; k++) {
      const received = add(T0, 1 + (k * 2) / 3);
      if (k < 25) {
        // resolved tickets of units that are in the list: they do not count there
        rows.push(ticket(`JD-${k}`, channels[k % 6], received, ['SO-YTE', 'UB-29401', 'YT-848'][k % 3], add(received, 72), { at: add(received, 24) }));
      } else {
        rows.push(ticket(`JD-${k}`, channels[k % 6], received, d1[k - 25], add(received, 72)));
        overdueCodes.push(`JD-${k}`);
      }
    }
    rows.push(ticket('JD-EDGE', 'hotline', T_DAY_BEFORE, d1[71], add(T, -1 / 60)));
    overdueCodes.push('JD-EDGE');
    rows.push(ticket('JD-WALKIN', 'walk_in', T, 'UB-29401', add(T, 72)));
    // outside the period: a second before the start of operation, a second after T
    rows.push(ticket('J-BEFORE', 'hotline', add(OPERATION_START, -1 / 3600), 'SO-YTE', add(OPERATION_START, 10), { at: add(OPERATION_START, 5) }));
    rows.push(ticket('J-AFTER', 'walk_in', add(T, 1 / 3600), 'SO-YTE', add(T, 1)));
    expect(rows).toHaveLength(145 + 2);
    expect(overdueCodes).toHaveLength(102);
    await importTickets(t, admin, rows);

    // installations: at T0 204 Android and 151 iOS (one exactly at T0), 52 and 16 more by T (one exactly at T),
    // and some after T
    await insertInstalls(t, 'android', [...spread(204, vn('2021-11-01 08:00'), T0), ...spread(51, T0, T_DAY_BEFORE), T, add(T, 0.01), add(T, 2), add(T, 5)]);
    await insertInstalls(t, 'ios', [...spread(151, vn('2021-11-01 08:00'), T0), ...spread(15, T0, T_DAY_BEFORE), vn('2022-01-12 10:00'), add(T, 1), add(T, 3)]);
  });
  afterAll(() => t?.close());

  it('the weekly report for 12/01/2022 prints the section as printed, line by line, the units in our order', async () => {
    const text = await reportText(t, leader, 'weekly', '2022-01-12');
    const lines = text.trimEnd().split('\n');
    const expected = expectedJanuaryText().trimEnd().split('\n');
    // every line from "- Tổng số phản ánh" to the end, and the installations above it
    const from = expected.findIndex((l) => l.startsWith('- Tổng số phản ánh'));
    expect(from).toBe(3);
    expect(lines.slice(from)).toEqual(expected.slice(from));
    expect(text).toBe(expectedJanuaryText());
    // the unit lines are the printed ones, reordered: same names, same counts, 102 in all
    const ours = lines.slice(lines.indexOf(UNITS_HEADER) + 1).map((l) => l.replace(/[;.]$/, ''));
    expect([...ours].sort()).toEqual(printedUnitLines.map((l) => l.replace(/[;.]$/, '')).sort());
    expect(OUR_ORDER.reduce((s, [, n]) => s + n, 0)).toBe(102);
  });

  it('its JSON carries every figure, T0 = 16:00 05/01/2022, and explains received = handled + open', async () => {
    const body = await reportJson(t, leader, 'weekly', '2022-01-12');
    expect(body).toMatchObject({
      kind: 'weekly', date: '2022-01-12', cutoff: iso(T), previousCutoff: iso(T0), operationStart: iso(OPERATION_START),
      title: 'Báo cáo tuần tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 đến ngày 12/01/2022',
      text: expectedJanuaryText(),
    });
    // the printed section's figures (test/fixtures/january-2022.ts), and how they add up
    expect(body.figures).toEqual({ ...januaryCounts(), explained: { received: 145, handled: 42, open: 103, rejected: 0, merged: 0 } });
    const units = body.overdueUnits as Array<{ unitName: string; count: number; level: string }>;
    expect(units.map((u) => [u.unitName, u.count]).sort()).toEqual(printedUnits.map(([n, c]) => [n, c]).sort());
    expect(units.reduce((s, u) => s + u.count, 0)).toBe(102);
    expect(units.filter((u) => u.level === 'province').map((u) => u.unitName).sort()).toEqual(['Sở Y tế', 'Văn phòng UBND tỉnh']);
    expect(units.filter((u) => u.level === 'district')).toHaveLength(3);
    // the overdue tickets behind the figure: exactly the ones laid out as overdue at T
    const tickets = body.overdueTickets as Array<{ code: string; unitName: string; daysLate: number; dueAt: string }>;
    expect(tickets.map((x) => x.code).sort()).toEqual([...overdueCodes].sort());
    expect(tickets.find((x) => x.code === 'JD-EDGE')).toMatchObject({ daysLate: 0, dueAt: iso(add(T, -1 / 60)) });
    expect(tickets.find((x) => x.code === 'JB-0')!.daysLate).toBe(Math.floor((T.getTime() - add(vn('2021-12-14 08:00'), 72).getTime()) / (24 * HOUR)));
  });

  it('as a daily report the same tickets read "tăng 1" (the day\'s intake): the printed growth is not a daily one', async () => {
    const lines = (await reportText(t, leader, 'daily', '2022-01-12')).split('\n');
    expect(lines.slice(1, 3)).toEqual(['+ App android: 256 lượt cài đặt (tăng 1 lượt);', '+ App IOS: 167 lượt cài đặt (tăng 1 lượt).']);
    expect(lines).toContain('- Từ 16 giờ ngày 13/12/2021 đến 16 giờ ngày 12/01/2022 tiếp nhận: 145 (tăng 1 lượt tiếp nhận).');
    expect(lines).toContain('+ Đã xử lý: 42 phản ánh (tăng 0 lượt xử lý);');
    // JD-EDGE, received exactly at 16:00 11/01, was not overdue yet then
    expect(lines).toContain('+ Đang xử lý: 103 (trong đó: 102 phiếu trễ hạn (tăng 1 phiếu trễ hạn)).');
  });

  it('as a monthly report it has no previous report (12/12/2021 is before the start of operation): no "(tăng …)"', async () => {
    const body = await reportJson(t, leader, 'monthly', '2022-01-12');
    expect(body.previousCutoff).toBeNull();
    expect(body.title).toBe('Báo cáo tháng tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 đến ngày 12/01/2022');
    const withoutChanges = expectedJanuaryText().replace(/ \((tăng|giảm) \d+ [^()]*\)/g, '');
    expect(withoutChanges).toContain('+ Đang xử lý: 103 (trong đó: 102 phiếu trễ hạn).');
    expect(body.text).toBe(withoutChanges);
    expect(await reportText(t, leader, 'monthly', '2022-01-12')).toBe(withoutChanges);
  });

  it('comes out the same when asked again later, after the data moved on', async () => {
    const before = await reportJson(t, leader, 'weekly', '2022-01-12');
    t.clock.set('2022-02-20T09:00:00+07:00');
    admin = await t.userToken('admin');
    leader = await t.userToken('leader');
    // a later ticket and later installations change nothing about 12/01
    await importTickets(t, admin, [{
      code: 'J-LATER', channel: 'hotline', received_at: '2022-02-01T08:00:00+07:00', reporter_name: 'A', category_code: 'Y-TE',
      content: 'Sau kỳ báo cáo', unit_code: 'SO-YTE', due_at: '2022-02-02T08:00:00+07:00',
    }]);
    await insertInstalls(t, 'android', [vn('2022-02-01 08:00')]);
    expect(await reportJson(t, leader, 'weekly', '2022-01-12')).toEqual(before);
  });

  it('is printed the same, line by line, after the installation moved to the 2025 map (reorganise-2025, issue #13)', async () => {
    const text = await reportText(t, leader, 'weekly', '2022-01-12');
    t.clock.set('2025-07-01T08:00:00+07:00');
    const result = await reorganise2025(t.ds, t.app.get(UnitChanges), { provinceCode: '86', dryRun: false, at: t.clock.now(), actorName: 'Quản trị viên' });
    // the communes' committees merged into the new ones, the district offices gone
    expect(result.counts).toMatchObject({ unitsDeactivated: expect.any(Number) });
    expect(await t.ds.query(`SELECT count(*)::int AS n FROM units WHERE level = 'district' AND active`)).toEqual([{ n: 0 }]);
    leader = await t.userToken('leader');
    // the units as they were named and placed then: the same text as before the move, which is the printed one
    expect(await reportText(t, leader, 'weekly', '2022-01-12')).toBe(text);
    expect(text).toBe(expectedJanuaryText());
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 2. Two consecutive daily reports: growth, "giảm", the as-of rule, rejected and merged, every format
// ---------------------------------------------------------------------------------------------------------------

const D1 = '2022-03-01';
const D2 = '2022-03-02';
const T1 = vn('2022-03-01 16:00');
const T2 = vn('2022-03-02 16:00');

/** The expected text of the daily report for 02/03/2022 (see the timeline in beforeAll). */
const D2_TEXT = printedSection({
  android: [6, 1], ios: [2, 0], inDay: [0, 1, 0, 0, 1, 0, 1], from: '16 giờ ngày 23/02/2022', to: '16 giờ ngày 02/03/2022',
  received: [16, 3], handled: [6, 3], open: 7, overdue: [3, -2], units: [['Sở Y tế', 1], ['UBND Phường 3', 1], ['UBND xã Hòa Lợi', 1]],
});

describe('daily reports over two days', () => {
  let t: TestApp;
  let admin: string;
  let coordinator: string;
  let leader: string;
  let staff: string;
  let d2First: unknown;

  const act = async (token: string, code: string, action: string, body: Record<string, unknown> = {}) => {
    const res = await t.http().post(`/api/tickets/${code}/${action}`).set(bearer(token)).send(body);
    expect([code, action, res.status]).toEqual([code, action, 200]);
  };
  const resolveAsUnit = async (code: string) => {
    await act(staff, code, 'accept');
    await act(staff, code, 'resolve', { resolution: 'Đã hướng dẫn công dân.' });
  };
  const ticket = (code: string, channel: string, received: string, unit: string, category: string, due: string, extra: CsvRow = {}): CsvRow => ({
    code, channel, received_at: iso(vn(received)), reporter_name: 'Công dân', category_code: category, content: `Phản ánh ${code}`,
    unit_code: unit, due_at: iso(vn(due)), ...extra,
  });

  /*
   * Timeline (no REPORT_OPERATION_START: the start is the cut-off before the earliest ticket, E0 at 08:00 24/02/2022,
   * so 16:00 23/02/2022).
   * At T0 = 16:00 28/02: received E0 X1-X5 Y1 Y2 Z1 (9), handled E0 Y1, open X1-X5 Y2, overdue X1-X4 Y2, rejected Z1.
   * At T1 = 16:00 01/03: + I1 (app) R1 (hotline, rejected as spam at 11:00) R2 (zalo, rejected as a duplicate of X1 at
   *   12:00, commented on at 12:30) W1 (web): received 13, handled 3 (+Y2, closed 09:00 01/03), open 7
   *   (X1-X5 I1 W1), overdue 5 (X1-X4 X5), rejected 2, merged 1.
   * At T2 = 16:00 02/03: + N1 (facebook) N2 (mail) N3 (walk-in, exactly at T2): received 16, handled 6 (X1-X3
   *   resolved 11:00 02/03), open 7 (X4 X5 I1 W1 N1 N2 N3), overdue 3 (X4 X5 N1), rejected 2, merged 1.
   *   X4 is resolved at 17:00 02/03, after T2: still open and overdue in the report for 02/03.
   */
  beforeAll(async () => {
    t = await startTestApp({ now: '2022-03-01T10:00:00+07:00', env: { TOKEN_TTL_HOURS: '720' } });
    admin = await t.userToken('admin');
    coordinator = await t.userToken('coordinator');
    leader = await t.userToken('leader');
    staff = await t.userToken('unit_staff', 'SO-YTE');

    await importTickets(t, admin, [
      ticket('E0', 'hotline', '2022-02-24 08:00', 'SO-YTE', 'Y-TE', '2022-02-26 08:00', { resolved_at: iso(vn('2022-02-25 10:00')), status: 'resolved', resolution: 'Đã trả lời.' }),
      ...[1, 2, 3, 4].map((k) => ticket(`X${k}`, 'hotline', `2022-02-25 ${String(8 + k).padStart(2, '0')}:00`, 'SO-YTE', 'Y-TE', '2022-02-27 09:00')),
      ticket('X5', 'hotline', '2022-02-28 10:00', 'UB-29401', 'AN-SINH', '2022-03-01 10:00'),
      ticket('Y1', 'app', '2022-02-26 08:00', 'SO-YTE', 'Y-TE', '2022-02-28 08:00', { resolved_at: iso(vn('2022-02-27 10:00')), status: 'resolved', resolution: 'Đã trả lời.' }),
      ticket('Y2', 'web', '2022-02-25 08:00', 'UB-29401', 'AN-SINH', '2022-02-26 08:00', { resolved_at: iso(vn('2022-03-01 09:00')), status: 'closed', resolution: 'Đã hỗ trợ.' }),
      { ...ticket('Z1', 'email', '2022-02-28 11:00', '', 'KHAC', '2022-03-10 11:00'), resolved_at: iso(vn('2022-02-28 12:00')), status: 'rejected' },
      ticket('I1', 'app', '2022-02-28 20:00', 'UB-29401', 'AN-SINH', '2022-03-04 08:00'),
      { ...ticket('R1', 'hotline', '2022-03-01 08:00', '', 'KHAC', '2022-03-10 08:00'), status: 'received' },
      ticket('R2', 'zalo', '2022-03-01 08:30', 'SO-YTE', 'Y-TE', '2022-03-03 08:30'),
      ticket('W1', 'web', '2022-03-01 09:00', 'SO-LDTBXH', 'KHAC', '2022-03-03 16:00'),
    ]);
    await insertInstalls(t, 'android', [vn('2022-02-20 08:00'), vn('2022-02-25 08:00'), vn('2022-02-28 16:00'), vn('2022-03-01 08:00'), T1, vn('2022-03-02 09:00')]);
    await insertInstalls(t, 'ios', [vn('2022-02-20 08:00'), vn('2022-02-27 08:00')]);

    t.clock.set(vn('2022-03-01 11:00'));
    await act(coordinator, 'R1', 'reject', { reason: 'spam' });
    t.clock.set(vn('2022-03-01 12:00'));
    await act(coordinator, 'R2', 'reject', { reason: 'duplicate', duplicateOf: 'X1' });
    t.clock.set(vn('2022-03-01 12:30'));
    const comment = await t.http().post('/api/tickets/R2/comments').set(bearer(coordinator)).send({ text: 'Đã gộp vào X1.' });
    expect(comment.status).toBe(201);
  });
  afterAll(() => t?.close());

  it('day 1: the first figures, rejected and merged counted as received and explained in the JSON', async () => {
    t.clock.set(vn('2022-03-01 17:00'));
    const body = await reportJson(t, leader, 'daily', D1);
    expect(body).toMatchObject({ kind: 'daily', date: D1, cutoff: iso(T1), previousCutoff: iso(vn('2022-02-28 16:00')), operationStart: iso(vn('2022-02-23 16:00')) });
    expect(body.figures).toEqual({
      appInstalls: { android: { current: 5, previous: 3 }, ios: { current: 2, previous: 2 } },
      receivedInDay: { hotline: 1, walk_in: 0, app: 1, web: 1, email: 0, zalo: 1, facebook: 0 },
      receivedTotal: { current: 13, previous: 9 },
      handled: { current: 3, previous: 2 },
      open: 7,
      overdue: { current: 5, previous: 5 },
      rejected: 2,
      merged: 1,
      explained: { received: 13, handled: 3, open: 7, rejected: 2, merged: 1 },
    });
    const { received, handled, open, rejected, merged } = body.figures.explained;
    expect(handled + open + rejected + merged).toBe(received);
    expect(body.text.split('\n').slice(11)).toEqual([
      '- Từ 16 giờ ngày 23/02/2022 đến 16 giờ ngày 01/03/2022 tiếp nhận: 13 (tăng 4 lượt tiếp nhận).',
      '- Kết quả giải quyết:',
      '+ Đã xử lý: 3 phản ánh (tăng 1 lượt xử lý);',
      '+ Đang xử lý: 7 (trong đó: 5 phiếu trễ hạn (tăng 0 phiếu trễ hạn)).',
      '- Các đơn vị đang xử lý trễ hạn:',
      '+ Sở Y tế: 4;',
      '+ UBND xã Hòa Lợi: 1.',
      '',
    ]);
    // the HTML says why received ≠ handled + open
    const html = await t.http().get('/api/reports/daily').query({ date: D1, format: 'html' }).set(bearer(leader)).expect(200);
    expect(html.text).toContain('Ghi chú: trong 13 phản ánh đã tiếp nhận có 2 phản ánh bị từ chối và 1 phản ánh trùng đã được gộp');
  });

  it('the first report of all (before it, nothing) has no "(tăng …)", and an empty list reads "không có."', async () => {
    const text = await reportText(t, leader, 'daily', '2022-02-24');
    expect(text).toBe(printedSection({
      android: 1, ios: 1, inDay: [1, 0, 0, 0, 0, 0, 0], from: '16 giờ ngày 23/02/2022', to: '16 giờ ngày 24/02/2022',
      received: 1, handled: 0, open: 1, overdue: 0, units: [],
    }));
  });

  it('day 2: growth and "giảm"; a ticket resolved after the cut-off still counts as open and overdue', async () => {
    t.clock.set(vn('2022-03-02 10:00'));
    await importTickets(t, admin, [
      ticket('N1', 'facebook', '2022-03-01 18:00', 'UB-29242', 'AN-SINH', '2022-03-02 12:00'),
      ticket('N2', 'email', '2022-03-02 08:00', 'SO-YTE', 'Y-TE', '2022-03-04 08:00'),
    ]);
    t.clock.set(vn('2022-03-02 11:00'));
    for (const code of ['X1', 'X2', 'X3']) await resolveAsUnit(code);
    t.clock.set(vn('2022-03-02 16:30'));
    await importTickets(t, admin, [
      ticket('N3', 'walk_in', '2022-03-02 16:00', 'VP-UBND-TINH', 'KHAC', '2022-03-05 16:00'),
      // a second after the cut-off: in tomorrow's report
      { ...ticket('N4', 'hotline', '2022-03-02 16:00', 'SO-TTTT', 'THONG-TIN', '2022-03-02 20:00'), received_at: iso(add(T2, 1 / 3600)) },
    ]);
    d2First = await reportJson(t, leader, 'daily', D2);
    expect((d2First as { text: string }).text).toBe(D2_TEXT);

    t.clock.set(vn('2022-03-02 17:00'));
    await resolveAsUnit('X4');
    const body = await reportJson(t, leader, 'daily', D2);
    expect(body.text).toBe(D2_TEXT);
    expect(body.figures).toMatchObject({
      receivedTotal: { current: 16, previous: 13 }, handled: { current: 6, previous: 3 }, open: 7,
      overdue: { current: 3, previous: 5 }, rejected: 2, merged: 1,
      explained: { received: 16, handled: 6, open: 7, rejected: 2, merged: 1 },
    });
    expect(body.overdueTickets.map((x: { code: string }) => x.code).sort()).toEqual(['N1', 'X4', 'X5']);
    // the ticket itself says resolved
    const x4 = await t.http().get('/api/tickets/X4').set(bearer(admin)).expect(200);
    expect(x4.body.status).toBe('resolved');
  });

  it('asked again the next day, the report for 02/03 gives the same figures, and the day\'s report moves on', async () => {
    t.clock.set(vn('2022-03-03 09:00'));
    await t.http().post('/api/tickets/X5/comments').set(bearer(coordinator)).send({ text: 'Nhắc đơn vị.' }).expect(201);
    expect(await reportJson(t, leader, 'daily', D2)).toEqual(d2First);
    // without a date: the latest cut-off (16:00 02/03 at 09:00 03/03)
    expect((await t.http().get('/api/reports/daily').set(bearer(leader)).expect(200)).body).toEqual(d2First);
    t.clock.set(vn('2022-03-03 16:00'));
    const d3 = (await t.http().get('/api/reports/daily').set(bearer(leader)).expect(200)).body;
    expect(d3).toMatchObject({ date: '2022-03-03', previousCutoff: iso(T2) });
    expect(d3.figures).toMatchObject({ receivedTotal: { current: 17, previous: 16 }, handled: { current: 7, previous: 6 }, overdue: { current: 3, previous: 3 } });
  });

  it('html: the e-mail body with the same lines, the channel table and the per-unit table', async () => {
    const res = await t.http().get('/api/reports/daily').query({ date: D2, format: 'html' }).set(bearer(coordinator)).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.text;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<h1 style="margin:0 0 4px 0;font-size:20px;line-height:1.35;color:#102a43">Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày 02/03/2022</h1>');
    const text = html.replace(/<[^>]+>/g, '\n').replace(/\n+/g, '\n');
    for (const line of [
      'App android: 6 lượt cài đặt (tăng 1 lượt);',
      'Tổng số phản ánh đã tiếp nhận trong ngày: 3.',
      'Từ 16 giờ ngày 23/02/2022 đến 16 giờ ngày 02/03/2022 tiếp nhận: 16 (tăng 3 lượt tiếp nhận).',
      'Đã xử lý: 6 phản ánh (tăng 3 lượt xử lý);',
      'Đang xử lý: 7 (trong đó: 3 phiếu trễ hạn (giảm 2 phiếu trễ hạn)).',
      'Các đơn vị đang xử lý trễ hạn:',
    ]) expect(text).toContain(`\n${line}\n`);
    const cells = [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map(([, tr]) => [...tr.matchAll(/<t[dh][^>]*>([^<]*)<\/t[dh]>/g)].map(([, c]) => c));
    expect(cells).toEqual(expect.arrayContaining([
      ['Trực tiếp', '1'], ['Qua mail', '1'], ['Facebook', '1'], ['Tổng cộng', '3'],
      ['1', 'Sở Y tế', '1'], ['2', 'UBND Phường 3', '1'], ['3', 'UBND xã Hòa Lợi', '1'], ['', 'Tổng cộng', '3'],
    ]));
  });

  it('xlsx: the summary, the units and the overdue tickets read back with exceljs', async () => {
    const res = await t.http().get('/api/reports/daily').query({ date: D2, format: 'xlsx' }).set(bearer(admin)).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="bao-cao-1022-ngay-2022-03-02.xlsx"');
    const workbook = await loadWorkbook(res.body as Buffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Đơn vị trễ hạn', 'Phiếu trễ hạn']);
    const summary = new Map(dataRows(workbook.getWorksheet('Tổng hợp')!).map(([label, value, change]) => [label, [value, change]]));
    expect(summary.get('Báo cáo')![0]).toBe('Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày 02/03/2022');
    expect(summary.get('Loại báo cáo')![0]).toBe('Hàng ngày');
    expect((summary.get('Thời điểm chốt số liệu')![0] as Date).toISOString()).toBe('2022-03-02T16:00:00.000Z'); // Viet Nam wall time
    expect((summary.get('Thời điểm chốt kỳ trước')![0] as Date).toISOString()).toBe('2022-03-01T16:00:00.000Z');
    expect(summary.get('Tổng số phản ánh đã tiếp nhận từ khi vận hành')).toEqual([16, 3]);
    expect(summary.get('Đã xử lý')).toEqual([6, 3]);
    expect(summary.get('Đang xử lý')![0]).toBe(7);
    expect(summary.get('Đang xử lý - trong đó trễ hạn')).toEqual([3, -2]);
    expect(summary.get('Bị từ chối (không tính vào đã xử lý, đang xử lý)')![0]).toBe(2);
    expect(summary.get('Trùng, đã gộp (không tính vào đã xử lý, đang xử lý)')![0]).toBe(1);
    expect(summary.get('Tiếp nhận trong ngày - Trực tiếp')![0]).toBe(1);
    expect(dataRows(workbook.getWorksheet('Đơn vị trễ hạn')!)).toEqual([
      [1, 'Sở Y tế', 'Tỉnh', 1], [2, 'UBND Phường 3', 'Xã', 1], [3, 'UBND xã Hòa Lợi', 'Xã', 1], [undefined, 'Tổng cộng', undefined, 3],
    ]);
    const tickets = dataRows(workbook.getWorksheet('Phiếu trễ hạn')!).map(([code, unit, category, received, due, late]) =>
      [code, unit, category, (received as Date).toISOString(), (due as Date).toISOString(), late]);
    expect(tickets).toEqual([
      ['X4', 'Sở Y tế', 'Y tế, khám chữa bệnh', '2022-02-25T12:00:00.000Z', '2022-02-27T09:00:00.000Z', 3],
      ['X5', 'UBND xã Hòa Lợi', 'Hỗ trợ an sinh xã hội, lương thực', '2022-02-28T10:00:00.000Z', '2022-03-01T10:00:00.000Z', 1],
      ['N1', 'UBND Phường 3', 'Hỗ trợ an sinh xã hội, lương thực', '2022-03-01T18:00:00.000Z', '2022-03-02T12:00:00.000Z', 0],
    ]);
  });

  it('docx: the title, one paragraph per line of the text, and the per-unit table', async () => {
    const res = await t.http().get('/api/reports/daily').query({ date: D2, format: 'docx' }).set(bearer(admin)).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers['content-disposition']).toBe('attachment; filename="bao-cao-1022-ngay-2022-03-02.docx"');
    const xml = unzip(res.body as Buffer).get('word/document.xml')!.toString('utf8');
    const paragraphs = docxParagraphs(xml);
    const lines = D2_TEXT.trimEnd().split('\n');
    expect(paragraphs.slice(0, 1 + lines.length)).toEqual(['Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày 02/03/2022', ...lines]);
    const table = xml.match(/<w:tbl>[\s\S]*?<\/w:tbl>/)![0];
    expect([...table.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map(([tr]) => docxParagraphs(tr))).toEqual([
      ['STT', 'Đơn vị', 'Số phiếu trễ hạn'], ['1', 'Sở Y tế', '1'], ['2', 'UBND Phường 3', '1'], ['3', 'UBND xã Hòa Lợi', '1'], ['', 'Tổng cộng', '3'],
    ]);
  });

  it('per-unit statistics for a period, as JSON and CSV', async () => {
    const q = { from: '2022-02-24T00:00:00+07:00', to: '2022-03-03T00:00:00+07:00' };
    const res = await t.http().get('/api/reports/unit-statistics').query(q).set(bearer(leader)).expect(200);
    expect(res.body.from).toBe(iso(vn('2022-02-24 00:00')));
    expect(res.body.to).toBe(iso(vn('2022-03-03 00:00')));
    // by the unit holding each ticket at `to`; handling time from received to resolved, in hours
    expect(res.body.units).toEqual([
      // E0 Y1 on time (26 h each), X1-X3 (122, 121, 120 h), X4 (125 h); R2 rejected; N2 open
      { unitCode: 'SO-YTE', unitName: 'Sở Y tế', received: 8, handled: 6, handledOnTime: 2, open: 1, overdue: 0, medianHandlingHours: 120.5, handledOnTimeExtended: 0, answered: 0, settled: 0, notSettled: 0 },
      // Y2 closed late (97 h); X5 overdue; I1 open
      { unitCode: 'UB-29401', unitName: 'UBND xã Hòa Lợi', received: 3, handled: 1, handledOnTime: 0, open: 2, overdue: 1, medianHandlingHours: 97, handledOnTimeExtended: 0, answered: 0, settled: 0, notSettled: 0 },
      // Z1 and R1, rejected without a unit
      { unitCode: null, unitName: 'Chưa phân công đơn vị', received: 2, handled: 0, handledOnTime: 0, open: 0, overdue: 0, medianHandlingHours: null, handledOnTimeExtended: 0, answered: 0, settled: 0, notSettled: 0 },
      { unitCode: 'SO-LDTBXH', unitName: 'Sở Lao động - Thương binh và Xã hội', received: 1, handled: 0, handledOnTime: 0, open: 1, overdue: 0, medianHandlingHours: null, handledOnTimeExtended: 0, answered: 0, settled: 0, notSettled: 0 },
      { unitCode: 'SO-TTTT', unitName: 'Sở Thông tin và Truyền thông', received: 1, handled: 0, handledOnTime: 0, open: 1, overdue: 1, medianHandlingHours: null, handledOnTimeExtended: 0, answered: 0, settled: 0, notSettled: 0 },
      { unitCode: 'UB-29242', unitName: 'UBND Phường 3', received: 1, handled: 0, handledOnTime: 0, open: 1, overdue: 1, medianHandlingHours: null, handledOnTimeExtended: 0, answered: 0, settled: 0, notSettled: 0 },
      { unitCode: 'VP-UBND-TINH', unitName: 'Văn phòng UBND tỉnh', received: 1, handled: 0, handledOnTime: 0, open: 1, overdue: 0, medianHandlingHours: null, handledOnTimeExtended: 0, answered: 0, settled: 0, notSettled: 0 },
    ]);

    const csv = await t.http().get('/api/reports/unit-statistics').query({ ...q, format: 'csv' }).set(bearer(coordinator)).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="thong-ke-don-vi.csv"');
    expect(csv.text).toBe('\uFEFF' + [
      'ma_don_vi,don_vi,tiep_nhan,da_xu_ly,xu_ly_dung_han,dang_xu_ly,tre_han,trung_vi_gio_xu_ly,dung_han_nho_gia_han,luot_danh_gia,da_giai_quyet,chua_giai_quyet',
      'SO-YTE,Sở Y tế,8,6,2,1,0,120.5,0,0,0,0',
      'UB-29401,UBND xã Hòa Lợi,3,1,0,2,1,97,0,0,0,0',
      ',Chưa phân công đơn vị,2,0,0,0,0,,0,0,0,0',
      'SO-LDTBXH,Sở Lao động - Thương binh và Xã hội,1,0,0,1,0,,0,0,0,0',
      'SO-TTTT,Sở Thông tin và Truyền thông,1,0,0,1,1,,0,0,0,0',
      'UB-29242,UBND Phường 3,1,0,0,1,1,,0,0,0,0',
      'VP-UBND-TINH,Văn phòng UBND tỉnh,1,0,0,1,0,,0,0,0,0',
    ].join('\r\n') + '\r\n');

    // an earlier `to` sees the earlier state: at 12:00 02/03 X4 was open and overdue (N2 open, not overdue), N3 and N4 not yet received
    const earlier = await t.http().get('/api/reports/unit-statistics').query({ ...q, to: '2022-03-02T12:00:00+07:00' }).set(bearer(admin)).expect(200);
    expect(earlier.body.units[0]).toEqual({ unitCode: 'SO-YTE', unitName: 'Sở Y tế', received: 8, handled: 5, handledOnTime: 2, open: 2, overdue: 1, medianHandlingHours: 120, handledOnTimeExtended: 0, answered: 0, settled: 0, notSettled: 0 });

    const bad = await t.http().get('/api/reports/unit-statistics').query({ from: q.to, to: q.from }).set(bearer(admin));
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'to' })]);
    const missing = await t.http().get('/api/reports/unit-statistics').query({ from: q.from }).set(bearer(admin));
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'to' })]);
  });

  it('access: leaders, coordinators and admins read reports; operators and unit staff get 403; no token 401', async () => {
    for (const token of [leader, coordinator, admin]) {
      await t.http().get('/api/reports/daily').query({ date: D2, format: 'txt' }).set(bearer(token)).expect(200);
      await t.http().get('/api/reports/unit-statistics').query({ from: '2022-02-24T00:00:00Z', to: '2022-03-03T00:00:00Z' }).set(bearer(token)).expect(200);
    }
    for (const token of [await t.userToken('operator'), staff]) {
      for (const format of ['json', 'txt', 'xlsx']) {
        const res = await t.http().get('/api/reports/daily').query({ date: D2, format }).set(bearer(token));
        expect([format, res.status]).toEqual([format, 403]);
      }
      await t.http().get('/api/reports/unit-statistics').query({ from: '2022-02-24T00:00:00Z', to: '2022-03-03T00:00:00Z' }).set(bearer(token)).expect(403);
      await t.http().get('/api/reports/sent').set(bearer(token)).expect(403);
    }
    await t.http().get('/api/reports/sent').set(bearer(leader)).expect(403);
    await t.http().get('/api/reports/daily').query({ date: D2 }).expect(401);
  });

  it('an unknown kind is 404; a malformed or non-existent date, or an unknown format, is 400', async () => {
    const unknown = await t.http().get('/api/reports/yearly').query({ date: D2 }).set(bearer(leader));
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('yearly');
    for (const date of ['2022-13-01', '02/03/2022', '2022-3-2', '2022-02-30', '2021-02-29', '2022-04-31', 'hôm nay']) {
      const res = await t.http().get('/api/reports/daily').query({ date }).set(bearer(leader));
      expect([date, res.status]).toEqual([date, 400]);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'date' })]);
    }
    const february30 = await t.http().get('/api/reports/daily').query({ date: '2022-02-30' }).set(bearer(leader));
    expect(february30.body.errors).toEqual([{ field: 'date', reason: 'không phải ngày có thật trên lịch' }]);
    // a leap day exists
    await t.http().get('/api/reports/daily').query({ date: '2024-02-29', format: 'txt' }).set(bearer(leader)).expect(200);
    const format = await t.http().get('/api/reports/daily').query({ date: D2, format: 'pdf' }).set(bearer(leader));
    expect(format.status).toBe(400);
    expect(format.body.errors).toEqual([expect.objectContaining({ field: 'format' })]);
  });
});

describe('a start of operation set off the cut-off hour', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('is printed with its own time, and the first report has no "(tăng …)"', async () => {
    t = await startTestApp({ now: '2022-02-25T09:00:00+07:00', env: { REPORT_OPERATION_START: '2022-02-24T08:30:00+07:00' } });
    const admin = await t.userToken('admin');
    await importTickets(t, admin, [
      { code: 'S-1', channel: 'hotline', received_at: '2022-02-24T08:00:00+07:00', reporter_name: 'A', content: 'Trước khi vận hành', unit_code: 'SO-YTE', due_at: '2022-02-24T09:00:00+07:00' },
      { code: 'S-2', channel: 'web', received_at: '2022-02-24T09:00:00+07:00', reporter_name: 'A', content: 'Sau khi vận hành', unit_code: 'SO-YTE', due_at: '2022-02-24T10:00:00+07:00' },
    ]);
    const body = await reportJson(t, admin, 'daily', '2022-02-24');
    expect(body.operationStart).toBe('2022-02-24T01:30:00.000Z');
    expect(body.previousCutoff).toBeNull();
    expect(body.text.split('\n').slice(11, 16)).toEqual([
      '- Từ 8 giờ 30 phút ngày 24/02/2022 đến 16 giờ ngày 24/02/2022 tiếp nhận: 1.',
      '- Kết quả giải quyết:',
      '+ Đã xử lý: 0 phản ánh;',
      '+ Đang xử lý: 1 (trong đó: 1 phiếu trễ hạn).',
      '- Các đơn vị đang xử lý trễ hạn:',
    ]);
    const html = await t.http().get('/api/reports/daily').query({ date: '2022-02-24', format: 'html' }).set(bearer(admin)).expect(200);
    expect(html.text).toContain('Từ 8 giờ 30 phút ngày 24/02/2022 đến 16 giờ ngày 24/02/2022 tiếp nhận: 1.');
    // the next day's report is the second: it compares
    expect((await reportJson(t, admin, 'daily', '2022-02-25')).text).toContain('tiếp nhận: 1 (tăng 0 lượt tiếp nhận).');
  });
});
