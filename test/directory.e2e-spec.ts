import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { bearer, startTestAppWith, type TestApp } from './support/test-app.js';

/**
 * The directory (issue 2, §2 and §6): areas, handling units with reorganisation (rename, deactivate, merge),
 * categories, and the admin API over them. Every test makes the data it changes; the seeded reference data
 * (116 areas of Trà Vinh, 132 units, 8 categories) is only read, except where a test says otherwise.
 */

interface CsvRow {
  province_code: string; province_name: string; district_code: string; district_name: string;
  commune_code: string; commune_kind: string; commune_name: string;
}
const CSV: CsvRow[] = parse(readFileSync(join(process.cwd(), 'data/seed/tra-vinh-administrative-units-2021.csv'), 'utf8'), {
  columns: true, skip_empty_lines: true, trim: true,
});

interface UnitBody {
  code: string; name: string; displayName: string; level: string; parentCode: string | null; areaCode: string | null;
  active: boolean; emails: string[]; mergedIntoCode: string | null;
}
interface Problem { field: string; reason: string }
interface EventBody { type: string; fromStatus: string | null; toStatus: string | null; fromUnit: { code: string } | null; toUnit: { code: string; name: string } | null }

const NON_ASCII = /[^\x00-\x7F]/;
let seq = 0;
/** A unit or category code of this test run (the database is the file's own, so codes only need to differ within it). */
const code = (prefix: string) => `${prefix}-${++seq}`;

describe('directory (areas, units, categories) end to end', () => {
  let t: TestApp;
  let admin: string, op: string, coord: string;

  beforeAll(async () => {
    ({ t, tokens: [admin, op, coord] } = await startTestAppWith(['admin', 'operator', 'coordinator']));
  });
  afterAll(() => t.close());

  const get = (url: string, token = op) => t.http().get(url).set(bearer(token));
  const post = (url: string, body: object, token = admin) => t.http().post(url).set(bearer(token)).send(body);
  const patch = (url: string, body: object, token = admin) => t.http().patch(url).set(bearer(token)).send(body);
  const units = async (query: Record<string, string> = {}): Promise<UnitBody[]> => (await get('/api/units').query(query).expect(200)).body;
  const fields = (body: { errors?: Problem[] }) => (body.errors ?? []).map((e) => e.field).sort();

  function expectProblems(body: { code: string; message: string; errors: Problem[] }, expected: string[]) {
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.message).toMatch(NON_ASCII);
    expect([...new Set(fields(body))]).toEqual([...expected].sort());
    for (const e of body.errors) expect(e.reason).toMatch(NON_ASCII);
  }

  async function createUnit(over: Partial<UnitBody> = {}): Promise<UnitBody> {
    const res = await post('/api/units', { code: code('T-DV'), name: `Đơn vị thử nghiệm ${seq}`, level: 'province', ...over });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function createTicket(body: Record<string, unknown>) {
    const res = await post('/api/tickets', { channel: 'hotline', reporterName: 'Trần Thị Bích', content: 'Phản ánh để thử sáp nhập đơn vị.', ...body }, op);
    expect(res.status).toBe(201);
    return res.body as { code: string; status: string; assignedUnit: { code: string; name: string } | null; receivedAt: string; dueAt: string };
  }

  /** A category of its own with a province-wide rule to `unitCode`, so tickets of it land there. */
  async function categoryRoutedTo(unitCode: string): Promise<string> {
    const cat = code('T-LV');
    await post('/api/categories', { code: cat, name: `Lĩnh vực thử ${cat}`, deadlineHours: 48 }).expect(201);
    await post('/api/routing-rules', { categoryCode: cat, areaCode: null, unitCode }).expect(201);
    return cat;
  }

  describe('areas', () => {
    it('has the province at the top, its districts below and the communes of Châu Thành under 847', async () => {
      const top = await get('/api/areas').expect(200);
      expect(top.body).toEqual([{ code: '84', name: 'Tỉnh Trà Vinh', level: 'province', kind: 'Tỉnh', parentCode: null }]);

      const districts = await get('/api/areas').query({ parentCode: '84' }).expect(200);
      expect(districts.body).toHaveLength(9);
      expect(districts.body).toEqual(expect.arrayContaining([
        { code: '842', name: 'Thành phố Trà Vinh', level: 'district', kind: 'Thành phố', parentCode: '84' },
        { code: '847', name: 'Huyện Châu Thành', level: 'district', kind: 'Huyện', parentCode: '84' },
        { code: '851', name: 'Thị xã Duyên Hải', level: 'district', kind: 'Thị xã', parentCode: '84' },
      ]));

      const communes = await get('/api/areas').query({ parentCode: '847' }).expect(200);
      const expected = CSV.filter((r) => r.district_code === '847');
      expect(expected).toHaveLength(14);
      expect(communes.body).toEqual(expected.map((r) => ({ code: r.commune_code, name: r.commune_name, level: 'commune', kind: r.commune_kind, parentCode: '847' })));
      expect(communes.body).toEqual(expect.arrayContaining([
        { code: '29374', name: 'Thị trấn Châu Thành', level: 'commune', kind: 'Thị trấn', parentCode: '847' },
        { code: '29401', name: 'Xã Hòa Lợi', level: 'commune', kind: 'Xã', parentCode: '847' },
      ]));
    });

    it('walks the whole tree: 1 province, 9 districts, every commune of the GSO file with its official code', async () => {
      const seen: Array<{ code: string; level: string; parentCode: string | null }> = [];
      const walk = async (parentCode?: string) => {
        const res = await get('/api/areas').query(parentCode ? { parentCode } : {}).expect(200);
        for (const a of res.body) {
          seen.push(a);
          if (a.level !== 'commune') await walk(a.code);
        }
      };
      await walk();
      expect(seen).toHaveLength(116);
      expect(seen.filter((a) => a.level === 'province')).toHaveLength(1);
      expect(seen.filter((a) => a.level === 'district').map((a) => a.code).sort()).toEqual([...new Set(CSV.map((r) => r.district_code))].sort());
      const communes = seen.filter((a) => a.level === 'commune');
      expect(communes.map((a) => `${a.parentCode}/${a.code}`).sort()).toEqual(CSV.map((r) => `${r.district_code}/${r.commune_code}`).sort());
      // codes are the official GSO ones: 2 digits province, 3 digits district, 5 digits commune
      expect(seen.every((a) => ({ province: /^\d{2}$/, district: /^\d{3}$/, commune: /^\d{5}$/ })[a.level as 'province']!.test(a.code))).toBe(true);
    });

    it('a commune has no children; an unknown query field is refused; no token answers 401', async () => {
      await get('/api/areas').query({ parentCode: '29401' }).expect(200, []);
      const bad = await get('/api/areas').query({ parent: '847' }).expect(400);
      expectProblems(bad.body, ['parent']);
      const anon = await t.http().get('/api/areas').expect(401);
      expect(anon.body.message).toMatch(NON_ASCII);
    });
  });

  describe('units (reference data)', () => {
    it('lists the provincial departments, district offices and commune committees with their shape', async () => {
      const all = await units();
      const byName = (name: string) => all.filter((u) => u.name === name);
      for (const name of ['Văn phòng UBND tỉnh', 'Sở Y tế', 'Sở Lao động - Thương binh và Xã hội', 'Sở Thông tin và Truyền thông', 'Công an tỉnh']) {
        expect(byName(name)).toEqual([expect.objectContaining({ name, displayName: name, level: 'province', parentCode: null, areaCode: '84', active: true })]);
      }
      expect(byName('Văn phòng HĐND và UBND huyện Duyên Hải')).toEqual([expect.objectContaining({ level: 'district', areaCode: '850', parentCode: null, active: true })]);
      const officeCauNgang = all.find((u) => u.level === 'district' && u.areaCode === '848' && u.parentCode === null)!;
      expect(officeCauNgang.name).toBe('Văn phòng HĐND và UBND huyện Cầu Ngang');
      expect(byName('Phòng Y tế huyện Cầu Ngang')).toEqual([expect.objectContaining({ level: 'district', areaCode: '848', parentCode: officeCauNgang.code })]);
      expect(byName('Văn phòng HĐND và UBND thị xã Duyên Hải')).toEqual([expect.objectContaining({ areaCode: '851' })]);
      expect(byName('UBND xã Hòa Lợi')).toEqual([expect.objectContaining({ level: 'commune', areaCode: '29401', displayName: 'UBND xã Hòa Lợi' })]);
      expect(byName('UBND Phường 3')).toEqual([expect.objectContaining({ level: 'commune', areaCode: '29242' })]);
      expect(byName('UBND Thị trấn Châu Thành')).toEqual([expect.objectContaining({ level: 'commune', areaCode: '29374' })]);

      // the documented shape, exactly, for one unit
      const hoaLoi = (await get('/api/units/UB-29401').expect(200)).body;
      expect(hoaLoi).toEqual({
        code: 'UB-29401', name: 'UBND xã Hòa Lợi', displayName: 'UBND xã Hòa Lợi', level: 'commune', parentCode: 'VP-847',
        areaCode: '29401', active: true, emails: [], mergedIntoCode: null,
      });
      expect(all.find((u) => u.code === 'UB-29401')).toEqual(hoaLoi);
      // provincial units first
      const levels = all.map((u) => u.level);
      expect(levels.slice(0, levels.lastIndexOf('province') + 1).every((l) => l === 'province')).toBe(true);
      expect(levels.indexOf('commune')).toBeGreaterThan(levels.lastIndexOf('district'));
    });

    it('has one People\'s Committee per commune, ward and town of the GSO file, under its district office', async () => {
      const all = await units();
      const districtOffice = new Map(all.filter((u) => u.level === 'district' && u.parentCode === null).map((u) => [u.areaCode, u.code]));
      for (const r of CSV) {
        const bare = r.commune_name.slice(r.commune_kind.length + 1);
        const name = r.commune_kind === 'Xã' ? `UBND xã ${bare}` : `UBND ${r.commune_name}`;
        const committees = all.filter((u) => u.level === 'commune' && u.areaCode === r.commune_code);
        expect(committees.map((u) => [u.name, u.parentCode])).toEqual([[name, districtOffice.get(r.district_code)]]);
      }
      expect(all.filter((u) => u.level === 'commune')).toHaveLength(CSV.length);
    });

    it('tells the two "UBND Phường 1" (and "UBND Phường 2") apart by their district in every list', async () => {
      const all = await units();
      const p1 = all.filter((u) => u.name === 'UBND Phường 1');
      expect(p1.map((u) => [u.areaCode, u.displayName]).sort()).toEqual([
        ['29239', 'UBND Phường 1 (thành phố Trà Vinh)'],
        ['29512', 'UBND Phường 1 (thị xã Duyên Hải)'],
      ]);
      const p2 = all.filter((u) => u.name === 'UBND Phường 2').map((u) => u.displayName);
      expect(new Set(p2).size).toBe(2);
      expect(new Set(all.map((u) => u.displayName)).size).toBe(all.length);

      // a ticket shows the distinguishing name too, on the ticket and in its history
      const cat = await categoryRoutedTo('UB-29512');
      const ticket = await createTicket({ categoryCode: cat, areaCode: '29512' });
      expect(ticket.assignedUnit).toEqual({ code: 'UB-29512', name: 'UBND Phường 1 (thị xã Duyên Hải)' });
      const full = (await get(`/api/tickets/${ticket.code}`).expect(200)).body;
      expect(full.events[0].toUnit).toEqual({ code: 'UB-29512', name: 'UBND Phường 1 (thị xã Duyên Hải)' });
    });

    it('filters by level, parent, active flag and name without diacritics; bad filters answer 400', async () => {
      const provincial = await units({ level: 'province' });
      expect(provincial.length).toBeGreaterThanOrEqual(5);
      expect(provincial.every((u) => u.level === 'province')).toBe(true);
      expect(provincial.map((u) => u.name)).toEqual(expect.arrayContaining(['Văn phòng UBND tỉnh', 'Sở Y tế', 'Công an tỉnh']));

      const underChauThanh = await units({ parentCode: 'VP-847' });
      expect(underChauThanh.map((u) => u.code).sort()).toEqual(['YT-847', ...CSV.filter((r) => r.district_code === '847').map((r) => `UB-${r.commune_code}`)].sort());
      const communesOfChauThanh = await units({ parentCode: 'VP-847', level: 'commune' });
      expect(communesOfChauThanh).toHaveLength(14);

      const found = await units({ q: 'hoa loi' });
      expect(found.map((u) => u.code)).toEqual(['UB-29401']);
      const wards = await units({ q: 'PHUONG 1 (thi xa' });
      expect(wards.map((u) => u.code)).toEqual(['UB-29512']);

      const off = await createUnit({ name: 'Ban Chỉ đạo phòng chống dịch (đã giải thể)', active: false });
      const inactive = await units({ active: 'false' });
      expect(inactive.map((u) => u.code)).toContain(off.code);
      expect(inactive.every((u) => !u.active)).toBe(true);
      expect((await units({ active: 'true' })).map((u) => u.code)).not.toContain(off.code);

      const bad = await get('/api/units').query({ level: 'ward', active: 'yes', sort: 'name' }).expect(400);
      expectProblems(bad.body, ['level', 'active', 'sort']);
      await get('/api/units/KHONG-CO').expect(404);
      await t.http().get('/api/units').expect(401);
    });
  });

  describe('units (admin API)', () => {
    it('creates a unit and reads it back; a duplicate code answers 409', async () => {
      const c = code('T-TNMT');
      const body = {
        code: c, name: '  Phòng Tài nguyên và Môi trường huyện Châu Thành ', level: 'district', parentCode: 'VP-847', areaCode: '847',
        emails: ['tnmt@chauthanh.travinh.gov.vn'],
      };
      const res = await post('/api/units', body).expect(201);
      const expected = {
        code: c, name: 'Phòng Tài nguyên và Môi trường huyện Châu Thành', displayName: 'Phòng Tài nguyên và Môi trường huyện Châu Thành',
        level: 'district', parentCode: 'VP-847', areaCode: '847', active: true, emails: ['tnmt@chauthanh.travinh.gov.vn'], mergedIntoCode: null,
      };
      expect(res.body).toEqual(expected);
      expect((await get(`/api/units/${c}`).expect(200)).body).toEqual(expected);
      expect((await units({ parentCode: 'VP-847' })).map((u) => u.code)).toContain(c);

      const dup = await post('/api/units', { ...body, name: 'Tên khác' }).expect(409);
      expect(dup.body).toMatchObject({ code: 'UNIT_EXISTS' });
      expect(dup.body.message).toContain(c);
      expect((await get(`/api/units/${c}`).expect(200)).body.name).toBe(expected.name);
    });

    it('of several creations of one code sent at once, one is made and the others answer 409', async () => {
      const c = code('T-SONG-SONG');
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => post('/api/units', { code: c, name: `Đơn vị song song ${i}`, level: 'province' })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('UNIT_EXISTS');
      const made = results.find((r) => r.status === 201)!.body as UnitBody;
      expect((await get(`/api/units/${c}`).expect(200)).body).toEqual(made);
    });

    it('refuses bad input naming each field with a Vietnamese reason, and unknown fields', async () => {
      const res = await post('/api/units', { code: 'có dấu cách', name: '   ', level: 'ward', emails: ['khong-phai-email'], active: 'yes', color: 'red' }).expect(400);
      expectProblems(res.body, ['code', 'name', 'level', 'emails', 'active', 'color']);
      expect(res.body.errors).toContainEqual({ field: 'color', reason: 'trường này không được chấp nhận' });

      const missing = await post('/api/units', {}).expect(400);
      expectProblems(missing.body, ['code', 'name', 'level']);
      expect(missing.body.errors).toContainEqual({ field: 'code', reason: 'là bắt buộc' });

      const links = await post('/api/units', { code: code('T-X'), name: 'Đơn vị treo', level: 'district', parentCode: 'KHONG-CO', areaCode: '99999' }).expect(400);
      expectProblems(links.body, ['parentCode', 'areaCode']);
      expect(JSON.stringify(links.body)).toContain('KHONG-CO');

      const empty = await post('/api/units', { code: code('T-X'), name: 'Đơn vị', level: 'district', parentCode: '', areaCode: '' }).expect(400);
      expectProblems(empty.body, ['parentCode', 'areaCode']);

      const notJson = await t.http().post('/api/units').set(bearer(admin)).set('Content-Type', 'application/json').send('{"code": ').expect(400);
      expect(notJson.body.message).toMatch(NON_ASCII);
    });

    it('renames, changes e-mails, moves, deactivates and reactivates a unit', async () => {
      const u = await createUnit({ name: 'Phòng Văn hóa - Thông tin huyện Trà Cú', level: 'district', parentCode: 'VP-849', areaCode: '849' });
      const renamed = await patch(`/api/units/${u.code}`, { name: 'Phòng Văn hóa, Khoa học và Thông tin xã Trà Cú', emails: ['vhtt@tracu.travinh.gov.vn', 'lanhdao@tracu.travinh.gov.vn'] }).expect(200);
      expect(renamed.body).toMatchObject({
        code: u.code, name: 'Phòng Văn hóa, Khoa học và Thông tin xã Trà Cú', level: 'district', parentCode: 'VP-849', areaCode: '849',
        emails: ['vhtt@tracu.travinh.gov.vn', 'lanhdao@tracu.travinh.gov.vn'], active: true,
      });
      const moved = await patch(`/api/units/${u.code}`, { parentCode: null, level: 'province', emails: [] }).expect(200);
      expect(moved.body).toMatchObject({ parentCode: null, level: 'province', emails: [], areaCode: '849', name: renamed.body.name });
      const off = await patch(`/api/units/${u.code}`, { active: false }).expect(200);
      expect(off.body).toMatchObject({ active: false, mergedIntoCode: null });
      expect((await get(`/api/units/${u.code}`).expect(200)).body).toMatchObject({ active: false, name: renamed.body.name, emails: [] });
      const on = await patch(`/api/units/${u.code}`, { active: true }).expect(200);
      expect(on.body.active).toBe(true);

      const bad = await patch(`/api/units/${u.code}`, { code: 'DOI-MA', name: '', emails: 'a@b.vn', parentCode: '', areaCode: '' }).expect(400);
      expectProblems(bad.body, ['code', 'name', 'emails', 'parentCode', 'areaCode']);
      await patch('/api/units/KHONG-CO', { name: 'Tên mới' }).expect(404);
      expect((await get(`/api/units/${u.code}`).expect(200)).body).toMatchObject({ name: renamed.body.name, parentCode: null, active: true });
    });

    it('refuses to deactivate a unit with open tickets (409) and allows it once they are closed', async () => {
      const u = await createUnit({ name: 'Trung tâm Kiểm soát bệnh tật tỉnh' });
      const cat = await categoryRoutedTo(u.code);
      const ticket = await createTicket({ categoryCode: cat });
      expect(ticket).toMatchObject({ status: 'assigned', assignedUnit: { code: u.code } });

      const refused = await patch(`/api/units/${u.code}`, { active: false, name: 'Tên không được lưu' }).expect(409);
      expect(refused.body).toMatchObject({ code: 'UNIT_HAS_OPEN_TICKETS', openTickets: 1 });
      expect(refused.body.message).toMatch(NON_ASCII);
      expect((await get(`/api/units/${u.code}`).expect(200)).body).toMatchObject({ active: true, name: 'Trung tâm Kiểm soát bệnh tật tỉnh' });

      const staff = await t.userToken('unit_staff', u.code);
      await post(`/api/tickets/${ticket.code}/accept`, {}, staff).expect(200);
      await patch(`/api/units/${u.code}`, { active: false }).expect(409);
      await post(`/api/tickets/${ticket.code}/resolve`, { resolution: 'Đã liên hệ và hướng dẫn người dân.' }, staff).expect(200);
      await post(`/api/tickets/${ticket.code}/close`, {}, coord).expect(200);
      const off = await patch(`/api/units/${u.code}`, { active: false }).expect(200);
      expect(off.body.active).toBe(false);
      // the closed ticket keeps the unit that handled it
      expect((await get(`/api/tickets/${ticket.code}`).expect(200)).body.assignedUnit.code).toBe(u.code);
      // a rule naming the inactive unit no longer routes to it
      const later = await createTicket({ categoryCode: cat });
      expect(later).toMatchObject({ status: 'received', assignedUnit: null });
    });

    it('refuses parent cycles with 400', async () => {
      const a = await createUnit({ name: 'Đơn vị cấp trên' });
      const b = await createUnit({ name: 'Đơn vị cấp giữa', parentCode: a.code });
      const c = await createUnit({ name: 'Đơn vị cấp dưới', parentCode: b.code });
      for (const parentCode of [a.code, b.code, c.code]) {
        const res = await patch(`/api/units/${a.code}`, { parentCode }).expect(400);
        expectProblems(res.body, ['parentCode']);
      }
      expect((await get(`/api/units/${a.code}`).expect(200)).body.parentCode).toBeNull();
      // moving a leaf elsewhere is fine
      await patch(`/api/units/${c.code}`, { parentCode: a.code }).expect(200);
    });

    it('tells apart two units that share a name even within one district or with no district', async () => {
      const first = await createUnit({ name: 'Ban Tiếp công dân', level: 'district', areaCode: '846' });
      const second = await createUnit({ name: 'Ban Tiếp công dân', level: 'district', areaCode: '846' });
      const third = await createUnit({ name: 'Ban Tiếp công dân' });
      const all = await units();
      const labels = all.filter((u) => [first.code, second.code, third.code].includes(u.code)).map((u) => u.displayName);
      expect(new Set(labels).size).toBe(3);
      for (const l of labels) expect(l).toMatch(/^Ban Tiếp công dân \(.+\)$/);
      expect(new Set(all.map((u) => u.displayName)).size).toBe(all.length);
    });
  });

  describe('merging units', () => {
    it('moves open tickets with a unit_merged event, keeps finished ones, repoints rules and users, deactivates the unit', async () => {
      const source = await createUnit({ name: 'Sở Thông tin và Truyền thông (cũ)', emails: ['stttt@travinh.gov.vn'] });
      const target = await createUnit({ name: 'Sở Khoa học và Công nghệ' });
      const child = await createUnit({ name: 'Trung tâm Công nghệ thông tin và Truyền thông', parentCode: source.code });
      const cat = await categoryRoutedTo(source.code);
      const staffName = `canbo${seq}`;
      const staff = await t.userToken('unit_staff', source.code, staffName);
      const leader = await t.userToken('leader', source.code, `lanhdao${seq}`);

      const assigned = await createTicket({ categoryCode: cat });
      const inProgress = await createTicket({ categoryCode: cat });
      const resolved = await createTicket({ categoryCode: cat });
      const closed = await createTicket({ categoryCode: cat });
      const rejected = await createTicket({ categoryCode: cat });
      for (const tk of [inProgress, resolved, closed]) await post(`/api/tickets/${tk.code}/accept`, {}, staff).expect(200);
      for (const tk of [resolved, closed]) await post(`/api/tickets/${tk.code}/resolve`, { resolution: 'Đã trả lời công dân.' }, staff).expect(200);
      await post(`/api/tickets/${closed.code}/close`, {}, coord).expect(200);
      await post(`/api/tickets/${rejected.code}/reject`, { reason: 'spam' }, coord).expect(200);
      const versionBefore = (await get(`/api/tickets/${assigned.code}`).expect(200)).body.version;

      // the preview counts what the merge moves, and writes nothing
      const preview = await get(`/api/units/${source.code}/merge-preview?intoCode=${target.code}`, admin).expect(200);
      expect(preview.body).toMatchObject({ unit: { code: source.code, active: true }, into: { code: target.code }, counts: { tickets: 2, routingRules: 1, users: 2, subUnits: 1 } });
      await get(`/api/units/${source.code}/merge-preview?intoCode=${target.code}`, coord).expect(403);
      expect((await get(`/api/units/${source.code}/merge-preview?intoCode=${source.code}`, admin).expect(400)).body.errors[0].field).toBe('intoCode');

      const res = await post(`/api/units/${source.code}/merge`, { intoCode: target.code }).expect(201);
      expect(res.body).toMatchObject({
        unit: { code: source.code, active: false, mergedIntoCode: target.code },
        into: { code: target.code, active: true, mergedIntoCode: null },
        movedTickets: 2, movedRoutingRules: 1, movedUsers: 2, movedSubUnits: 1,
      });
      // recorded in the merge's transaction, with the admin who sent it, what the units were and what moved
      const entries: Array<{ actor_name: string; actor_id: string | null; before: { unit: { active: boolean } }; after: { unit: { mergedIntoCode: string }; moved: object } }> =
        await t.ds.query(`SELECT actor_name, actor_id, before, after FROM audit_entries WHERE action = 'unit.merge' AND subject_id = $1`, [source.code]);
      expect(entries).toEqual([expect.objectContaining({ actor_name: expect.stringMatching(/^admin/), actor_id: expect.any(String) })]);
      expect(entries[0].before.unit.active).toBe(true);
      expect(entries[0].after.unit.mergedIntoCode).toBe(target.code);
      expect(entries[0].after.moved).toEqual({ tickets: 2, routingRules: 1, users: 2, subUnits: 1 });

      for (const [tk, status] of [[assigned, 'assigned'], [inProgress, 'in_progress']] as const) {
        const body = (await get(`/api/tickets/${tk.code}`).expect(200)).body;
        expect(body).toMatchObject({ status, assignedUnit: { code: target.code, name: 'Sở Khoa học và Công nghệ' } });
        const merged = body.events.filter((e: EventBody) => e.type === 'unit_merged');
        expect(merged).toEqual([expect.objectContaining({ fromStatus: status, toStatus: status, fromUnit: expect.objectContaining({ code: source.code }), toUnit: expect.objectContaining({ code: target.code }) })]);
        expect(merged[0].note).toMatch(NON_ASCII);
        expect(body.events.at(-1).type).toBe('unit_merged');
      }
      expect((await get(`/api/tickets/${assigned.code}`).expect(200)).body.version).toBe(versionBefore + 1);
      for (const [tk, status] of [[resolved, 'resolved'], [closed, 'closed'], [rejected, 'rejected']] as const) {
        const body = (await get(`/api/tickets/${tk.code}`).expect(200)).body;
        expect(body).toMatchObject({ status, assignedUnit: { code: source.code } });
        expect(body.events.map((e: EventBody) => e.type)).not.toContain('unit_merged');
      }

      const unitNow = (await get(`/api/units/${source.code}`).expect(200)).body;
      expect(unitNow).toMatchObject({ active: false, mergedIntoCode: target.code, name: 'Sở Thông tin và Truyền thông (cũ)' });
      expect((await get(`/api/units/${child.code}`).expect(200)).body.parentCode).toBe(target.code);

      const rules = (await get('/api/routing-rules', admin).expect(200)).body as Array<{ categoryCode: string; unitCode: string | null }>;
      expect(rules.filter((r) => r.categoryCode === cat).map((r) => r.unitCode)).toEqual([target.code]);
      const users = (await get('/api/users', admin).expect(200)).body as Array<{ username: string; unitCode: string | null }>;
      expect(users.find((u) => u.username === staffName)?.unitCode).toBe(target.code);
      expect(users.find((u) => u.username === `lanhdao${seq}`)?.unitCode).toBe(target.code);
      expect(users.filter((u) => u.unitCode === source.code)).toEqual([]);
      const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM users WHERE unit_code = $1`, [source.code]);
      expect(n).toBe(0);

      // staff of the merged unit now work on the successor's tickets
      const staffList = (await get('/api/tickets', staff).expect(200)).body;
      expect(staffList.items.map((i: { code: string }) => i.code).sort()).toEqual([assigned.code, inProgress.code].sort());
      expect((await get('/api/tickets', leader).expect(200)).body.total).toBe(2);
      await post(`/api/tickets/${inProgress.code}/resolve`, { resolution: 'Đơn vị mới đã xử lý.' }, staff).expect(200);

      // a new ticket by the rule that named the merged unit goes to the successor
      const later = await createTicket({ categoryCode: cat });
      expect(later).toMatchObject({ status: 'assigned', assignedUnit: { code: target.code } });
      // a finished ticket of the merged unit, reopened, goes to the successor
      const reopened = await post(`/api/tickets/${closed.code}/reopen`, { reason: 'Công dân phản ánh chưa được giải quyết.' }, coord).expect(200);
      expect(reopened.body).toMatchObject({ status: 'assigned', assignedUnit: { code: target.code } });

      // the merged unit cannot come back, nor be merged again
      expect((await patch(`/api/units/${source.code}`, { active: true }).expect(409)).body.code).toBe('UNIT_MERGED');
      await post(`/api/units/${source.code}/merge`, { intoCode: target.code }).expect(409);
    });

    it('sends tickets of a merged commune to the successor commune committee (2025 reform)', async () => {
      // Xã Hàm Tân merges into Xã Hàm Giang (Trà Cú)
      await post('/api/units/UB-29489/merge', { intoCode: 'UB-29488' }).expect(201);
      const ticket = await createTicket({ categoryCode: 'AN-SINH', areaCode: '29489' });
      expect(ticket).toMatchObject({ status: 'assigned', assignedUnit: { code: 'UB-29488', name: 'UBND xã Hàm Giang' } });
      const units29489 = await units({ q: 'ham tan' });
      expect(units29489).toEqual([expect.objectContaining({ code: 'UB-29489', active: false, mergedIntoCode: 'UB-29488' })]);
    });

    it('refuses to merge into itself, into an inactive or unknown unit, into its own sub-unit, or an unknown unit', async () => {
      const parent = await createUnit({ name: 'Đơn vị mẹ' });
      const child = await createUnit({ name: 'Đơn vị con', parentCode: parent.code });
      const grandChild = await createUnit({ name: 'Đơn vị cháu', parentCode: child.code });
      const inactive = await createUnit({ name: 'Đơn vị đã giải thể', active: false });

      const self = await post(`/api/units/${parent.code}/merge`, { intoCode: parent.code }).expect(400);
      expectProblems(self.body, ['intoCode']);
      const intoInactive = await post(`/api/units/${parent.code}/merge`, { intoCode: inactive.code }).expect(400);
      expectProblems(intoInactive.body, ['intoCode']);
      for (const sub of [child.code, grandChild.code]) {
        const res = await post(`/api/units/${parent.code}/merge`, { intoCode: sub }).expect(400);
        expectProblems(res.body, ['intoCode']);
      }
      const unknownTarget = await post(`/api/units/${parent.code}/merge`, { intoCode: 'KHONG-CO' }).expect(400);
      expectProblems(unknownTarget.body, ['intoCode']);
      await post('/api/units/KHONG-CO/merge', { intoCode: parent.code }).expect(404);
      const bad = await post(`/api/units/${parent.code}/merge`, { into: parent.code }).expect(400);
      expectProblems(bad.body, ['into', 'intoCode']);

      for (const c of [parent.code, child.code, grandChild.code]) {
        expect((await get(`/api/units/${c}`).expect(200)).body).toMatchObject({ active: true, mergedIntoCode: null });
      }
      expect((await get(`/api/units/${child.code}`).expect(200)).body.parentCode).toBe(parent.code);
      // merging a sub-unit up into its parent is allowed
      await post(`/api/units/${grandChild.code}/merge`, { intoCode: parent.code }).expect(201);
    });
  });

  describe('categories', () => {
    it('lists the reference categories', async () => {
      const res = await get('/api/categories').expect(200);
      expect(res.body).toEqual(expect.arrayContaining([
        expect.objectContaining({ code: 'Y-TE', name: 'Y tế, khám chữa bệnh', deadlineHours: expect.any(Number), urgent: false }),
        expect.objectContaining({ code: 'XET-NGHIEM', name: 'Xét nghiệm, cách ly y tế', urgent: true }),
        expect.objectContaining({ code: 'AN-SINH', name: 'Hỗ trợ an sinh xã hội, lương thực', urgent: false }),
      ]));
      for (const c of res.body) expect(c.deadlineHours).toBeGreaterThan(0);
      expect(res.body.filter((c: { code: string }) => !c.code.startsWith('T-'))).toHaveLength(8);
    });

    it('creates and changes a category; duplicates 409, unknown 404, bad input 400', async () => {
      const c = code('T-MT');
      const created = await post('/api/categories', { code: c, name: ' Môi trường, ô nhiễm ', deadlineHours: 96, urgent: false }).expect(201);
      expect(created.body).toMatchObject({ code: c, name: 'Môi trường, ô nhiễm', deadlineHours: 96, urgent: false });
      const dup = await post('/api/categories', { code: c, name: 'Khác', deadlineHours: 1 }).expect(409);
      expect(dup.body.code).toBe('CATEGORY_EXISTS');

      const changed = await patch(`/api/categories/${c}`, { name: 'Môi trường', deadlineHours: 12, urgent: true }).expect(200);
      expect(changed.body).toMatchObject({ code: c, name: 'Môi trường', deadlineHours: 12, urgent: true });
      const listed = (await get('/api/categories').expect(200)).body.find((x: { code: string }) => x.code === c);
      expect(listed).toMatchObject({ code: c, name: 'Môi trường', deadlineHours: 12, urgent: true });
      const partly = await patch(`/api/categories/${c}`, { urgent: false }).expect(200);
      expect(partly.body).toMatchObject({ name: 'Môi trường', deadlineHours: 12, urgent: false });
      // a new ticket of it uses the category as it is now
      const ticket = await createTicket({ categoryCode: c });
      expect(ticket).toMatchObject({ category: { code: c, name: 'Môi trường' }, urgent: false });

      await patch('/api/categories/KHONG-CO', { name: 'X' }).expect(404);

      // working hours by default, clock hours for urgent matters; the admin may choose either
      const urgent = code('T-KC');
      expect((await post('/api/categories', { code: urgent, name: 'Cấp cứu', deadlineHours: 10, urgent: true }).expect(201)).body)
        .toMatchObject({ deadlineMode: 'clock', urgent: true });
      expect(created.body.deadlineMode).toBe('working');
      expect((await patch(`/api/categories/${c}`, { deadlineMode: 'clock' }).expect(200)).body).toMatchObject({ deadlineMode: 'clock', deadlineHours: 12 });
      // the clock stands on Monday 02/03/2026 09:00: 12 clock hours end that evening, 12 working hours on Tuesday
      const byClock = await createTicket({ categoryCode: c });
      expect(new Date(byClock.dueAt).getTime() - new Date(byClock.receivedAt).getTime()).toBe(12 * 3600_000);
      await patch(`/api/categories/${c}`, { deadlineMode: 'working' }).expect(200);
      const byOffice = await createTicket({ categoryCode: c });
      expect(byOffice.receivedAt).toBe(new Date('2026-03-02T09:00:00+07:00').toISOString());
      expect(byOffice.dueAt).toBe(new Date('2026-03-03T15:00:00+07:00').toISOString());
      expectProblems((await patch(`/api/categories/${c}`, { deadlineMode: 'both' }).expect(400)).body, ['deadlineMode']);

      // the same code created several times at once: one wins, the others answer 409 and change nothing
      const same = code('T-SS');
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => post('/api/categories', { code: same, name: `Lĩnh vực song song ${i}`, deadlineHours: 10 + i })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      const winner = results.find((r) => r.status === 201)!.body;
      expect((await get('/api/categories').expect(200)).body.find((x: { code: string }) => x.code === same)).toMatchObject({ name: winner.name, deadlineHours: winner.deadlineHours });

      const bad = await post('/api/categories', { code: '', name: 5, deadlineHours: '24', urgent: 'co', active: false }).expect(400);
      expectProblems(bad.body, ['code', 'name', 'deadlineHours', 'urgent', 'active']);
      const range = await post('/api/categories', { code: code('T-R'), name: 'Quá hạn', deadlineHours: 0 }).expect(400);
      expectProblems(range.body, ['deadlineHours']);
      const missing = await post('/api/categories', {}).expect(400);
      expectProblems(missing.body, ['code', 'name', 'deadlineHours']);
      const badPatch = await patch(`/api/categories/${c}`, { code: 'KHAC-MA', deadlineHours: 1.5, name: '' }).expect(400);
      expectProblems(badPatch.body, ['code', 'deadlineHours', 'name']);
      expect((await get('/api/categories').expect(200)).body.find((x: { code: string }) => x.code === c)).toMatchObject({ name: 'Môi trường', deadlineHours: 12 });
    });
  });

  describe('access to the admin API', () => {
    it('answers 403 to every non-admin role and 401 without a valid token, and changes nothing', async () => {
      const target = await createUnit({ name: 'Đơn vị được bảo vệ' });
      const other = await createUnit({ name: 'Đơn vị khác' });
      const cat = code('T-AC');
      await post('/api/categories', { code: cat, name: 'Lĩnh vực được bảo vệ', deadlineHours: 10 }).expect(201);
      const tokens = {
        coordinator: coord,
        operator: op,
        unit_staff: await t.userToken('unit_staff', target.code),
        leader: await t.userToken('leader'),
        leader_of_unit: await t.userToken('leader', target.code),
      };
      const calls = (token: string | null) => {
        const auth = (r: ReturnType<ReturnType<TestApp['http']>['get']>) => (token ? r.set(bearer(token)) : r);
        return [
          auth(t.http().post('/api/units')).send({ code: code('T-NO'), name: 'Không được tạo', level: 'province' }),
          auth(t.http().patch(`/api/units/${target.code}`)).send({ name: 'Không được đổi' }),
          auth(t.http().patch(`/api/units/${target.code}`)).send({ active: false }),
          auth(t.http().post(`/api/units/${target.code}/merge`)).send({ intoCode: other.code }),
          auth(t.http().post('/api/categories')).send({ code: code('T-NO'), name: 'Không được tạo', deadlineHours: 1 }),
          auth(t.http().patch(`/api/categories/${cat}`)).send({ deadlineHours: 999 }),
        ];
      };
      for (const [role, token] of Object.entries(tokens)) {
        for (const call of calls(token)) {
          const res = await call;
          expect([role, res.status]).toEqual([role, 403]);
          expect(res.body.message).toMatch(NON_ASCII);
        }
      }
      for (const call of calls(null)) expect((await call).status).toBe(401);
      for (const call of calls('khong-phai-token')) expect((await call).status).toBe(401);
      expect((await get(`/api/units/${target.code}`).expect(200)).body).toMatchObject({ name: 'Đơn vị được bảo vệ', active: true, mergedIntoCode: null });
      expect((await get('/api/categories').expect(200)).body.find((x: { code: string }) => x.code === cat).deadlineHours).toBe(10);
      expect((await units()).filter((u) => u.name === 'Không được tạo')).toEqual([]);
      // every signed-in role reads the directory
      for (const token of Object.values(tokens)) {
        await get('/api/units', token).expect(200);
        await get('/api/areas', token).expect(200);
        await get('/api/categories', token).expect(200);
      }
    });
  });
});
