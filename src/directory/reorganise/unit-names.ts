import type { EntityManager } from 'typeorm';

/**
 * A unit's name history (unit_names): the former name is kept with the instant it ceased, so that a report of an
 * earlier instant names the unit as it was named then. Written in the rename's own transaction.
 */
export async function recordFormerName(m: EntityManager, unitCode: string, formerName: string, at: Date): Promise<void> {
  // in force since the previous rename, if any (null: since the unit was first known)
  await m.query(
    `INSERT INTO unit_names (unit_code, name, valid_from, valid_to)
     SELECT $1::varchar, $2::varchar, (SELECT max(valid_to) FROM unit_names WHERE unit_code = $1::varchar AND valid_to <= $3::timestamptz), $3::timestamptz`,
    [unitCode, formerName, at],
  );
}

/**
 * Each unit's name at `at` ($2) and whether another unit bore the same name then, for the codes $1: the first
 * former name that ceased after `at`, else the current name.
 */
export const NAMES_AT_SQL = `
  WITH named AS (
    SELECT u.code, COALESCE((SELECT n.name FROM unit_names n WHERE n.unit_code = u.code AND n.valid_to > $2
                              ORDER BY n.valid_to LIMIT 1), u.name) AS name
      FROM units u),
  counted AS (SELECT code, name, count(*) OVER (PARTITION BY name) AS bearers FROM named)
  SELECT code, name, bearers > 1 AS ambiguous FROM counted WHERE code = ANY($1)`;

export async function unitNamesAt(m: EntityManager, codes: string[], at: Date): Promise<Map<string, { name: string; ambiguous: boolean }>> {
  const rows: Array<{ code: string; name: string; ambiguous: boolean }> = await m.query(NAMES_AT_SQL, [codes, at]);
  return new Map(rows.map((r) => [r.code, { name: r.name, ambiguous: r.ambiguous }]));
}
