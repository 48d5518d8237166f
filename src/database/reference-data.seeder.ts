import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RoutingRule } from '../routing/routing-rule.entity.js';
import { Area } from '../directory/area.entity.js';
import { Category } from '../directory/category.entity.js';
import { buildRoutingRules, buildUnits, CATEGORIES, loadAreas } from '../directory/reference-data.js';
import { Unit } from '../directory/unit.entity.js';
import { CalendarDayRow } from '../calendar/calendar-day.entity.js';
import { holidaySeed } from '../calendar/holiday-seed.js';
import { RecipientList } from '../notifications/recipient-list.entity.js';

/** Years whose holiday table is seeded; an admin edits the table where the government's decision differs. */
export const SEEDED_CALENDAR_YEARS = [2021, 2022, 2023, 2024, 2025, 2026, 2027];

/** Loads areas, units, categories and routing rules into an empty database, in one transaction. Returns false if data was there. */
export async function seedReferenceData(ds: DataSource): Promise<boolean> {
  const logger = new Logger('ReferenceData');
  return ds.transaction(async (m) => {
    // Only one process seeds, even when several start together.
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['seed-reference-data']);
    if ((await m.count(Area)) > 0) return false;
    const areas = loadAreas();
    const byLevel = (l: string) => areas.filter((a) => a.level === l);
    for (const level of ['province', 'district', 'commune']) await m.insert(Area, byLevel(level));
    const units = buildUnits(areas);
    await m.insert(Unit, units.filter((u) => u.parentCode === null));
    await m.insert(Unit, units.filter((u) => u.parentCode !== null && u.level === 'district'));
    await m.insert(Unit, units.filter((u) => u.level === 'commune'));
    await m.insert(Category, CATEGORIES);
    await m.insert(RoutingRule, buildRoutingRules(areas));
    await m.insert(CalendarDayRow, SEEDED_CALENDAR_YEARS.flatMap((y) => holidaySeed(y)));
    await m.insert(RecipientList, [
      { code: 'leadership', name: 'Lãnh đạo nhận báo cáo hằng ngày', emails: [] },
      { code: 'coordinators', name: 'Điều phối viên nhận thông báo trễ hạn', emails: [] },
    ]);
    logger.log(`loaded ${areas.length} areas, ${units.length} units, ${CATEGORIES.length} categories`);
    return true;
  });
}
