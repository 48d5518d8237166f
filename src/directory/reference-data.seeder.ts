import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RoutingRule } from '../routing/routing-rule.entity.js';
import { Area } from './area.entity.js';
import { Category } from './category.entity.js';
import { buildRoutingRules, buildUnits, CATEGORIES, loadAreas } from './reference-data.js';
import { Unit } from './unit.entity.js';

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
    logger.log(`loaded ${areas.length} areas, ${units.length} units, ${CATEGORIES.length} categories`);
    return true;
  });
}
