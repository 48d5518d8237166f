/**
 * `npm run bench`: how the application's speed and memory grow with the data. For every size of BENCH_SCALE
 * (default 10k,1M) it builds a scratch database (migrated as the application migrates, the reference data, then
 * a generated data set: two years of tickets with their events, about 30 % open; see generate.ts), starts the
 * application on it as its own process (`node dist/src/main.js`, workers off) and a process holding its services
 * (service-host.ts: the sweeps and the report), and measures (measures.ts): ticket creation over HTTP against the same
 * rows written with pg, a crisis, the sweeps, the report and its spreadsheet, the overdue list, the ticket list,
 * the memory of the processes, and `npm start` when nothing changed. Every figure at every scale, in interleaved
 * rounds (median), with the ratio of the largest scale to the smallest. The scratch databases are dropped at the
 * end, also on failure or Ctrl-C (BENCH_KEEP=1 keeps them). Nothing here asserts a time.
 *
 *   BENCH_SCALE=10k,1M  BENCH_ROUNDS=5  BENCH_HEAVY_ROUNDS=3  BENCH_CREATE=2000  BENCH_CONCURRENCY=32  BENCH_KEEP=0
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadSettings } from '../config/settings.js';
import { addDays, localDate } from '../src/common/vn-time.js';
import { cutoffOf } from '../src/reports/report.service.js';
import { readConfig, scaleLabel, type BenchConfig } from './config.js';
import { generateData } from './generate.js';
import { HttpClient } from './http.js';
import { measureCreation, measureLateSweeps, measureLists, measureQuietSweeps, measureReads, sessionCookie, type Scale } from './measures.js';
import { AppProcess, freePort, productionNodeOptions, ServiceHost, timeToServing, type AppEnv } from './processes.js';
import { BENCH_PASSWORD, prepareBenchDatabase, ScratchServer } from './scratch.js';
import { median } from './stats.js';
import { Results, type Cell } from './table.js';

const log = (m: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);

/** Everything started, to be stopped and dropped whatever happens. */
class Cleanup {
  private readonly steps: Array<() => Promise<unknown>> = [];
  private running: Promise<void> | null = null;

  add(step: () => Promise<unknown>): void {
    this.steps.unshift(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps) await step().catch((e) => log(`cleanup: ${e instanceof Error ? e.message : e}`));
    })();
    return this.running;
  }
}

async function login(http: HttpClient, username: string): Promise<string> {
  const res = await http.json<{ accessToken: string }>('POST', '/api/auth/login', { json: { username, password: BENCH_PASSWORD } });
  return res.accessToken;
}

/** Removes the keys the bench's application processes left in Redis (their queue prefix). */
async function clearRedis(prefixes: string[]): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

async function buildScale(server: ScratchServer, n: number, now: Date, cleanup: Cleanup, cfg: BenchConfig, prefixes: string[]): Promise<Scale> {
  const label = scaleLabel(n);
  const dbName = `hotline_bench_${process.pid}_${label.toLowerCase()}`;
  log(`${label}: scratch database ${dbName}`);
  const url = await server.create(dbName);
  if (!cfg.keep) cleanup.add(() => server.drop(dbName));
  const users = await prepareBenchDatabase(url);
  const settings = loadSettings();
  const db = new pg.Client({ connectionString: url });
  db.on('error', (e) => log(`${label}: generation session: ${e.message}`));
  await db.connect();
  const gen = await generateData(db, n, now, settings, users, (m) => log(`${label}:${m}`)).finally(() => db.end());
  log(`${label}: ${gen.tickets.toLocaleString('en-US')} tickets, ${gen.events.toLocaleString('en-US')} events in ${gen.seconds.toFixed(0)} s`);

  const env: AppEnv = {
    DATABASE_URL: url, QUEUE_PREFIX: `bench-${process.pid}-${label.toLowerCase()}`,
    JWT_SECRET: randomBytes(32).toString('hex'), PORT: String(await freePort()),
  };
  prefixes.push(env.QUEUE_PREFIX);
  const app = await AppProcess.start(env);
  cleanup.add(() => app.stop());
  const idleRss = app.memory()?.rss ?? NaN;
  const host = await ServiceHost.start({ ...env, PORT: String(await freePort()) });
  cleanup.add(() => host.stop());
  const http = new HttpClient(app.port);
  cleanup.add(async () => http.close());
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', (e) => log(`${label}: bench pool: ${e.message}`));
  cleanup.add(() => pool.end());
  const tokens = { operator: await login(http, users.operator.username), coordinator: await login(http, users.coordinator.username) };
  const today = localDate(now);
  const reportDate = now >= cutoffOf(today, settings.REPORT_CUTOFF_HOUR) ? today : addDays(today, -1);
  return { n, label, dbName, url, users, now, gen, app, idleRss, host, http, tokens, cookie: sessionCookie(tokens.coordinator), pool, reportDate };
}

/** `npm start` on this built checkout (nothing changed), against `node dist/src/main.js` itself. */
async function measureStart(s: Scale, cfg: BenchConfig, results: Results): Promise<void> {
  log('start-up: npm start and node dist/src/main.js');
  const npm: number[] = [];
  const node: number[] = [];
  const rounds = Math.min(cfg.rounds, 3);
  const env = (): Promise<AppEnv> => freePort().then((port) => ({
    DATABASE_URL: s.url, QUEUE_PREFIX: `bench-${process.pid}-start`, JWT_SECRET: randomBytes(32).toString('hex'), PORT: String(port),
  }));
  let failed: Cell = null;
  let rebuilt = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      const viaNpm = await timeToServing('npm', ['start', '--silent'], await env());
      if (viaNpm.rebuilt) rebuilt++;
      npm.push(viaNpm.seconds);
      node.push((await timeToServing(process.execPath, ['dist/src/main.js'], await env())).seconds);
    }
  } catch (e) {
    log(`start-up measure failed: ${e instanceof Error ? e.message : e}`);
    failed = 'failed';
  }
  const only = (v: number[]) => new Map<string, Cell>([[s.label, failed ?? median(v)]]);
  results.add('npm start to "serving", nothing changed since the build', 's', only(npm), { ratio: false });
  results.add('node dist/src/main.js to "serving" (no build step)', 's', only(node), { ratio: false });
  results.note(`Start-up times are measured once, on the ${s.label} database (already migrated): median of ${rounds}.`
    + (rebuilt ? ` In ${rebuilt} of them npm start compiled first: sources changed during the bench.` : ''));
}

async function main(): Promise<void> {
  const cfg = readConfig();
  const cleanup = new Cleanup();
  const prefixes: string[] = [];
  const stop = (signal: string) => {
    log(`${signal}: stopping, dropping the scratch databases`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  const server = await ScratchServer.open();
  cleanup.add(() => server.close());
  cleanup.add(() => clearRedis(prefixes));
  const labels = cfg.scales.map(scaleLabel);
  const results = new Results(labels);
  try {
    // one instant for every data set: the sweeps run at it, so each scale starts from the same state
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    log(`scales ${labels.join(', ')}; ${cfg.rounds} rounds (${cfg.heavyRounds} for the long measures); data set as of ${now.toISOString()}`);
    const scales: Scale[] = [];
    for (const n of cfg.scales) scales.push(await buildScale(server, n, now, cleanup, cfg, prefixes));

    results.startSection('Data set');
    const per = (f: (s: Scale) => number | string) => new Map(scales.map((s) => [s.label, f(s)]));
    results.add('tickets', '', per((s) => s.gen.tickets.toLocaleString('en-US')), { ratio: false });
    results.add('events per ticket', '', per((s) => (s.gen.events / s.gen.tickets).toFixed(2)), { ratio: false });
    results.add('open tickets (of which past their deadline)', '', per((s) =>
      `${(100 * s.gen.open / s.gen.tickets).toFixed(0)} % (${s.gen.overdueOpen.toLocaleString('en-US')})`), { ratio: false });
    results.add('time to build it (set-based SQL)', 's', per((s) => s.gen.seconds));
    results.add('app RSS once started (before any request)', 'MB', per((s) => s.idleRss));

    results.startSection('Start-up');
    await measureStart(scales[0], cfg, results);
    results.startSection('Queries that grow with the data');
    await measureReads(scales, cfg, results, log);
    results.startSection('Sweeps (OverdueService, in the service process)');
    await measureQuietSweeps(scales, cfg, results, log);
    await measureLateSweeps(scales, cfg, results, log);
    results.startSection('Lists and files over HTTP');
    await measureLists(scales, cfg, results, log);
    results.startSection('Ticket creation');
    await measureCreation(scales, cfg, results, log);

    results.note('Each figure is the median of its rounds; the rounds run interleaved across the scales (round 1 at every '
      + 'scale, then round 2 …), so that the load of the machine weighs on every scale alike.');
    results.note(`The application runs as its own process (node ${productionNodeOptions().join(' ')} dist/src/main.js, as npm run start:prod; WORKERS_ENABLED=false); the sweeps and `
      + 'the report run in a second process built from the same AppModule (bench/service-host.ts), with the same node options. Memory: VmRSS sampled '
      + 'every 20 ms and VmHWM (reset per measure through /proc/<pid>/clear_refs).');
    console.log(`\nnpm run bench: ${labels.join(' vs ')} tickets; ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GB, `
      + `node ${process.version}\n`);
    console.log(results.render());
  } catch (e) {
    // said before the clean-up, which may take a while
    log(`failed: ${e instanceof Error ? e.stack ?? e.message : e}`);
    process.exitCode = 1;
  } finally {
    log('cleaning up');
    await cleanup.run();
  }
}

/**
 * Dropping a scratch database (WITH FORCE) ends the sessions still open on it, and a pg client of the failed step
 * that still holds one reports that as an 'error' event nobody listens to any more: not a reason to stop the
 * clean-up half-way.
 */
process.on('uncaughtException', (e: Error & { code?: string }) => {
  if (e.code === '57P01') return log('a session on a dropped scratch database was ended');
  console.error(e);
  process.exit(1);
});

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
