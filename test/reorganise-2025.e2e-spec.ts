import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../src/common/project-root.js';
import { wardMappingsTo } from '../src/directory/editions/edition-2025.js';
import { DISTRICT_ABOLISHED_NOTE, reorganise2025, type Reorganise2025Result } from '../src/directory/reorganise/reorganise-2025.js';
import { UnitChanges } from '../src/directory/unit-changes.js';
import { DirectoryService } from '../src/directory/directory.service.js';
import { JANUARY_UNITS, PRINTED_JANUARY_2022, UNITS_HEADER } from './fixtures/january-2022.js';
import { bearer, startTestApp, tokensFor, type TestApp } from './support/test-app.js';

/**
 * Issue 13, part 2: a 2021 Trà Vinh installation moved to the 2025 map of Vĩnh Long (86). The dry run through the
 * built CLI, then the run in-process (the same function, the application's UnitChanges), its second run, and what
 * follows: routing, the list's area filter, reports naming units as they were named at their instant.
 */

const root = projectRoot();
const COLUMNS = ['code', 'channel', 'received_at', 'reporter_name', 'reporter_phone', 'area_code', 'category_code', 'content', 'unit_code', 'due_at', 'resolved_at', 'status', 'resolution'] as const;
type Row = Partial<Record<(typeof COLUMNS)[number], string>>;
const toCsv = (rows: Row[]) => [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => r[c] ?? '').join(','))].join('\n') + '\n';
const vn = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`).toISOString();

interface TicketBody {
  code: string; status: string; assignedUnit: { code: string } | null; area: { code: string } | null;
  events: Array<{ type: string; note: string | null; data: Record<string, unknown>; fromUnit?: { code: string } | null; toUnit?: { code: string } | null }>;
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist/src/cli.js'), ...args], {
      cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts/build-if-changed.mjs')], { cwd: root, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
}

describe('reorganise-2025: a 2021 Trà Vinh installation moved to the 2025 map of Vĩnh Long', () => {
  let t: TestApp;
  let admin: string;
  let op: string;
  let coord: string;
  let leader: string;
  let first: Reorganise2025Result;
  // Xã Phước Hảo (29404) went whole into Xã Hưng Mỹ; here it is split between Hưng Mỹ and Song Lộc, as some
  // communes of other provinces were, to see its open tickets wait for the coordinator
  const mappings = [
    ...wardMappingsTo('86').filter((m) => m.oldCode !== '29404'),
    ...['29407', '29386'].map((newCode) => ({
      oldCode: '29404', oldName: 'Xã Phước Hảo', oldDistrictName: 'Huyện Châu Thành', oldProvinceName: 'Tỉnh Trà Vinh',
      newCode, newName: newCode === '29407' ? 'Xã Hưng Mỹ' : 'Xã Song Lộc', newProvinceCode: '86',
    })),
  ];
  const run = (dryRun = false) => reorganise2025(t.ds, t.app.get(UnitChanges), { provinceCode: '86', dryRun, at: t.clock.now(), actorName: 'Quản trị viên thử', mappings });
  const ticket = async (code: string): Promise<TicketBody> => (await t.http().get(`/api/tickets/${code}`).set(bearer(coord)).expect(200)).body;
  const snapshot = async () => ({
    tickets: await t.ds.query(`SELECT code, status, assigned_unit_code, area_code, version FROM tickets ORDER BY code`),
    events: await t.ds.query(`SELECT count(*)::int AS n FROM ticket_events`),
    units: await t.ds.query(`SELECT code, name, level, active, parent_code, area_code, merged_into_code FROM units ORDER BY code`),
    areas: await t.ds.query(`SELECT code, name, level, parent_code FROM areas ORDER BY code`),
    rules: await t.ds.query(`SELECT category_code, area_code, unit_code, to_commune_committee FROM routing_rules ORDER BY category_code, area_code NULLS FIRST`),
    successions: await t.ds.query(`SELECT old_code, new_code FROM area_successions ORDER BY 1, 2`),
    names: await t.ds.query(`SELECT unit_code, name FROM unit_names ORDER BY 1, 2`),
    audit: await t.ds.query(`SELECT count(*)::int AS n FROM audit_entries`),
    users: await t.ds.query(`SELECT username, unit_code FROM users ORDER BY username`),
  });
  const overdueUnits = async (date: string): Promise<string[]> =>
    ((await t.http().get('/api/reports/daily').query({ date }).set(bearer(leader)).expect(200)).body.overdueUnits as Array<{ unitName: string }>).map((u) => u.unitName);

  beforeAll(async () => {
    const built = build();
    t = await startTestApp({ now: '2025-07-01T08:00:00+07:00', env: { REPORT_OPERATION_START: '2025-06-01T16:00:00+07:00', TOKEN_TTL_HOURS: '720' } });
    [admin, op, coord, leader] = await tokensFor(t, ['admin', 'operator', 'coordinator', 'leader']);
    await t.userToken('unit_staff', 'UB-29401', 'canbo.hoaloi');
    // an admin's rules on the 2021 map: one keyed on a commune, one on a district (to a provincial unit)
    for (const rule of [{ categoryCode: 'KHAC', areaCode: '29401', unitCode: 'SO-CT' }, { categoryCode: 'AN-NINH', areaCode: '848', unitCode: 'SO-GDDT' }]) {
      await t.http().post('/api/routing-rules').set(bearer(admin)).send(rule).expect(201);
    }
    const late = { received_at: vn('2025-06-20 08:00'), due_at: vn('2025-06-25 08:00') };
    const rows: Row[] = [
      { code: 'RG-OPEN', area_code: '29401', category_code: 'AN-SINH', unit_code: 'UB-29401', ...late },
      { code: 'RG-PROG', area_code: '29401', category_code: 'AN-SINH', unit_code: 'UB-29401', status: 'in_progress', ...late },
      { code: 'RG-DONE', area_code: '29401', category_code: 'AN-SINH', unit_code: 'UB-29401', status: 'closed', resolved_at: vn('2025-06-22 08:00'), resolution: 'Đã hỗ trợ.', ...late },
      { code: 'RG-SPLIT', area_code: '29404', category_code: 'AN-SINH', unit_code: 'UB-29404', ...late },
      { code: 'RG-DIST1', area_code: '29401', category_code: 'Y-TE', unit_code: 'YT-847', status: 'in_progress', ...late },
      { code: 'RG-DIST2', area_code: '29416', category_code: 'KHAC', unit_code: 'VP-848', ...late },
      { code: 'RG-RENAMED', area_code: '29497', category_code: 'AN-SINH', unit_code: 'UB-29497', ...late },
      { code: 'RG-POLICE', area_code: '29242', category_code: 'AN-NINH', unit_code: 'CA-TINH', ...late },
    ].map((r) => ({ channel: 'hotline', reporter_name: 'Công dân', content: `Phản ánh ${r.code}`, ...r }));
    const res = await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(toCsv(rows));
    expect([res.status, res.body]).toEqual([201, { imported: rows.length }]);
    await built;
  }, 180_000);
  afterAll(() => t?.close());

  it('the dry run through the CLI prints what would move per unit and changes nothing', async () => {
    const before = await snapshot();
    const out = await runCli(['reorganise-2025', '--province', '86', '--dry-run'], { DATABASE_URL: t.databaseUrl });
    expect([out.code, out.stderr]).toEqual([0, expect.not.stringMatching(/Error|error/)]);
    const lines = out.stdout.split('\n');
    // the package's mapping: Phước Hảo goes whole into Hưng Mỹ there
    expect(lines).toEqual(expect.arrayContaining([
      'UBND xã Hòa Lợi (UB-29401) → UBND xã Hưng Mỹ (UB-29407): 2 phản ánh đang xử lý, 1 tài khoản',
      'UBND xã Phước Hảo (UB-29404) → UBND xã Hưng Mỹ (UB-29407): 1 phản ánh đang xử lý',
      'Sở Lao động - Thương binh và Xã hội (SO-LDTBXH) → Sở Nội vụ (SO-NV): 0 phản ánh đang xử lý',
      'Sở Thông tin và Truyền thông (SO-TTTT) → Sở Khoa học và Công nghệ (SO-KHCN): 0 phản ánh đang xử lý, 1 quy tắc phân công',
      'Phòng Y tế huyện Châu Thành (YT-847) → điều phối viên (huyện không còn là cấp hành chính): 1 phản ánh đang xử lý',
      'Văn phòng HĐND và UBND huyện Cầu Ngang (VP-848) → điều phối viên (huyện không còn là cấp hành chính): 1 phản ánh đang xử lý',
      'UBND xã Đôn Xuân (UB-29497) đổi tên thành UBND xã Đôn Châu',
    ]));
    expect(lines.find((l) => l.startsWith('Chạy thử (không thay đổi gì):'))).toMatch(/về điều phối viên 2;/);
    expect(await snapshot()).toEqual(before);
  }, 90_000);

  it('moves open tickets with unit_merged, keeps closed ones, sends split-commune and district tickets to the coordinator', async () => {
    first = await run();
    expect(first.changed).toBe(true);
    expect(first.counts).toMatchObject({ areasAdded: 125 - 41, areasUpdated: 41, ticketsMoved: 2, ticketsToCoordinator: 3 });

    for (const code of ['RG-OPEN', 'RG-PROG']) {
      const tk = await ticket(code);
      expect([tk.status, tk.assignedUnit?.code, tk.area?.code]).toEqual([code === 'RG-OPEN' ? 'assigned' : 'in_progress', 'UB-29407', '29401']);
      expect(tk.events.at(-1)).toMatchObject({ type: 'unit_merged', note: 'Sáp nhập UBND xã Hòa Lợi vào UBND xã Hưng Mỹ' });
    }
    const done = await ticket('RG-DONE');
    expect([done.status, done.assignedUnit?.code]).toEqual(['closed', 'UB-29401']);
    expect(done.events.map((e) => e.type)).not.toContain('unit_merged');

    const split = await ticket('RG-SPLIT');
    expect([split.status, split.assignedUnit, split.area?.code]).toEqual(['received', null, '29404']);
    expect(split.events.at(-1)).toMatchObject({
      type: 'returned', note: 'Xã Phước Hảo được chia cho Xã Hưng Mỹ, Xã Song Lộc từ 01/07/2025; chờ điều phối viên chọn đơn vị xử lý',
      data: { reason: 'commune_split', candidates: ['29407', '29386'] },
    });
    for (const code of ['RG-DIST1', 'RG-DIST2']) {
      const tk = await ticket(code);
      expect([tk.status, tk.assignedUnit]).toEqual(['received', null]);
      expect(tk.events.at(-1)).toMatchObject({ type: 'returned', note: DISTRICT_ABOLISHED_NOTE, data: { reason: 'district_abolished' } });
    }
    // the coordinators' "returned" view holds them
    const queue = await t.http().get('/api/tickets').query({ status: 'received' }).set(bearer(coord)).expect(200);
    expect((queue.body.items as Array<{ code: string }>).map((x) => x.code).sort()).toEqual(['RG-DIST1', 'RG-DIST2', 'RG-SPLIT']);

    const units = await t.ds.query(`SELECT code, name, active, merged_into_code, parent_code FROM units WHERE code IN ('UB-29401', 'UB-29404', 'VP-848', 'YT-847', 'UB-29497', 'SO-LDTBXH', 'SO-NV', 'UB-28756') ORDER BY code`);
    expect(units).toEqual([
      { code: 'SO-LDTBXH', name: 'Sở Lao động - Thương binh và Xã hội', active: false, merged_into_code: 'SO-NV', parent_code: null },
      { code: 'SO-NV', name: 'Sở Nội vụ', active: true, merged_into_code: null, parent_code: null },
      { code: 'UB-28756', name: 'UBND phường Phú Khương', active: true, merged_into_code: null, parent_code: null },
      { code: 'UB-29401', name: 'UBND xã Hòa Lợi', active: false, merged_into_code: 'UB-29407', parent_code: null },
      { code: 'UB-29404', name: 'UBND xã Phước Hảo', active: false, merged_into_code: null, parent_code: null },
      { code: 'UB-29497', name: 'UBND xã Đôn Châu', active: true, merged_into_code: null, parent_code: null },
      { code: 'VP-848', name: 'Văn phòng HĐND và UBND huyện Cầu Ngang', active: false, merged_into_code: null, parent_code: null },
      { code: 'YT-847', name: 'Phòng Y tế huyện Châu Thành', active: false, merged_into_code: null, parent_code: null },
    ]);
    // the unit's account went with it; the successions and the former name are kept; one audit entry
    expect(await t.ds.query(`SELECT unit_code FROM users WHERE username = 'canbo.hoaloi'`)).toEqual([{ unit_code: 'UB-29407' }]);
    expect(await t.ds.query(`SELECT new_code FROM area_successions WHERE old_code IN ('29401', '29404', '84') ORDER BY old_code, new_code`))
      .toEqual([{ new_code: '29407' }, { new_code: '29386' }, { new_code: '29407' }, { new_code: '86' }]);
    expect(await t.ds.query(`SELECT name, valid_to FROM unit_names WHERE unit_code = 'UB-29497'`)).toEqual([{ name: 'UBND xã Đôn Xuân', valid_to: t.clock.now() }]);
    const audit = await t.ds.query(`SELECT actor_name, subject_id, after->'counts'->>'ticketsMoved' AS moved FROM audit_entries WHERE action = 'directory.reorganise_2025'`);
    expect(audit).toEqual([{ actor_name: 'Quản trị viên thử', subject_id: '86', moved: '2' }]);
    // the commune's rule moved to its successor; the district's went to the communes that succeeded its communes
    expect(await t.ds.query(`SELECT area_code, unit_code FROM routing_rules WHERE category_code = 'KHAC' AND area_code IS NOT NULL`))
      .toEqual([{ area_code: '29407', unit_code: 'SO-CT' }]);
    const cauNgang = [...new Set(mappings.filter((m) => m.oldDistrictName === 'Huyện Cầu Ngang').map((m) => m.newCode))].sort();
    expect(cauNgang.length).toBeGreaterThan(3);
    expect(await t.ds.query(`SELECT area_code, unit_code FROM routing_rules WHERE category_code = 'AN-NINH' AND area_code IS NOT NULL ORDER BY area_code`))
      .toEqual(cauNgang.map((area_code) => ({ area_code, unit_code: 'SO-GDDT' })));
    // every ticket keeps the area it was received in
    expect(await t.ds.query(`SELECT code, area_code FROM tickets WHERE code LIKE 'RG-%' ORDER BY code`)).toEqual([
      ['RG-DIST1', '29401'], ['RG-DIST2', '29416'], ['RG-DONE', '29401'], ['RG-OPEN', '29401'], ['RG-POLICE', '29242'],
      ['RG-PROG', '29401'], ['RG-RENAMED', '29497'], ['RG-SPLIT', '29404'],
    ].map(([code, area]) => ({ code, area_code: area })));
  });

  it('a second run changes nothing', async () => {
    const before = await snapshot();
    const again = await run();
    expect(again.changed).toBe(false);
    expect(again.lines).toEqual(['Không có gì thay đổi: cơ sở dữ liệu đã theo danh sách đơn vị hành chính 2025.']);
    expect(await snapshot()).toEqual(before);
  });

  it('routes a new ticket of a new commune to its committee; health matters to Sở Y tế (no district rule left)', async () => {
    const post = (body: object) => t.http().post('/api/tickets').set(bearer(op))
      .send({ channel: 'hotline', reporterName: 'Trần Thị Lan', content: 'Phản ánh sau sắp xếp đơn vị hành chính.', ...body }).expect(201);
    const routed = async (categoryCode: string, areaCode: string) => (await post({ categoryCode, areaCode })).body.assignedUnit?.code;
    expect(await routed('AN-SINH', '28756')).toBe('UB-28756');
    expect(await routed('AN-SINH', '29407')).toBe('UB-29407');
    expect(await routed('Y-TE', '29407')).toBe('SO-YTE');
    expect(await t.ds.query(`SELECT count(*)::int AS n FROM routing_rules r JOIN areas a ON a.code = r.area_code WHERE a.level = 'district'`)).toEqual([{ n: 0 }]);
    // the pickers (web form, console, coordination, list filter) offer the new communes only: no 2021 commune that went
    // into another, no district left with one
    const groups = await t.app.get(DirectoryService).communeGroups();
    const offered = groups.flatMap((g) => g.communes.map((c) => c.code));
    expect(groups.find((g) => g.code === '86')?.communes).toHaveLength(124);
    expect(offered).not.toContain('29401');
    expect(offered).toContain('29407');
    expect(groups.filter((g) => g.level === 'district')).toEqual([]);
  });

  it('the list filtered by a new commune finds the tickets of the old communes that became part of it', async () => {
    const list = async (area: string) => ((await t.http().get('/api/tickets').query({ area, pageSize: 100 }).set(bearer(coord)).expect(200)).body.items as Array<{ code: string }>)
      .map((x) => x.code).filter((c) => c.startsWith('RG-')).sort();
    expect(await list('29407')).toEqual(['RG-DIST1', 'RG-DONE', 'RG-OPEN', 'RG-PROG', 'RG-SPLIT']);
    expect(await list('29386')).toEqual(['RG-SPLIT']);
    expect(await list('29401')).toEqual(['RG-DIST1', 'RG-DONE', 'RG-OPEN', 'RG-PROG']);
    expect(await list('86')).toHaveLength(8);
  });

  it('a report before the reform names the unit as it was named; after it, the new name', async () => {
    expect(await overdueUnits('2025-06-30')).toEqual(expect.arrayContaining(['UBND xã Đôn Xuân', 'UBND xã Hòa Lợi', 'Phòng Y tế huyện Châu Thành']));
    expect(await overdueUnits('2025-06-30')).not.toContain('UBND xã Đôn Châu');
    t.clock.set('2025-07-02T09:00:00+07:00');
    const after = await overdueUnits('2025-07-01');
    expect(after).toEqual(expect.arrayContaining(['UBND xã Đôn Châu', 'UBND xã Hưng Mỹ']));
    expect(after).not.toContain('UBND xã Đôn Xuân');
    expect(after).not.toContain('UBND xã Hòa Lợi');
  });

  it('a unit renamed by an admin keeps its former name for the reports of earlier instants', async () => {
    t.clock.set('2025-07-03T09:00:00+07:00');
    await t.http().patch('/api/units/CA-TINH').set(bearer(admin)).send({ name: 'Công an tỉnh Vĩnh Long' }).expect(200);
    t.clock.set('2025-07-04T09:00:00+07:00');
    expect(await overdueUnits('2025-07-02')).toContain('Công an tỉnh');
    expect(await overdueUnits('2025-07-02')).not.toContain('Công an tỉnh Vĩnh Long');
    expect(await overdueUnits('2025-07-03')).toContain('Công an tỉnh Vĩnh Long');
    // the per-unit statistics of a period name the unit as it was named at the period's end
    const statistics = async (to: string) => ((await t.http().get('/api/reports/unit-statistics')
      .query({ from: '2025-06-01T00:00:00+07:00', to }).set(bearer(leader)).expect(200)).body.units as Array<{ unitCode: string; unitName: string }>)
      .find((u) => u.unitCode === 'CA-TINH')?.unitName;
    expect(await statistics('2025-07-03T00:00:00+07:00')).toBe('Công an tỉnh');
    expect(await statistics('2025-07-04T00:00:00+07:00')).toBe('Công an tỉnh Vĩnh Long');
  });
});

/**
 * The January 2022 report (shared/reference/1022-report.md) after the reorganisation: its 28 overdue units, of the
 * fixture, each with its printed count of tickets overdue at 16:00 12/01/2022; the report's text is the same after
 * the move to the 2025 map as before it (units renamed since, like UBND xã Đôn Xuân, named as they were then), and
 * its unit lines are the printed ones. The full line-by-line reproduction of every figure lives in
 * report.e2e-spec.ts, whose layout of the 145 tickets is inside that file (not importable without running its tests).
 */
describe('the January 2022 report after the reorganisation', () => {
  let t: TestApp;
  let leader: string;
  const weekly = async () => (await t.http().get('/api/reports/weekly').query({ date: '2022-01-12', format: 'txt' }).set(bearer(leader)).expect(200)).text;
  const unitLines = (text: string) => {
    const lines = text.trimEnd().split('\n');
    return lines.slice(lines.indexOf(UNITS_HEADER) + 1).map((l) => l.replace(/[;.]$/, '')).sort();
  };

  beforeAll(async () => {
    t = await startTestApp({ now: '2022-01-13T09:00:00+07:00', env: { REPORT_OPERATION_START: '2021-12-13T16:00:00+07:00', TOKEN_TTL_HOURS: '720' } });
    const admin = await t.userToken('admin');
    leader = await t.userToken('leader');
    const rows: Row[] = [];
    for (const [name, count, , district] of JANUARY_UNITS) {
      // the district tells namesakes apart (UBND Phường 1 of Thành phố Trà Vinh)
      let found: Array<{ code: string; district: string | null }> = await t.ds.query(
        `SELECT u.code, d.name AS district FROM units u LEFT JOIN areas a ON a.code = u.area_code
           LEFT JOIN areas d ON d.code = CASE a.level WHEN 'commune' THEN a.parent_code WHEN 'district' THEN a.code END
          WHERE u.name = $1`, [name]);
      if (found.length > 1) found = found.filter((u) => u.district === district);
      expect([name, found.length]).toEqual([name, 1]);
      const unit = found[0].code;
      const category = unit === 'SO-YTE' || unit.startsWith('YT-') ? 'Y-TE' : unit.startsWith('UB-') ? 'AN-SINH' : 'KHAC';
      for (let k = 0; k < count; k++) {
        rows.push({
          code: `JR-${rows.length}`, channel: 'hotline', reporter_name: 'Công dân', content: 'Phản ánh tháng 1/2022',
          received_at: new Date(Date.parse('2022-01-05T08:00:00+07:00') + rows.length * 60_000).toISOString(),
          due_at: vn('2022-01-10 08:00'), unit_code: unit, category_code: category,
        });
      }
    }
    expect(rows).toHaveLength(102);
    const res = await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(toCsv(rows));
    expect([res.status, res.body]).toEqual([201, { imported: 102 }]);
  }, 60_000);
  afterAll(() => t?.close());

  it('prints the same text after the move to the 2025 map, its unit lines the printed ones', async () => {
    const before = await weekly();
    const printed = PRINTED_JANUARY_2022.trimEnd().split('\n');
    const printedUnits = printed.slice(printed.indexOf(UNITS_HEADER) + 1).map((l) => l.replace(/[;.]$/, '')).sort();
    expect(unitLines(before)).toEqual(printedUnits);

    t.clock.set('2025-07-01T08:00:00+07:00');
    // no Trà Vinh commune went into Cần Thơ: refused, nothing written
    await expect(reorganise2025(t.ds, t.app.get(UnitChanges), { provinceCode: '92', dryRun: false, at: t.clock.now(), actorName: 'Quản trị viên thử' }))
      .rejects.toThrow('none of the 2021 communes of this database (84 Tỉnh Trà Vinh) went into province 92: nothing to reorganise');
    expect(await t.ds.query(`SELECT count(*)::int AS n FROM areas WHERE code = '92' OR parent_code = '92'`)).toEqual([{ n: 0 }]);
    const result = await reorganise2025(t.ds, t.app.get(UnitChanges), { provinceCode: '86', dryRun: false, at: t.clock.now(), actorName: 'Quản trị viên thử' });
    // the overdue tickets moved on (to the successors' committees, to the coordinators) and units were renamed
    expect(result.counts.ticketsMoved).toBeGreaterThan(20);
    expect(result.counts.ticketsToCoordinator).toBe(3);
    expect(await t.ds.query(`SELECT code, name FROM units WHERE code IN ('UB-29497', 'UB-29242', 'UB-29374') ORDER BY code`)).toEqual([
      { code: 'UB-29242', name: 'UBND phường Trà Vinh' }, { code: 'UB-29374', name: 'UBND xã Châu Thành' }, { code: 'UB-29497', name: 'UBND xã Đôn Châu' },
    ]);

    leader = await t.userToken('leader'); // three years on: a new session
    const after = await weekly();
    expect(after.split('\n')).toEqual(before.split('\n'));
    expect(unitLines(after)).toEqual(printedUnits);
  });
});
