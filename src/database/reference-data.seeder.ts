import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RoutingRule } from '../routing/routing-rule.entity.js';
import { Area } from '../directory/area.entity.js';
import { Category } from '../directory/category.entity.js';
import { DEFAULT_ADMIN_MAP, referenceDataFor, type AdminMap } from '../directory/editions/admin-map.js';
import { Unit } from '../directory/unit.entity.js';
import { CalendarDayRow } from '../calendar/calendar-day.entity.js';
import { holidaySeed } from '../calendar/holiday-seed.js';
import { RecipientList } from '../notifications/recipient-list.entity.js';

/** Years whose holiday table is seeded; an admin edits the table where the government's decision differs. */
export const SEEDED_CALENDAR_YEARS = [2021, 2022, 2023, 2024, 2025, 2026, 2027];

/**
 * Loads areas, units, categories and routing rules of the installation's map (PROVINCE_CODE, ADMIN_UNITS_EDITION;
 * the 2021 Trà Vinh list unless told) into an empty database, in one transaction, with the holiday calendar and the
 * recipient lists. Returns false if data was there (a database holding another province is left as it is, with a
 * warning).
 */
export async function seedReferenceData(ds: DataSource, map: AdminMap = DEFAULT_ADMIN_MAP): Promise<boolean> {
  const logger = new Logger('ReferenceData');
  return ds.transaction(async (m) => {
    // Only one process seeds, even when several start together.
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['seed-reference-data']);
    if ((await m.count(Area)) > 0) {
      if (!(await m.existsBy(Area, { code: map.provinceCode, level: 'province' }))) {
        const held: Array<{ code: string; name: string }> = await m.query(`SELECT code, name FROM areas WHERE level = 'province' ORDER BY code`);
        logger.warn(`PROVINCE_CODE=${map.provinceCode} (${map.edition} list) but the database holds ${held.map((a) => `${a.code} ${a.name}`).join(', ')}: its directory is left as it is`);
      }
      return false;
    }
    const { areas, units, categories, rules } = referenceDataFor(map);
    for (const level of ['province', 'district', 'commune']) {
      const rows = areas.filter((a) => a.level === level);
      if (rows.length) await m.insert(Area, rows);
    }
    // parents first: the top units, then those under them, level by level
    let left = units;
    const inserted = new Set<string>();
    while (left.length) {
      const ready = left.filter((u) => u.parentCode === null || inserted.has(u.parentCode));
      if (!ready.length) throw new Error(`units whose parent is not in the seed: ${left.map((u) => u.code).join(', ')}`);
      await m.insert(Unit, ready);
      for (const u of ready) inserted.add(u.code);
      left = left.filter((u) => !inserted.has(u.code));
    }
    await m.insert(Category, categories);
    await m.insert(RoutingRule, rules);
    await m.insert(CalendarDayRow, SEEDED_CALENDAR_YEARS.flatMap((y) => holidaySeed(y)));
    await m.insert(RecipientList, [
      { code: 'leadership', name: 'Lãnh đạo nhận báo cáo hằng ngày', emails: [] },
      { code: 'coordinators', name: 'Điều phối viên nhận thông báo trễ hạn', emails: [] },
    ]);
    logger.log(`loaded ${areas.length} areas, ${units.length} units, ${categories.length} categories (province ${map.provinceCode}, ${map.edition} list)`);
    return true;
  });
}
