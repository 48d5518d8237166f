import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../src/common/project-root.js';
import { createDataSource } from '../../src/database/data-source.js';
import { withDatabaseName } from '../../src/database/database-url.js';
import { seedReferenceData } from '../../src/database/reference-data.seeder.js';

/** A hash of everything that shapes the template: migrations and reference data. A change makes a new template. */
function templateHash(): string {
  const root = projectRoot();
  const h = createHash('sha1');
  for (const f of readdirSync(join(root, 'migrations')).sort()) h.update(readFileSync(join(root, 'migrations', f)));
  for (const f of ['src/directory/reference-data.ts', 'src/database/reference-data.seeder.ts', 'src/calendar/holiday-seed.ts', 'data/seed/tra-vinh-administrative-units-2021.csv']) {
    h.update(readFileSync(join(root, f)));
  }
  return h.digest('hex').slice(0, 12);
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const adminUrl = process.env.TEST_ADMIN_URL;
  if (!adminUrl) throw new Error('TEST_ADMIN_URL is not set: run the tests through `npm test` (test/global-setup.mjs)');
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query('SELECT pg_advisory_lock(hashtext($1))', ['hotline-test-databases']);
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A fresh database for one test file, cloned from a template that is migrated and holds the reference data
 * (built once per schema version and kept, so later runs start in milliseconds).
 */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_ADMIN_URL!;
  const template = `hotline_tpl_${templateHash()}`;
  const name = `hotline_t_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (c) => {
    const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (!exists.rowCount) {
      const old = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'hotline\\_tpl\\_%'`);
      for (const r of old.rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
      const building = `${template}_building`;
      await c.query(`CREATE DATABASE "${building}"`);
      const ds = createDataSource(withDatabaseName(adminUrl, building), { extra: { max: 2 } });
      await ds.initialize();
      await ds.runMigrations({ transaction: 'each' });
      await seedReferenceData(ds);
      await ds.destroy();
      await c.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    }
    await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  });
  return {
    url: withDatabaseName(adminUrl, name),
    drop: () => withAdmin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}
