import 'reflect-metadata';
import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { getHeapStatistics } from 'node:v8';
import { Logger, type INestApplication } from '@nestjs/common';
import { loadSettings, SettingsError } from '../config/settings.js';
import { applyServerTimeouts, createApp } from './app.setup.js';
import { resolveDatabase, type ResolvedDatabase } from './database/database-url.js';
import { prepareDatabase } from './database/prepare.js';
import { adminMapOf } from './directory/editions/admin-map.js';
import { DemoDataService } from './demo/demo-data.service.js';
import { assertRedisReachable } from './common/app-redis.js';

const LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

/** What a signal has to stop, filled in as the start-up goes. */
interface Running {
  app?: INestApplication;
  db?: ResolvedDatabase;
  /** Requests received and not yet answered. */
  requests: number;
}

/** Set by the first SIGTERM/SIGINT: the start-up then goes no further. */
let stopping: Promise<void> | undefined;

async function main(): Promise<void> {
  const settings = loadSettings();
  const levels = [...LEVELS.slice(0, LEVELS.indexOf(settings.LOG_LEVEL) + 1)];
  Logger.overrideLogger(levels);
  const logger = new Logger('Main');
  const running: Running = { requests: 0 };
  const onSignal = (signal: NodeJS.Signals) => {
    // a second signal (npm and the terminal both pass on Ctrl-C) changes nothing: SHUTDOWN_TIMEOUT_SECONDS bounds the stop
    if (stopping) return logger.warn(`${signal}: already stopping`);
    stopping = stop(signal, running, settings.SHUTDOWN_TIMEOUT_SECONDS, logger);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await assertRedisReachable(settings.REDIS_URL);
  const db = await resolveDatabase(settings);
  running.db = db;
  // the embedded server's package stopped it on SIGHUP (a terminal closed); so do we, in order
  if (db.server) process.on('SIGHUP', onSignal);
  try {
    if (stopping) return;
    const demo = settings.DEMO_USERS ?? db.embedded;
    await prepareDatabase(db.url, { demoUsers: demo, adminMap: adminMapOf(settings) });
    if (stopping) return;
    const app = await createApp({ settings, databaseUrl: db.url }, levels);
    running.app = app;
    if (stopping) return;
    if (demo) await app.get(DemoDataService).seedIfEmpty();
    (app.getHttpServer() as Server).on('request', (_req, res) => {
      running.requests++;
      res.once('close', () => running.requests--);
    });
    // a client that stops sending is answered 408 and dropped: the whole request within HTTP_REQUEST_TIMEOUT_MS (120 s),
    // its headers within HTTP_HEADERS_TIMEOUT_MS (20 s); an idle kept-alive connection is closed after
    // HTTP_KEEP_ALIVE_TIMEOUT_MS (10 s). Set before listen(): see applyServerTimeouts
    applyServerTimeouts(app.getHttpServer(), settings);
    await app.listen(settings.PORT);
    // `npm start` and `npm run start:prod` cap the heap (--max-old-space-size): without a cap V8 lets garbage grow to
    // a share of the machine's memory before it collects, so a process that needs 200 MB holds 400
    logger.log(`heap limit ${Math.round(getHeapStatistics().heap_size_limit / 2 ** 20)} MB`);
    logger.log(`serving on http://localhost:${settings.PORT} (API documentation at /docs)`);
  } catch (e) {
    if (stopping) return;
    // the embedded PostgreSQL this process started must not outlive a failed start
    await db.server?.stop().catch(() => undefined);
    throw e;
  }
}

/**
 * The orderly stop on SIGTERM or SIGINT (a deploy, Ctrl-C): no new connections; every request already received is
 * answered; the queue workers finish their jobs and the deliveries under way are recorded (a message claimed but not
 * yet being sent goes back to pending); the queues, the pools and the embedded PostgreSQL (when this process
 * started it) are closed; exit 0. Whatever is still running after SHUTDOWN_TIMEOUT_SECONDS is cut short: exit 1.
 */
async function stop(signal: NodeJS.Signals, running: Running, timeoutSeconds: number, logger: Logger): Promise<void> {
  logger.log(`${signal}: stopping within ${timeoutSeconds} s; ${running.requests} request(s) under way`);
  const deadline = setTimeout(() => {
    logger.error(`still stopping after ${timeoutSeconds} s (SHUTDOWN_TIMEOUT_SECONDS): exiting now`);
    process.exit(1);
  }, timeoutSeconds * 1000);
  deadline.unref();
  let code = 0;
  try {
    if (running.app) {
      await drainHttp(running.app.getHttpServer() as Server);
      logger.log('no longer listening; every request received has been answered');
      await running.app.close();
      logger.log('queue workers, queues and database pool closed');
    }
  } catch (e) {
    code = 1;
    logger.error(`error while stopping: ${e instanceof Error ? e.message : e}`);
  }
  try {
    await running.db?.server?.stop();
  } catch (e) {
    code = 1;
    logger.error(`could not stop the embedded PostgreSQL: ${e instanceof Error ? e.message : e}`);
  }
  logger.log(`stopped (exit code ${code})`);
  process.exit(code);
}

/** Time a connection already taken in has to deliver its request once the server stops listening. */
const LAST_REQUESTS_MS = 500;

/**
 * Stops listening and resolves once every connection has closed. A connection taken in just before, whose request
 * is still on its way, has LAST_REQUESTS_MS to deliver it (http.Server#close would close it at once, so the listener
 * is closed alone); then connections without a request under way are closed, and the others as soon as their answer
 * is out. Every answer given meanwhile says `Connection: close`.
 */
function drainHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.prependListener('request', (_req, res) => res.setHeader('Connection', 'close'));
    let idle: NodeJS.Timeout | undefined;
    const last = setTimeout(() => {
      idle = setInterval(() => server.closeIdleConnections(), 100);
    }, LAST_REQUESTS_MS);
    NetServer.prototype.close.call(server, () => {
      clearTimeout(last);
      clearInterval(idle);
      resolve();
    });
  });
}

main().catch((e: unknown) => {
  // one clear line for a setting or a missing service; a stack trace only for the unexpected
  if (e instanceof SettingsError) console.error(e.message);
  else if (e instanceof Error && /^Redis is not reachable/.test(e.message)) console.error(e.message);
  else if (e instanceof Error && 'code' in e && e.code === 'EADDRINUSE') console.error(`Port ${process.env.PORT ?? 3000} is in use: stop the other process or set PORT.`);
  else if (e instanceof Error && 'code' in e && e.code === 'ECONNREFUSED') console.error(`PostgreSQL is not reachable (${e.message}): check DATABASE_URL, or unset it to use the embedded PostgreSQL.`);
  else console.error(e);
  process.exit(1);
});
