import type { EntityManager } from 'typeorm';
import { districtPhrase } from './reference-data.js';

export interface UnitRef {
  code: string;
  name: string;
  /** The name a person reads: the official name, with the district added where two units share it. */
  displayName: string;
  level: string;
  active: boolean;
}

export function unitDisplayName(name: string, districtName: string | null, ambiguous: boolean): string {
  if (!ambiguous || !districtName) return name;
  try {
    return `${name} (${districtPhrase(districtName)})`;
  } catch {
    return `${name} (${districtName})`;
  }
}

/** SQL that yields, per unit, its district's name and whether another unit has the same name. */
export const UNIT_LABEL_SQL = `
  SELECT u.code, u.name, u.level, u.active, u.parent_code, u.area_code, u.emails, u.merged_into_code,
         d.name AS district_name,
         EXISTS (SELECT 1 FROM units u2 WHERE u2.name = u.name AND u2.code <> u.code) AS ambiguous
    FROM units u
    LEFT JOIN areas a ON a.code = u.area_code
    LEFT JOIN areas d ON d.code = CASE a.level WHEN 'commune' THEN a.parent_code WHEN 'district' THEN a.code END`;

export interface UnitLabelRow {
  code: string; name: string; level: string; active: boolean; parent_code: string | null; area_code: string | null;
  emails: string[]; merged_into_code: string | null; district_name: string | null; ambiguous: boolean;
}

/** Labels for a set of unit codes, in one query. */
export async function loadUnitRefs(m: EntityManager, codes: Array<string | null | undefined>): Promise<Map<string, UnitRef>> {
  const wanted = [...new Set(codes.filter((c): c is string => !!c))];
  const out = new Map<string, UnitRef>();
  if (!wanted.length) return out;
  const rows: UnitLabelRow[] = await m.query(`${UNIT_LABEL_SQL} WHERE u.code = ANY($1)`, [wanted]);
  for (const r of rows) {
    out.set(r.code, { code: r.code, name: r.name, displayName: unitDisplayName(r.name, r.district_name, r.ambiguous), level: r.level, active: r.active });
  }
  return out;
}
