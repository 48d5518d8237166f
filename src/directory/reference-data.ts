import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { projectRoot } from '../common/project-root.js';
import type { AreaLevel } from './area.entity.js';
import { provincialDepartments } from './provincial-departments.js';
import type { UnitLevel } from './unit.entity.js';

/**
 * The reference data a province starts with: areas from the GSO list, handling units built from them,
 * categories and routing rules. Loaded once into an empty database (see ReferenceDataSeeder).
 */
export interface AreaSeed { code: string; name: string; level: AreaLevel; kind: string; parentCode: string | null }
export interface UnitSeed { code: string; name: string; level: UnitLevel; parentCode: string | null; areaCode: string | null }
export interface CategorySeed { code: string; name: string; deadlineHours: number; deadlineMode: 'working' | 'clock'; urgent: boolean }
export interface RuleSeed { categoryCode: string; areaCode: string | null; unitCode: string | null; toCommuneCommittee: boolean }
/** Everything an installation starts with (src/directory/editions/admin-map.ts chooses the edition). */
export interface ReferenceData { areas: AreaSeed[]; units: UnitSeed[]; categories: CategorySeed[]; rules: RuleSeed[] }

export const AREAS_CSV = 'data/seed/tra-vinh-administrative-units-2021.csv';

interface CsvRow {
  province_code: string; province_name: string; district_code: string; district_name: string;
  commune_code: string; commune_kind: string; commune_name: string;
}

const DISTRICT_KINDS = ['Thành phố', 'Thị xã', 'Huyện', 'Quận'];
const COMMUNE_KINDS = ['Thị trấn', 'Phường', 'Xã'];

function splitKind(name: string, kinds: string[]): { kind: string; bare: string } {
  const kind = kinds.find((k) => name.startsWith(k + ' '));
  if (!kind) throw new Error(`unknown administrative kind in "${name}"`);
  return { kind, bare: name.slice(kind.length + 1) };
}

/** "Huyện Cầu Ngang" → "huyện Cầu Ngang", as names of district offices write it. */
export function districtPhrase(districtName: string): string {
  const { kind, bare } = splitKind(districtName, DISTRICT_KINDS);
  return `${kind.toLowerCase()} ${bare}`;
}

/** Official name of a commune's People's Committee: "UBND xã Hòa Lợi", "UBND Phường 3", "UBND Thị trấn Châu Thành". */
export function communeCommitteeName(communeName: string): string {
  const { kind, bare } = splitKind(communeName, COMMUNE_KINDS);
  if (kind === 'Xã') return `UBND xã ${bare}`;
  return `UBND ${kind} ${bare}`;
}

export function loadAreas(csvPath = join(projectRoot(), AREAS_CSV)): AreaSeed[] {
  const rows = parse(readFileSync(csvPath, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as CsvRow[];
  const out: AreaSeed[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    if (!seen.has(r.province_code)) {
      seen.add(r.province_code);
      out.push({ code: r.province_code, name: r.province_name, level: 'province', kind: 'Tỉnh', parentCode: null });
    }
    if (!seen.has(r.district_code)) {
      seen.add(r.district_code);
      const { kind } = splitKind(r.district_name, DISTRICT_KINDS);
      out.push({ code: r.district_code, name: r.district_name, level: 'district', kind, parentCode: r.province_code });
    }
    out.push({ code: r.commune_code, name: r.commune_name, level: 'commune', kind: r.commune_kind, parentCode: r.district_code });
  }
  return out;
}

/** Provincial departments and offices. */
export const PROVINCIAL_UNITS: Array<{ code: string; name: string }> = provincialDepartments(
  ['VP-UBND-TINH', 'SO-YTE', 'SO-LDTBXH', 'SO-TTTT', 'CA-TINH', 'SO-GTVT', 'SO-CT', 'SO-GDDT'], 'tỉnh',
);

export const districtOfficeCode = (districtCode: string) => `VP-${districtCode}`;
export const districtHealthCode = (districtCode: string) => `YT-${districtCode}`;
export const communeCommitteeCode = (communeCode: string) => `UB-${communeCode}`;

export function buildUnits(areas: AreaSeed[]): UnitSeed[] {
  const province = areas.find((a) => a.level === 'province');
  const units: UnitSeed[] = PROVINCIAL_UNITS.map((u) => ({ ...u, level: 'province', parentCode: null, areaCode: province?.code ?? null }));
  for (const d of areas.filter((a) => a.level === 'district')) {
    const phrase = districtPhrase(d.name);
    units.push({ code: districtOfficeCode(d.code), name: `Văn phòng HĐND và UBND ${phrase}`, level: 'district', parentCode: null, areaCode: d.code });
    units.push({ code: districtHealthCode(d.code), name: `Phòng Y tế ${phrase}`, level: 'district', parentCode: districtOfficeCode(d.code), areaCode: d.code });
  }
  for (const c of areas.filter((a) => a.level === 'commune')) {
    units.push({ code: communeCommitteeCode(c.code), name: communeCommitteeName(c.name), level: 'commune', parentCode: districtOfficeCode(c.parentCode!), areaCode: c.code });
  }
  return units;
}

/** Hours of working time (8 a day) unless deadlineMode is 'clock'; KHAC: 10 working days (Luật Tiếp công dân 2013, Điều 28). */
export const CATEGORIES: CategorySeed[] = [
  { code: 'Y-TE', name: 'Y tế, khám chữa bệnh', deadlineHours: 40, deadlineMode: 'working', urgent: false },
  { code: 'XET-NGHIEM', name: 'Xét nghiệm, cách ly y tế', deadlineHours: 24, deadlineMode: 'clock', urgent: true },
  { code: 'TIEM-CHUNG', name: 'Tiêm chủng vắc xin', deadlineHours: 40, deadlineMode: 'working', urgent: false },
  { code: 'AN-SINH', name: 'Hỗ trợ an sinh xã hội, lương thực', deadlineHours: 24, deadlineMode: 'working', urgent: false },
  { code: 'DI-LAI', name: 'Đi lại, kiểm soát phòng dịch', deadlineHours: 16, deadlineMode: 'working', urgent: false },
  { code: 'AN-NINH', name: 'An ninh, trật tự', deadlineHours: 16, deadlineMode: 'working', urgent: false },
  { code: 'THONG-TIN', name: 'Thông tin sai sự thật trên mạng', deadlineHours: 24, deadlineMode: 'working', urgent: false },
  { code: 'KHAC', name: 'Lĩnh vực khác', deadlineHours: 80, deadlineMode: 'working', urgent: false },
];

/**
 * The province-wide routing rules of either map: health and testing to Sở Y tế, vaccination and social support to
 * the commune's People's Committee, travel and security to the provincial police, false news online to
 * `falseNewsUnit`.
 */
export function provinceWideRules(falseNewsUnit: string): RuleSeed[] {
  return [
    { categoryCode: 'Y-TE', areaCode: null, unitCode: 'SO-YTE', toCommuneCommittee: false },
    { categoryCode: 'XET-NGHIEM', areaCode: null, unitCode: 'SO-YTE', toCommuneCommittee: false },
    { categoryCode: 'TIEM-CHUNG', areaCode: null, unitCode: null, toCommuneCommittee: true },
    { categoryCode: 'AN-SINH', areaCode: null, unitCode: null, toCommuneCommittee: true },
    { categoryCode: 'DI-LAI', areaCode: null, unitCode: 'CA-TINH', toCommuneCommittee: false },
    { categoryCode: 'AN-NINH', areaCode: null, unitCode: 'CA-TINH', toCommuneCommittee: false },
    { categoryCode: 'THONG-TIN', areaCode: null, unitCode: falseNewsUnit, toCommuneCommittee: false },
  ];
}

export function buildRoutingRules(areas: AreaSeed[]): RuleSeed[] {
  const rules = provinceWideRules('SO-TTTT');
  // Health matters of a district go to its health office (more specific than the province-wide rule).
  for (const d of areas.filter((a) => a.level === 'district')) {
    rules.push({ categoryCode: 'Y-TE', areaCode: d.code, unitCode: districtHealthCode(d.code), toCommuneCommittee: false });
  }
  return rules;
}

/** The 2021 edition: Trà Vinh (84) with its districts, as the product started. */
export function edition2021(): ReferenceData {
  const areas = loadAreas();
  return { areas, units: buildUnits(areas), categories: [...CATEGORIES], rules: buildRoutingRules(areas) };
}
