import type { AdminMap } from '../../src/directory/editions/admin-map.js';
import { createDataSource } from '../../src/database/data-source.js';
import { seedReferenceData } from '../../src/database/reference-data.seeder.js';
import { createTestDatabase } from './database.js';
import { startTestApp, type TestApp } from './test-app.js';

/** The tables the seeder fills; in a fresh clone of the template nothing else refers to their rows. */
const SEEDED_TABLES = ['routing_rules', 'units', 'areas', 'categories', 'calendar_days', 'recipient_lists'];

/**
 * A database of its own installed for this map, as `npm start` installs an empty one with PROVINCE_CODE and
 * ADMIN_UNITS_EDITION: the template's clone (which holds the 2021 reference data) is emptied of what the seeder
 * loads, then the seeder runs with the map. Returns its URL and how to drop it.
 */
export async function createEditionDatabase(map: AdminMap): Promise<{ url: string; drop: () => Promise<void> }> {
  const db = await createTestDatabase();
  const ds = createDataSource(db.url, { extra: { max: 1 } });
  await ds.initialize();
  try {
    await ds.query(`TRUNCATE ${SEEDED_TABLES.join(', ')} CASCADE`);
    if (!(await seedReferenceData(ds, map))) throw new Error('the seeder found data in the emptied database');
  } finally {
    await ds.destroy();
  }
  return db;
}

/** The application on a database installed for this map, with the settings that name it; close() drops the database. */
export async function startEditionApp(map: AdminMap, opts: { now?: string; env?: Record<string, string> } = {}): Promise<TestApp> {
  const db = await createEditionDatabase(map);
  try {
    const t = await startTestApp({
      now: opts.now, databaseUrl: db.url,
      env: { PROVINCE_CODE: map.provinceCode, ADMIN_UNITS_EDITION: map.edition, ...opts.env },
    });
    return { ...t, close: async () => { await t.close(); await db.drop(); } };
  } catch (e) {
    await db.drop();
    throw e;
  }
}
