import { createConnection } from 'node:net';
import { Logger } from '@nestjs/common';
import type { Settings } from '../../config/settings.js';
import type { EmbeddedDatabase } from './embedded-postgres.js';

export function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  /** Set when this process started the embedded server and must stop it. */
  server?: EmbeddedDatabase;
}

/**
 * The database the application uses: DATABASE_URL when set; otherwise the embedded PostgreSQL under
 * EMBEDDED_PG_DIR (reused when another process of ours already runs it, started otherwise).
 */
export async function resolveDatabase(settings: Settings): Promise<ResolvedDatabase> {
  if (settings.DATABASE_URL) return { url: settings.DATABASE_URL, embedded: false };
  const server = await startOrReuseEmbedded(settings.EMBEDDED_PG_DIR, settings.EMBEDDED_PG_PORT, 'hotline');
  return { url: server.url, embedded: true, server: server.started ? server : undefined };
}

async function startOrReuseEmbedded(dir: string, port: number, database: string): Promise<EmbeddedDatabase & { started: boolean }> {
  if (await isPortOpen(port)) {
    new Logger('Database').log(`reusing the embedded PostgreSQL already listening on 127.0.0.1:${port}`);
    const base = `postgres://postgres:hotline-embedded@127.0.0.1:${port}`;
    return { url: `${base}/${database}`, adminUrl: `${base}/postgres`, stop: async () => undefined, started: false };
  }
  // imported here only: nothing of the embedded server is loaded when DATABASE_URL is set
  const { startEmbeddedPostgres } = await import('./embedded-postgres.js');
  return { ...(await startEmbeddedPostgres(dir, port, database)), started: true };
}

/**
 * A server on which tests and the migration check may create scratch databases:
 * DATABASE_URL's server; else the local PostgreSQL on 127.0.0.1:5432; else an embedded one under ./var/test-postgres.
 * Returns the URL of its maintenance database.
 */
export async function resolveScratchServer(env: NodeJS.ProcessEnv = process.env): Promise<{ adminUrl: string; server?: EmbeddedDatabase }> {
  if (env.DATABASE_URL) return { adminUrl: withDatabaseName(env.DATABASE_URL, 'postgres') };
  if (await isPortOpen(5432)) return { adminUrl: 'postgres://postgres@127.0.0.1:5432/postgres' };
  const server = await startOrReuseEmbedded('./var/test-postgres', 54330, 'postgres');
  return { adminUrl: server.adminUrl, server: server.started ? server : undefined };
}
