import { edition2021, type ReferenceData } from '../reference-data.js';
import { edition2025 } from './edition-2025.js';
import { province2025, PROVINCES_2025, provinceAreaName, reportProvinceName2025 } from './provinces-2025.js';

/**
 * Which administrative map an installation runs on: the 2021 list (Trà Vinh, 84, with its districts) or the 2025
 * one (34 provinces, communes directly under the province), and its province. Settings PROVINCE_CODE and
 * ADMIN_UNITS_EDITION.
 */
export const ADMIN_UNITS_EDITIONS = ['2021', '2025'] as const;
export type AdminUnitsEdition = (typeof ADMIN_UNITS_EDITIONS)[number];
export interface AdminMap { edition: AdminUnitsEdition; provinceCode: string }

/** The only province of the 2021 list the product carries. */
export const PROVINCE_2021 = { code: '84', name: 'Tỉnh Trà Vinh', reportName: 'Trà Vinh' } as const;

export const DEFAULT_ADMIN_MAP: AdminMap = { edition: '2021', provinceCode: PROVINCE_2021.code };

/** The edition when ADMIN_UNITS_EDITION is not set: 2021 for Trà Vinh (84, or no code), else 2025. */
export const defaultEdition = (provinceCode: string | undefined): AdminUnitsEdition =>
  provinceCode === undefined || provinceCode === PROVINCE_2021.code ? '2021' : '2025';

/** Why this province code cannot be used with this edition (a sentence naming the valid codes), or null. */
export function provinceCodeProblem(map: AdminMap): string | null {
  if (map.edition === '2021') {
    if (map.provinceCode === PROVINCE_2021.code) return null;
    return `PROVINCE_CODE=${map.provinceCode} không có trong danh sách 2021; danh sách 2021 chỉ có 84 (${PROVINCE_2021.name}). `
      + 'Tỉnh, thành phố theo danh sách 2025: đặt ADMIN_UNITS_EDITION=2025';
  }
  if (province2025(map.provinceCode)) return null;
  return `PROVINCE_CODE=${map.provinceCode} không có trong danh sách 2025; các mã hợp lệ: `
    + PROVINCES_2025.map((p) => `${p.code} (${provinceAreaName(p)})`).join(', ')
    + `; hoặc 84 (${PROVINCE_2021.name}) với ADMIN_UNITS_EDITION=2021`;
}

/** The reference data of an installation on this map. */
export function referenceDataFor(map: AdminMap): ReferenceData {
  return map.edition === '2021' ? edition2021() : edition2025(map.provinceCode);
}

/** The province's name as the report and the pages print it: "Trà Vinh", "Vĩnh Long", "Hà Nội". */
export function reportProvinceName(map: AdminMap): string {
  if (map.edition === '2021') return PROVINCE_2021.reportName;
  const p = province2025(map.provinceCode);
  if (!p) throw new Error(`province ${map.provinceCode} is not on the 2025 list`);
  return reportProvinceName2025(p);
}

/** The map named by the settings (PROVINCE_CODE, ADMIN_UNITS_EDITION). */
export const adminMapOf = (s: { PROVINCE_CODE: string; ADMIN_UNITS_EDITION: AdminUnitsEdition }): AdminMap =>
  ({ edition: s.ADMIN_UNITS_EDITION, provinceCode: s.PROVINCE_CODE });
