import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadSettings, SettingsError } from '../config/settings.js';
import { createApp } from './app.setup.js';
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
  const demo = settings.DEMO_USERS ?? db.embedded;
  await prepareDatabase(db.url, { demoUsers: demo });
  const app = await createApp({ settings, databaseUrl: db.url }, levels);
  if (demo) await app.get(DemoDataService).seedIfEmpty();
  const stop = async () => {
    await app.close();
    await db.server?.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen(settings.PORT);
  logger.log(`serving on http://localhost:${settings.PORT} (API documentation at /docs)`);
}

main().catch((e: unknown) => {
  // one clear line for a setting or a missing service; a stack trace only for the unexpected
  if (e instanceof SettingsError) console.error(e.message);
  else if (e instanceof Error && /^Redis is not reachable/.test(e.message)) console.error(e.message);
  else console.error(e);
  process.exit(1);
});
