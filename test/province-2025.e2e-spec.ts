import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { FormTokens } from '../src/intake/public/bot-trap.js';
import { DemoDataService } from '../src/demo/demo-data.service.js';
import { DirectoryService } from '../src/directory/directory.service.js';
import { seedDemoUsers } from '../src/users/demo-users.js';
import { launchChromium } from './support/browser.js';
import { startEditionApp } from './support/edition.js';
import { bearer, TEST_PASSWORD, tokensFor, type TestApp } from './support/test-app.js';

/**
 * An installation on the 2025 map (issue 13): an empty database loaded for the province of PROVINCE_CODE, two levels
 * (province → xã, phường, đặc khu), the 2025 departments; tickets over the API and the web form routed to the
 * commune's committee without a district on the way; the search without diacritics, the overdue list and the daily
 * report, each naming the units by their names alone and the report naming the province. Vĩnh Long (86) in full,
 * Cần Thơ (92) for "any of the 34 works the same way".
 */

interface TicketBody {
  code: string; status: string; assignedUnit: { code: string; name: string } | null;
  area: { code: string; name: string; districtName: string | null } | null;
}
interface OverdueList { total: number; units: Array<{ unit: { code: string; name: string } | null; count: number; tickets: Array<{ code: string }> }> }

const MONDAY = '2026-03-02T09:00:00+07:00';
/** A week later, after the cut-off: the AN-SINH tickets (3 working days) of Monday are overdue. */
const NEXT_WEEK = '2026-03-10T17:00:00+07:00';

const count = async (t: TestApp, sql: string): Promise<number> => Number((await t.ds.query(sql))[0].n);

async function staff(t: TestApp) {
  const [op, coord, admin] = await tokensFor(t, ['operator', 'coordinator', 'admin']);
  return { op, coord, admin };
}

function ticket(t: TestApp, token: string, body: Record<string, unknown>) {
  return t.http().post('/api/tickets').set(bearer(token))
    .send({ channel: 'hotline', reporterName: 'Nguyễn Văn Phúc', reporterPhone: '0987654321', content: 'Gia đình tôi chưa nhận được hỗ trợ lương thực.', ...body });
}

/** The web form's commune list: each optgroup's label and its options. */
function formGroups(html: string) {
  const select = /<select id="areaCode"[^>]*>([\s\S]*?)<\/select>/.exec(html)![1];
  return [...select.matchAll(/<optgroup label="([^"]+)">([\s\S]*?)<\/optgroup>/g)].map((g) => ({
    label: g[1], communes: [...g[2].matchAll(/<option value="(\d+)">([^<]+)<\/option>/g)].map((o) => ({ code: o[1], name: o[2] })),
  }));
}

async function postWebForm(t: TestApp, areaCode: string, categoryCode: string): Promise<string> {
  const res = await t.http().post('/gui-phan-anh').type('form').send({
    fullName: 'Phạm Văn Năm', phone: '0911222333', email: '', areaCode, categoryCode, address: '',
    content: `Chưa nhận được hỗ trợ lương thực (${areaCode}).`, website: '', ts: t.app.get(FormTokens).issue(Date.now() - 3000),
  });
  expect(res.status).toBe(303);
  return new URL(res.headers.location, 'http://x').searchParams.get('ma')!;
}

describe('a 2025 installation for Vĩnh Long (PROVINCE_CODE=86)', () => {
  let t: TestApp;
  let k: Awaited<ReturnType<typeof staff>>;
  const codes: Record<string, string> = {};

  beforeAll(async () => {
    t = await startEditionApp({ edition: '2025', provinceCode: '86' }, { now: MONDAY });
    k = await staff(t);
  });
  afterAll(() => t?.close());

  it('is loaded with the province, its 124 communes directly under it, their committees and the 2025 departments', async () => {
    expect(await t.ds.query(`SELECT level, count(*)::int AS n FROM areas GROUP BY level ORDER BY level`)).toEqual([{ level: 'commune', n: 124 }, { level: 'province', n: 1 }]);
    expect(await t.ds.query(`SELECT code, name, kind FROM areas WHERE level = 'province'`)).toEqual([{ code: '86', name: 'Tỉnh Vĩnh Long', kind: 'Tỉnh' }]);
    expect(await count(t, `SELECT count(*)::int AS n FROM areas WHERE level = 'commune' AND parent_code <> '86'`)).toBe(0);
    expect(await t.ds.query(`SELECT kind, count(*)::int AS n FROM areas WHERE level = 'commune' GROUP BY kind ORDER BY kind`)).toEqual([{ kind: 'Phường', n: 19 }, { kind: 'Xã', n: 105 }]);
    // a committee for each commune, none for a district (there is none)
    expect(await count(t, `SELECT count(*)::int AS n FROM areas a WHERE a.level = 'commune' AND NOT EXISTS (SELECT 1 FROM units u WHERE u.area_code = a.code AND u.level = 'commune')`)).toBe(0);
    expect(await count(t, `SELECT count(*)::int AS n FROM units WHERE level = 'district'`)).toBe(0);
    const units = (await t.http().get('/api/units').set(bearer(k.admin)).expect(200)).body as Array<{ code: string; name: string; displayName: string; level: string }>;
    expect(units).toHaveLength(13 + 124);
    expect(units.find((u) => u.code === 'UB-29407')).toMatchObject({ name: 'UBND xã Hưng Mỹ', displayName: 'UBND xã Hưng Mỹ', level: 'commune' });
    expect(units.find((u) => u.code === 'UB-29551')).toMatchObject({ name: 'UBND phường Long Châu', displayName: 'UBND phường Long Châu' });
    expect(units.filter((u) => u.level === 'province').map((u) => u.name).sort()).toEqual([
      'Công an tỉnh', 'Sở Công Thương', 'Sở Giáo dục và Đào tạo', 'Sở Khoa học và Công nghệ', 'Sở Nông nghiệp và Môi trường', 'Sở Nội vụ',
      'Sở Tài chính', 'Sở Tư pháp', 'Sở Văn hóa, Thể thao và Du lịch', 'Sở Xây dựng', 'Sở Y tế', 'Thanh tra tỉnh', 'Văn phòng UBND tỉnh',
    ].sort());
    // the 2021 categories, the rules province-wide
    expect((await t.http().get('/api/categories').set(bearer(k.admin)).expect(200)).body.map((c: { code: string }) => c.code).sort())
      .toEqual(['AN-NINH', 'AN-SINH', 'DI-LAI', 'KHAC', 'THONG-TIN', 'TIEM-CHUNG', 'XET-NGHIEM', 'Y-TE']);
    expect(await count(t, `SELECT count(*)::int AS n FROM routing_rules WHERE area_code IS NOT NULL`)).toBe(0);
    expect(await count(t, `SELECT count(*)::int AS n FROM routing_rules`)).toBe(7);
    // the pickers' groups: one, the province's
    expect((await t.app.get(DirectoryService).communeGroups()).map((g) => [g.code, g.name, g.level, g.communes.length])).toEqual([['86', 'Tỉnh Vĩnh Long', 'province', 124]]);
    // no 2021 commune is left
    expect(await count(t, `SELECT count(*)::int AS n FROM areas WHERE code IN ('84', '847', '29401')`)).toBe(0);
  });

  it('routes a ticket of the API to the committee of its commune, and refuses a 2021 commune code', async () => {
    const res = await ticket(t, k.op, { categoryCode: 'AN-SINH', areaCode: '29407' });
    expect(res.status).toBe(201);
    const body = res.body as TicketBody;
    expect([body.status, body.assignedUnit]).toEqual(['assigned', expect.objectContaining({ code: 'UB-29407', name: 'UBND xã Hưng Mỹ' })]);
    expect(body.area).toEqual({ code: '29407', name: 'Xã Hưng Mỹ', districtName: null });
    codes.api = body.code;
    // a province-wide rule to a department
    const health = (await ticket(t, k.op, { categoryCode: 'Y-TE', areaCode: '29551', content: 'Trạm y tế phường đóng cửa giờ hành chính.' }).expect(201)).body as TicketBody;
    expect(health.assignedUnit?.code).toBe('SO-YTE');
    const old = await ticket(t, k.op, { categoryCode: 'AN-SINH', areaCode: '29401' });
    expect(old.status).toBe(400);
    expect(old.body.errors).toEqual([expect.objectContaining({ field: 'areaCode' })]);
  });

  it('offers the province\'s communes in one group on the web form, and routes its report to the commune\'s committee', async () => {
    const form = await t.http().get('/gui-phan-anh').expect(200);
    expect(form.text).toContain('Tổng đài 1022 Vĩnh Long');
    const groups = formGroups(form.text);
    expect(groups.map((g) => [g.label, g.communes.length])).toEqual([['Tỉnh Vĩnh Long', 124]]);
    expect(groups[0].communes).toContainEqual({ code: '29551', name: 'Phường Long Châu' });
    const code = await postWebForm(t, '29551', 'AN-SINH');
    expect(await t.ds.query(`SELECT channel, area_code, assigned_unit_code, status FROM tickets WHERE code = $1`, [code]))
      .toEqual([{ channel: 'web', area_code: '29551', assigned_unit_code: 'UB-29551', status: 'assigned' }]);
    codes.web = code;
  });

  it('finds a commune\'s committee typed without diacritics', async () => {
    const found = (await t.http().get('/api/units').query({ q: 'ubnd xa hung my' }).set(bearer(k.op)).expect(200)).body as Array<{ code: string; displayName: string }>;
    expect(found.map((u) => [u.code, u.displayName])).toEqual([['UB-29407', 'UBND xã Hưng Mỹ']]);
    const wards = (await t.http().get('/api/units').query({ q: 'phuong long chau' }).set(bearer(k.op)).expect(200)).body as Array<{ code: string }>;
    expect(wards.map((u) => u.code)).toEqual(['UB-29551']);
  });

  it('offers the communes without districts on the staff pages: the operator\'s console, the coordinator\'s area choice and the list\'s filter', async () => {
    const session = async (role: 'operator' | 'coordinator' | 'admin', username: string) => {
      await t.userToken(role, null, username);
      const res = await t.http().post('/dang-nhap').type('form').send({ username, password: TEST_PASSWORD }).expect(303);
      return (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('tongdai1022_phien='))!.split(';')[0];
    };
    const [opCookie, coordCookie] = await Promise.all([session('operator', 'tongdai.vinhlong'), session('coordinator', 'dieuphoi.vinhlong')]);
    const groupsOf = (html: string, selectId: string) => {
      const select = new RegExp(`<select id="${selectId}"[^>]*>([\\s\\S]*?)</select>`).exec(html)![1];
      return [...select.matchAll(/<optgroup label="([^"]+)">([\s\S]*?)<\/optgroup>/g)]
        .map((g) => ({ label: g[1], options: [...g[2].matchAll(/<option value="(\d+)"[^>]*>([^<]+)<\/option>/g)].map((o) => [o[1], o[2]]) }));
    };
    // the console: one group, each commune named alone (on 2021: "Xã Hòa Lợi — huyện Châu Thành")
    const console = groupsOf((await t.http().get('/tong-dai').set('Cookie', opCookie).expect(200)).text, 'areaCode');
    expect(console.map((g) => [g.label, g.options.length])).toEqual([['Tỉnh Vĩnh Long', 124]]);
    expect(console[0].options).toContainEqual(['29407', 'Xã Hưng Mỹ']);
    // the list's area filter
    const list = (await t.http().get('/tickets').set('Cookie', coordCookie).expect(200)).text;
    expect(list).toContain('<optgroup label="Tỉnh Vĩnh Long">');
    expect(list).toMatch(/<option value="29407"[^>]*>Xã Hưng Mỹ<\/option>/);
    // the coordinator's classify-and-assign page: the communes without a "whole district" choice
    const page = (await t.http().get(`/dieu-phoi/phan-anh/${codes.api}`).set('Cookie', coordCookie).expect(200)).text;
    expect(page).toMatch(/<option value="29407"[^>]*>Xã Hưng Mỹ<\/option>/);
    expect(page).not.toContain('Toàn ');
    // the admin's routing page: its commune pickers and its tester offer the province's communes
    const adminCookie = await session('admin', 'quantri.vinhlong');
    const routing = (await t.http().get('/quan-tri/phan-cong').set('Cookie', adminCookie).expect(200)).text;
    expect(routing).toContain('<optgroup label="Tỉnh Vĩnh Long">');
    expect(routing).toMatch(/<option value="29407"[^>]*>Xã Hưng Mỹ<\/option>/);
  });

  it('lists the overdue tickets by commune committee, and the daily report names the province and the committees', async () => {
    t.clock.set(NEXT_WEEK);
    // the tokens of a week ago have expired
    const [coord, leader] = await tokensFor(t, ['coordinator', 'leader']);
    const overdue = (await t.http().get('/api/overdue').set(bearer(coord)).expect(200)).body as OverdueList;
    const byUnit = Object.fromEntries(overdue.units.map((u) => [u.unit?.code ?? '-', { name: u.unit?.name, codes: u.tickets.map((x) => x.code) }]));
    expect(byUnit['UB-29407']).toEqual({ name: 'UBND xã Hưng Mỹ', codes: [codes.api] });
    expect(byUnit['UB-29551']).toEqual({ name: 'UBND phường Long Châu', codes: [codes.web] });

    const res = await t.http().get('/api/reports/daily').query({ date: '2026-03-10', format: 'txt' }).set(bearer(leader)).expect(200);
    const lines = res.text.split('\n');
    expect(lines[0]).toBe('- App công dân 1022 Vĩnh Long:');
    expect(lines).toContain('+ UBND phường Long Châu: 1;');
    expect(lines).toContain('+ UBND xã Hưng Mỹ: 1.');
    expect(res.text).not.toMatch(/\(huyện|\(thành phố|\(thị xã|Trà Vinh/);
  });

  describe('the web form\'s commune picker in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
      await t.app.listen(0, '127.0.0.1');
    }, 60_000);
    afterAll(() => browser?.close());

    it('is one list of the province\'s communes, no district to choose first', async () => {
      const page = await browser.newPage();
      try {
        const port = (t.app.getHttpServer().address() as AddressInfo).port;
        await page.goto(`http://127.0.0.1:${port}/gui-phan-anh`);
        expect(await page.locator('#district').count()).toBe(0);
        const area = page.locator('#areaCode');
        expect(await area.isEnabled()).toBe(true);
        await area.selectOption('29407');
        expect(await area.inputValue()).toBe('29407');
        expect(await page.locator('#areaCode option').count()).toBe(125);
      } finally {
        await page.close();
      }
    });
  });
});

describe('a 2025 installation for Cần Thơ (PROVINCE_CODE=92)', () => {
  let t: TestApp;
  let k: Awaited<ReturnType<typeof staff>>;

  beforeAll(async () => {
    t = await startEditionApp({ edition: '2025', provinceCode: '92' }, { now: MONDAY });
    k = await staff(t);
  });
  afterAll(() => t?.close());

  it('loads the demo accounts and data of `npm start` without error: those of 2021 communes are skipped', async () => {
    await seedDemoUsers(t.ds);
    const users: Array<{ username: string }> = await t.ds.query(`SELECT username FROM users WHERE username IN ('admin', 'soyte', 'hoaloi', 'lanhdao-chauthanh') ORDER BY username`);
    expect(users.map((u) => u.username)).toEqual(['admin', 'soyte']);
    await t.app.get(DemoDataService).seedIfEmpty();
    expect(await count(t, 'SELECT count(*)::int AS n FROM tickets')).toBe(0);
  });

  it('is loaded with the city and its communes, routes to a commune committee, and its report names Cần Thơ', async () => {
    expect(await t.ds.query(`SELECT code, name, kind FROM areas WHERE level = 'province'`)).toEqual([{ code: '92', name: 'Thành phố Cần Thơ', kind: 'Thành phố' }]);
    const communes: Array<{ code: string; name: string }> = await t.ds.query(`SELECT code, name FROM areas WHERE level = 'commune' AND parent_code = '92' ORDER BY code`);
    expect(communes).toHaveLength(103);
    expect(await count(t, `SELECT count(*)::int AS n FROM units WHERE level = 'commune'`)).toBe(103);
    expect(await count(t, `SELECT count(*)::int AS n FROM units WHERE name IN ('Công an thành phố', 'Văn phòng UBND thành phố', 'Thanh tra thành phố')`)).toBe(3);

    const commune = communes.find((c) => c.name.startsWith('Xã '))!;
    const committee = `UBND xã ${commune.name.slice(3)}`;
    const res = (await ticket(t, k.op, { categoryCode: 'TIEM-CHUNG', areaCode: commune.code }).expect(201)).body as TicketBody;
    expect(res.assignedUnit).toEqual(expect.objectContaining({ code: `UB-${commune.code}`, name: committee }));
    const ward = communes.find((c) => c.name.startsWith('Phường '))!;
    const web = await postWebForm(t, ward.code, 'AN-SINH');
    expect((await t.ds.query(`SELECT assigned_unit_code FROM tickets WHERE code = $1`, [web]))[0].assigned_unit_code).toBe(`UB-${ward.code}`);
    expect(formGroups((await t.http().get('/gui-phan-anh').expect(200)).text).map((g) => [g.label, g.communes.length])).toEqual([['Thành phố Cần Thơ', 103]]);

    t.clock.set(NEXT_WEEK);
    const [coord, admin] = await tokensFor(t, ['coordinator', 'admin']);
    const overdue = (await t.http().get('/api/overdue').set(bearer(coord)).expect(200)).body as OverdueList;
    expect(overdue.units.map((u) => u.unit?.name).sort()).toEqual([committee, `UBND phường ${ward.name.slice(7)}`].sort());
    const report = await t.http().get('/api/reports/daily').query({ date: '2026-03-10', format: 'txt' }).set(bearer(admin)).expect(200);
    expect(report.text.split('\n')[0]).toBe('- App công dân 1022 Cần Thơ:');
    expect(report.text).toContain(`+ ${committee}: 1`);
  });
});
