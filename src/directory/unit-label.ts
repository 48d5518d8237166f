import type { EntityManager } from 'typeorm';
import { districtPhrase } from './reference-data.js';
import { unitNamesAt } from './reorganise/unit-names.js';

export interface UnitRef {
  code: string;
  name: string;
  /** The name a person reads: the official name, with the district added where two units share it. */
  displayName: string;
  level: string;
  active: boolean;
  /** The district the unit belongs to ("Huyện Châu Thành"), null for provincial units. */
  districtName: string | null;
}

export function unitDisplayName(name: string, districtName: string | null, ambiguous: boolean, clash?: { code: string; sameDistrict: boolean }): string {
  if (!ambiguous) return name;
  let district: string | null = null;
  if (districtName) {
    try {
      district = districtPhrase(districtName);
    } catch {
      district = districtName;
    }
  }
  // the district tells them apart unless another unit of that name has the same district (or, like this one, none);
  // then the code does
  if (district && !clash?.sameDistrict) return `${name} (${district})`;
  if (!clash) return name;
  return district ? `${name} (${district}, ${clash.code})` : `${name} (${clash.code})`;
}

/**
 * SQL that yields, per unit, its district's name, whether another unit has the same name, and whether one of those
 * has the same district too (or, like it, none), so that the district alone does not tell them apart. On the 2025
 * map a commune sits directly under its province: no district, and the name alone (unique within a province).
 */
export const UNIT_LABEL_SQL = `
  SELECT u.code, u.name, u.level, u.active, u.parent_code, u.area_code, u.emails, u.merged_into_code,
         d.name AS district_name,
         EXISTS (SELECT 1 FROM units u2 WHERE u2.name = u.name AND u2.code <> u.code) AS ambiguous,
         EXISTS (SELECT 1 FROM units u2
                   LEFT JOIN areas a2 ON a2.code = u2.area_code
                   LEFT JOIN areas d2 ON d2.code = CASE a2.level WHEN 'commune' THEN a2.parent_code WHEN 'district' THEN a2.code END AND d2.level = 'district'
                  WHERE u2.name = u.name AND u2.code <> u.code AND d2.code IS NOT DISTINCT FROM d.code) AS same_district
    FROM units u
    LEFT JOIN areas a ON a.code = u.area_code
    LEFT JOIN areas d ON d.code = CASE a.level WHEN 'commune' THEN a.parent_code WHEN 'district' THEN a.code END AND d.level = 'district'`;

export interface UnitLabelRow {
  code: string; name: string; level: string; active: boolean; parent_code: string | null; area_code: string | null;
  emails: string[]; merged_into_code: string | null; district_name: string | null; ambiguous: boolean; same_district: boolean;
}

/** The name a person reads for a unit row of UNIT_LABEL_SQL. */
export const unitLabel = (r: UnitLabelRow) =>
  unitDisplayName(r.name, r.district_name, r.ambiguous, { code: r.code, sameDistrict: r.same_district });

/**
 * Labels for a set of unit codes, in one query; with `at`, each unit named as it was named at that instant (its
 * former names: unit_names), for a report of that instant.
 */
export async function loadUnitRefs(m: EntityManager, codes: Array<string | null | undefined>, at?: Date): Promise<Map<string, UnitRef>> {
  const wanted = [...new Set(codes.filter((c): c is string => !!c))];
  const out = new Map<string, UnitRef>();
  if (!wanted.length) return out;
  const rows: UnitLabelRow[] = await m.query(`${UNIT_LABEL_SQL} WHERE u.code = ANY($1)`, [wanted]);
  const then = at ? await unitNamesAt(m, wanted, at) : null;
  for (const r of rows) {
    const named = then?.get(r.code);
    const name = named?.name ?? r.name;
    const displayName = named ? unitDisplayName(name, r.district_name, named.ambiguous, { code: r.code, sameDistrict: r.same_district }) : unitLabel(r);
    out.set(r.code, { code: r.code, name, displayName, level: r.level, active: r.active, districtName: r.district_name });
  }
  return out;
}
