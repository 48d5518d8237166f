import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.js';
import { seedReferenceData } from './reference-data.seeder.js';
import type { AdminMap } from '../directory/editions/admin-map.js';
import { seedDemoUsers } from '../users/demo-users.js';

/**
 * Brings a database up to date before the application boots: migrations (one instance at a time, under an
 * advisory lock), then the reference data when the database is empty, then the demo users when asked.
 */
export async function prepareDatabase(url: string, opts: { demoUsers: boolean; adminMap?: AdminMap }): Promise<void> {
  // no statement limit (a migration may take minutes), but a server that does not answer stops the start-up
  const ds = createDataSource(url, { extra: { max: 2, connectionTimeoutMillis: 10_000 } });
  await ds.initialize();
  try {
    await withAdvisoryLock(ds, 'hotline-migrations', async () => {
      const applied = await ds.runMigrations({ transaction: 'each' });
      if (applied.length) new Logger('Database').log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
    });
    await seedReferenceData(ds, opts.adminMap);
    if (opts.demoUsers) await seedDemoUsers(ds);
  } finally {
    await ds.destroy();
  }
}

async function withAdvisoryLock<T>(ds: DataSource, name: string, fn: () => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    return await fn();
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined);
    await runner.release();
  }
}
