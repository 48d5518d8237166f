/**
 * Migration tooling that works the same in CI and on a laptop:
 *   generate <Name>  writes migrations/<timestamp>-<Name>.ts with what the entities need beyond the migrations
 *   check            fails (exit 1) when the entities and the migrations disagree
 *   run              applies pending migrations to DATABASE_URL (or the embedded database)
 * Generate and check work on a scratch database that they create and drop.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { loadSettings } from '../config/settings.js';
import { projectRoot } from '../src/common/project-root.js';
import { createDataSource } from '../src/database/data-source.js';
import { resolveDatabase, resolveScratchServer, withDatabaseName } from '../src/database/database-url.js';

async function withScratchDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const { adminUrl, server } = await resolveScratchServer();
  const name = `migration_check_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  try {
    return await fn(withDatabaseName(adminUrl, name));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    await server?.stop();
  }
}

async function pendingSchemaChanges(url: string) {
  const ds = createDataSource(url);
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    return await ds.driver.createSchemaBuilder().log();
  } finally {
    await ds.destroy();
  }
}

const q = (s: string) => '`' + s.replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';

async function main() {
  const [command, name] = process.argv.slice(2);
  if (command === 'check') {
    const sql = await withScratchDatabase(pendingSchemaChanges);
    if (sql.upQueries.length) {
      console.error('Entities and migrations disagree; run `npm run migration:generate -- <Name>`. Missing:');
      for (const s of sql.upQueries) console.error('  ' + s.query);
      process.exit(1);
    }
    console.log('migrations match the entities');
  } else if (command === 'generate') {
    if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error('usage: migration:generate -- <PascalCaseName>');
    const sql = await withScratchDatabase(pendingSchemaChanges);
    if (!sql.upQueries.length) return console.log('no changes');
    const ts = Date.now();
    const cls = `${name}${ts}`;
    const body = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${cls} implements MigrationInterface {
  name = '${cls}';

  async up(q: QueryRunner): Promise<void> {
${sql.upQueries.map((s) => `    await q.query(${q(s.query)});`).join('\n')}
  }

  async down(q: QueryRunner): Promise<void> {
${sql.downQueries.reverse().map((s) => `    await q.query(${q(s.query)});`).join('\n')}
  }
}
`;
    const file = join(projectRoot(), 'migrations', `${ts}-${name}.ts`);
    writeFileSync(file, body);
    console.log(`wrote ${file}; add ${cls} to migrations/index.ts`);
  } else if (command === 'run') {
    const db = await resolveDatabase(loadSettings());
    const ds = createDataSource(db.url);
    await ds.initialize();
    const done = await ds.runMigrations({ transaction: 'each' });
    console.log(`applied ${done.length} migration(s)`);
    await ds.destroy();
    await db.server?.stop();
  } else {
    throw new Error('usage: migrations.ts check | generate <Name> | run');
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
