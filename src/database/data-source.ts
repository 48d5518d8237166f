import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { loadSettings, type Settings } from '../../config/settings.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';
import { SnakeNamingStrategy } from './naming-strategy.js';

/** The limits of the application's pool (settings DATABASE_*_TIMEOUT_MS). */
export interface DatabaseTimeouts {
  /** Opening a new connection. */
  connectMs: number;
  /** Waiting for a free connection of the pool while all are busy. */
  poolWaitMs: number;
  /** PostgreSQL's statement_timeout for every session of the pool; a transaction may raise it with SET LOCAL. */
  statementMs: number;
  /** A query unanswered this long makes the pool check that the server answers at all (see stallAwareClient). */
  queryMs: number;
}

const TIMEOUT_SETTINGS = ['DATABASE_CONNECT_TIMEOUT_MS', 'DATABASE_POOL_WAIT_MS', 'DATABASE_STATEMENT_TIMEOUT_MS', 'DATABASE_QUERY_TIMEOUT_MS'] as const;

export function databaseTimeouts(s: Pick<Settings, (typeof TIMEOUT_SETTINGS)[number]>): DatabaseTimeouts {
  return {
    connectMs: s.DATABASE_CONNECT_TIMEOUT_MS,
    poolWaitMs: Math.max(s.DATABASE_POOL_WAIT_MS, s.DATABASE_CONNECT_TIMEOUT_MS),
    statementMs: s.DATABASE_STATEMENT_TIMEOUT_MS,
    queryMs: s.DATABASE_QUERY_TIMEOUT_MS,
  };
}

/** The timeouts set in the environment (validated like every setting), else the defaults. */
function timeoutsFromEnvironment(): DatabaseTimeouts {
  return databaseTimeouts(loadSettings(Object.fromEntries(TIMEOUT_SETTINGS.map((k) => [k, process.env[k]]))));
}

function baseOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    migrationsTransactionMode: 'each',
    extra: { max: 10 },
  } as DataSourceOptions;
}

/**
 * The application's pool: a request or a job never waits on the database beyond its limits. A new connection not
 * open within `connectMs`, no free connection within `poolWaitMs` (all busy), a statement past `statementMs`, or a
 * server that stopped answering (see stallAwareClient) end in an error that the HTTP layer answers with 503; the
 * pool opens fresh connections when the server is back. pg-pool's one timeout would bound both the opening and the
 * wait for a free connection: the pool holds the wait's, each client its own for opening (see stallAwareClient).
 */
export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}, timeouts: DatabaseTimeouts = timeoutsFromEnvironment()): DataSourceOptions {
  const { extra: pool, ...rest } = extra as { extra?: Record<string, unknown> };
  return {
    ...baseOptions(url),
    ...rest,
    extra: {
      max: 10,
      connectionTimeoutMillis: timeouts.poolWaitMs,
      statement_timeout: timeouts.statementMs,
      // no JIT compilation: the application's statements are short lookups through indexes, yet a misestimate can
      // pass jit_above_cost (the queue's duplicates lookups did), and compiling then took seconds for milliseconds of
      // work; the report's large reads were measured with it off (npm run bench)
      options: '-c jit=off',
      keepAlive: true,
      Client: stallAwareClient(timeouts),
      ...pool,
    },
  } as DataSourceOptions;
}

/**
 * A data source for tools (migrations, reference data, the CLI, benchmarks, tests' templates): no statement limit, as
 * a migration or a bulk load may rightly take minutes.
 */
export function createDataSource(url: string, extra: Partial<DataSourceOptions> = {}): DataSource {
  return new DataSource({ ...baseOptions(url), ...extra } as DataSourceOptions);
}

/** An error PostgreSQL itself sent: the server is running (too many connections, a password refused …). */
function isAnswerFromServer(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57P');
}

/** Whether the server answers a new connection and `SELECT 1` within `ms`. */
async function serverAnswers(config: pg.ClientConfig, ms: number): Promise<boolean> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: ms, query_timeout: ms });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (e) {
    return isAnswerFromServer(e);
  } finally {
    void client.end().catch(() => undefined);
  }
}

/**
 * The pool's client class. PostgreSQL frozen (SIGSTOP, a host or network gone) leaves a query waiting forever, and
 * every query queued behind it on that connection; statement_timeout cannot help (the server is not running it).
 * So a query still unanswered after `queryMs` makes the client check, on a connection of its own, that the server
 * answers `SELECT 1` within `connectMs` (one check at a time, shared by every query waiting then). When it does
 * not, the connection is closed: its query fails at once ("Connection terminated", answered 503) and the pool drops
 * it. When it does, the statement is merely long and is left to run (statement_timeout bounds it); checked again
 * every `queryMs` meanwhile.
 */
function stallAwareClient(timeouts: DatabaseTimeouts): typeof pg.Client {
  const logger = new Logger('Database');
  let check: Promise<boolean> | null = null;
  const answers = (config: pg.ClientConfig) => (check ??= serverAnswers(config, timeouts.connectMs).finally(() => (check = null)));

  return class StallAwareClient extends pg.Client {
    constructor(private readonly connectionConfig: pg.ClientConfig) {
      // opening a connection has its own, shorter bound than the pool's wait for a free one
      super({ ...connectionConfig, connectionTimeoutMillis: timeouts.connectMs });
    }

    // the overloads of pg's query() in one signature: the promise form is watched, the others (callback, stream) pass
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override query(...args: any[]): any {
      const result = (pg.Client.prototype.query as (...a: unknown[]) => unknown).apply(this, args);
      if (!result || typeof (result as Promise<unknown>).then !== 'function') return result;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const watch = () => {
        timer = setTimeout(() => {
          void answers(this.connectionConfig).then((ok) => {
            if (settled) return;
            if (ok) return watch();
            logger.warn(`PostgreSQL answered neither a query within ${timeouts.queryMs} ms nor a new connection within ${timeouts.connectMs} ms: connection dropped`);
            void this.end().catch(() => undefined);
          });
        }, timeouts.queryMs);
        timer.unref();
      };
      const done = () => {
        settled = true;
        clearTimeout(timer);
      };
      (result as Promise<unknown>).then(done, done);
      watch();
      return result;
    }
  };
}

export { LONG_READ_STATEMENT_TIMEOUT } from '../common/long-reads.js';
