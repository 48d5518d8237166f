import { foldText } from '../../common/text.js';
import { provincialDepartments, type ProvinceWord } from '../provincial-departments.js';
import {
  CATEGORIES, communeCommitteeCode, provinceWideRules, type AreaSeed, type CategorySeed, type ReferenceData, type RuleSeed,
  type UnitSeed,
} from '../reference-data.js';
import { addressDatabase, type AddressWardMapping } from './address-database.js';
import { province2025, provinceAreaName, PROVINCES_2025, type Province2025 } from './provinces-2025.js';

/**
 * The reference data of a province on the 2025 map: two levels of local government (province → xã, phường, đặc khu;
 * no districts), the provincial departments as restructured in 2025, the categories and routing rules. A pure
 * function of the province code over the package's data: the seeder loads it into an empty database, and the
 * reorganisation of a 2021 installation can compare it with what is there.
 */

const COMMUNE_KINDS_2025 = ['Đặc khu', 'Phường', 'Xã'] as const;
export type CommuneKind2025 = (typeof COMMUNE_KINDS_2025)[number];

export function communeKind2025(name: string): CommuneKind2025 {
  const kind = COMMUNE_KINDS_2025.find((k) => name.startsWith(k + ' '));
  if (!kind) throw new Error(`unknown kind of commune-level unit in "${name}"`);
  return kind;
}

/**
 * Official name of a 2025 commune's People's Committee, the kind in lower case after "UBND" as the provinces'
 * decisions write it: "UBND xã Hưng Mỹ", "UBND phường Long Châu", "UBND đặc khu Côn Đảo", "UBND phường 1 Bảo Lộc".
 */
export function communeCommitteeName2025(communeName: string): string {
  const kind = communeKind2025(communeName);
  return `UBND ${kind.toLowerCase()} ${communeName.slice(kind.length + 1)}`;
}

/**
 * The provincial departments and bodies of a province after the 2025 restructuring (Nghị định 45/2025/NĐ-CP): Nội vụ
 * took over Lao động - Thương binh và Xã hội, Tài chính took over Kế hoạch và Đầu tư, Khoa học và Công nghệ took over
 * Thông tin và Truyền thông (its press and online information went to Văn hóa, Thể thao và Du lịch), Xây dựng took
 * over Giao thông vận tải, Nông nghiệp và Môi trường is Nông nghiệp + Tài nguyên và Môi trường. Sở Dân tộc và Tôn
 * giáo exists in some provinces only: an admin adds it where the province has one. Codes are kept where the
 * department goes on (SO-YTE, CA-TINH, …), so the same code means the same department on both maps.
 * `tinh` is "tỉnh" or "thành phố" (a centrally-run city names its bodies "Công an thành phố", "Thanh tra thành phố").
 */
export function provincialUnits2025(tinh: ProvinceWord): Array<{ code: string; name: string }> {
  return provincialDepartments([
    'VP-UBND-TINH', 'SO-NV', 'SO-TC', 'SO-XD', 'SO-NNMT', 'SO-KHCN', 'SO-YTE', 'SO-GDDT', 'SO-VHTTDL', 'SO-CT', 'SO-TP',
    'THANH-TRA-TINH', 'CA-TINH',
  ], tinh);
}

/**
 * Where each provincial unit of the 2021 seed went in 2025 (the same code when the department goes on), for the
 * reorganisation of a 2021 installation.
 */
export const DEPARTMENT_SUCCESSORS_2025: Readonly<Record<string, string>> = {
  'VP-UBND-TINH': 'VP-UBND-TINH',
  'SO-YTE': 'SO-YTE',
  'SO-LDTBXH': 'SO-NV',
  'SO-TTTT': 'SO-KHCN',
  'CA-TINH': 'CA-TINH',
  'SO-GTVT': 'SO-XD',
  'SO-CT': 'SO-CT',
  'SO-GDDT': 'SO-GDDT',
};

/** The same categories as the 2021 seed. */
export const CATEGORIES_2025: readonly CategorySeed[] = CATEGORIES;

/**
 * The routing rules of a 2025 province: province-wide, so they reach every commune; the communes' matters go to
 * the commune's People's Committee, found from the ticket's commune alone (no district on the way). False news
 * online goes to Sở Văn hóa, Thể thao và Du lịch, which took over online information (thông tin điện tử) from Thông
 * tin và Truyền thông; health matters to Sở Y tế (there is no district health office any more).
 */
export function routingRules2025(): RuleSeed[] {
  return provinceWideRules('SO-VHTTDL');
}

export class UnknownProvinceError extends Error {}

function provinceOrThrow(provinceCode: string): Province2025 {
  const p = province2025(provinceCode);
  if (!p) throw new UnknownProvinceError(`province ${provinceCode} is not on the 2025 list (${PROVINCES_2025.map((x) => x.code).join(', ')})`);
  return p;
}

/** The province's area and its communes (xã, phường, đặc khu), each directly under the province. */
export function areas2025(provinceCode: string): AreaSeed[] {
  const p = provinceOrThrow(provinceCode);
  const wards = addressDatabase().wards.filter((w) => w.provinceCode === p.code);
  return [
    { code: p.code, name: provinceAreaName(p), level: 'province', kind: p.kind, parentCode: null },
    ...wards.map((w) => ({ code: w.code, name: w.name, level: 'commune' as const, kind: communeKind2025(w.name), parentCode: p.code })),
  ];
}

/** Everything a 2025 installation of the province starts with: areas, units, categories, routing rules. */
export function edition2025(provinceCode: string): ReferenceData {
  const p = provinceOrThrow(provinceCode);
  const areas = areas2025(p.code);
  const tinh = p.kind === 'Tỉnh' ? 'tỉnh' : 'thành phố';
  const units: UnitSeed[] = [
    ...provincialUnits2025(tinh).map((u) => ({ ...u, level: 'province' as const, parentCode: null, areaCode: p.code })),
    // a commune's committee answers to the province directly: no unit above it in the tree
    ...areas.filter((a) => a.level === 'commune').map((c) => ({
      code: communeCommitteeCode(c.code), name: communeCommitteeName2025(c.name), level: 'commune' as const, parentCode: null, areaCode: c.code,
    })),
  ];
  return { areas, units, categories: [...CATEGORIES_2025], rules: routingRules2025() };
}

/** A 2021 commune, as the 2021 list names it. */
export interface OldCommune { code: string; name: string; districtName: string; provinceName: string }

/**
 * The package's mappings from 2021 communes to the 2025 units of this province: each row an old commune (or a part
 * of it: an old commune split between new ones has a row for each) and the new unit. A few rows name the old commune
 * without its code: `successorsOf` matches those by province, district and name.
 */
export function wardMappingsTo(provinceCode: string): AddressWardMapping[] {
  provinceOrThrow(provinceCode);
  return addressDatabase().wardMappings.filter((m) => m.newProvinceCode === provinceCode);
}

/** The 2025 units (codes) a 2021 commune went into, among `mappings` (wardMappingsTo); empty when it is not there. */
export function successorsOf(old: OldCommune, mappings: readonly AddressWardMapping[]): string[] {
  const byCode = mappings.filter((m) => m.oldCode === old.code);
  const rows = byCode.length ? byCode : mappings.filter((m) => m.oldCode === null
    && foldText(m.oldName) === foldText(old.name) && foldText(m.oldDistrictName) === foldText(old.districtName)
    && foldText(m.oldProvinceName) === foldText(old.provinceName));
  return [...new Set(rows.map((m) => m.newCode))];
}
