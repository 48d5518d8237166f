import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadSettings, SettingsError } from '../config/settings.js';
import { applyServerTimeouts, createApp } from './app.setup.js';
import { resolveDatabase } from './database/database-url.js';
import { prepareDatabase } from './database/prepare.js';
import { DemoDataService } from './demo/demo-data.service.js';
import { assertRedisReachable } from './health/redis-health.js';

const LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

async function main(): Promise<void> {
  const settings = loadSettings();
  const levels = [...LEVELS.slice(0, LEVELS.indexOf(settings.LOG_LEVEL) + 1)];
  Logger.overrideLogger(levels);
  const logger = new Logger('Main');
  await assertRedisReachable(settings.REDIS_URL);
  const db = await resolveDatabase(settings);
  try {
    const demo = settings.DEMO_USERS ?? db.embedded;
    await prepareDatabase(db.url, { demoUsers: demo });
    const app = await createApp({ settings, databaseUrl: db.url }, levels);
    if (demo) await app.get(DemoDataService).seedIfEmpty();
    const stop = async (signal: string) => {
      logger.log(`${signal}: stopping`);
      try {
        await app.close();
      } catch (e) {
        logger.error(`error while stopping: ${e instanceof Error ? e.message : e}`);
      } finally {
        await db.server?.stop().catch(() => undefined);
        process.exit(0);
      }
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
    // a client that stops sending is answered 408 and dropped: the whole request within HTTP_REQUEST_TIMEOUT_MS (120 s),
    // its headers within HTTP_HEADERS_TIMEOUT_MS (20 s); an idle kept-alive connection is closed after
    // HTTP_KEEP_ALIVE_TIMEOUT_MS (10 s). Set before listen(): see applyServerTimeouts
    applyServerTimeouts(app.getHttpServer(), settings);
    await app.listen(settings.PORT);
    logger.log(`serving on http://localhost:${settings.PORT} (API documentation at /docs)`);
  } catch (e) {
    // the embedded PostgreSQL this process started must not outlive a failed start
    await db.server?.stop().catch(() => undefined);
    throw e;
  }
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
