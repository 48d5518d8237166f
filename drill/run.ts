/**
 * `npm run drill [-- <scenario> …]`: the faults of README "Faults" provoked for real on this machine, with the
 * drill's own PostgreSQL, redis-server and SMTP sink, and the application as it runs in production (two instances of
 * `node dist/src/main.js`), under a modest load of ticket creations; then it prints what was lost or doubled (expected:
 * nothing). Scenarios, in this order by default: sigterm, redis, database, fuzz (see drill/scenarios.ts). Not part of
 * `npm test`. Exits 1 when anything was lost, doubled, answered 5xx or otherwise not as expected. Every process it
 * started and its temp folder are removed at the end, also on failure or Ctrl-C; the processes' output is kept in
 * var/drill/last/.
 *
 *   DRILL_CONCURRENCY=8  DRILL_SIGTERM_ROUNDS=4  DRILL_SIGTERM_GAP_SECONDS=4  DRILL_REDIS_DOWN_SECONDS=8
 *   DRILL_STALL_SECONDS=15  DRILL_PG_DOWN_SECONDS=10  DRILL_FUZZ_FACTOR=10  FUZZ_SEED=<random>  DRILL_DRAIN_SECONDS=420
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { HttpClient } from '../bench/http.js';
import { freePort } from '../bench/processes.js';
import { projectRoot } from '../src/common/project-root.js';
import { SmtpRelay } from '../test/support/smtp-relay.js';
import { AppInstance, appEnvironment, Cleanup, createUser, DrillPostgres, DrillRedis, log, newJwtSecret, scratchFolder } from './cluster.js';
import type { Reference } from './load.js';
import { databaseScenario, fuzzScenario, redisScenario, sigtermScenario, type AppTimings, type Drill, type DrillConfig, type ScenarioResult } from './scenarios.js';
import { MailLedger, withDb } from './verify.js';

const SCENARIOS: Record<string, (d: Drill) => Promise<ScenarioResult>> = {
  sigterm: sigtermScenario,
  redis: redisScenario,
  database: databaseScenario,
  fuzz: fuzzScenario,
};

function positive(name: string, fallback: number, integer = true): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!(n > 0) || (integer && !Number.isInteger(n))) throw new Error(`${name} must be a ${integer ? 'whole ' : ''}number above 0, got "${raw}"`);
  return n;
}

function readConfig(): DrillConfig {
  return {
    concurrency: positive('DRILL_CONCURRENCY', 8),
    sigtermRounds: positive('DRILL_SIGTERM_ROUNDS', 4),
    sigtermGapSeconds: positive('DRILL_SIGTERM_GAP_SECONDS', 4),
    redisDownSeconds: positive('DRILL_REDIS_DOWN_SECONDS', 8),
    stallSeconds: positive('DRILL_STALL_SECONDS', 15),
    pgDownSeconds: positive('DRILL_PG_DOWN_SECONDS', 10),
    fuzzFactor: positive('DRILL_FUZZ_FACTOR', 10, false),
    fuzzSeed: positive('FUZZ_SEED', 1 + Math.floor(Math.random() * 2 ** 31)),
    drainSeconds: positive('DRILL_DRAIN_SECONDS', 420),
    answerBoundMs: 5000,
    healthBoundMs: 2000,
  };
}

const PASSWORD = 'drill-mat-khau-1022';

async function login(port: number, username: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${username} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** Some communes and the active categories of the reference data, for the orders' fields. */
async function reference(url: string): Promise<Reference> {
  return withDb(url, async (c) => ({
    communes: (await c.query<{ code: string }>(`SELECT code FROM areas WHERE level = 'commune' ORDER BY code LIMIT 40`)).rows.map((r) => r.code),
    categories: (await c.query<{ code: string }>(`SELECT code FROM categories WHERE active ORDER BY code`)).rows.map((r) => r.code),
  }));
}

/** Everything the scenarios act on, started (the application only when a scenario needs it). */
async function setUp(cfg: DrillConfig, cleanup: Cleanup, withApps: boolean): Promise<Drill> {
  const scratch = scratchFolder(cleanup);
  const pgServer = await DrillPostgres.create(scratch, cleanup);
  await pgServer.start();
  await withDb(pgServer.url(), (c) => c.query('CREATE DATABASE hotline'));
  const databaseUrl = pgServer.url('hotline');
  const redis = await DrillRedis.create(scratch, cleanup);
  await redis.start();
  const sink = await new SmtpRelay().start();
  cleanup.add('close the SMTP sink', () => sink.close());
  log(`redis-server on ${redis.port}, SMTP sink on ${sink.port}`);

  const env = appEnvironment({ databaseUrl, redisUrl: redis.url, smtpUrl: sink.url, uploads: join(scratch, 'uploads'), jwtSecret: newJwtSecret() });
  const timings: AppTimings = {
    watchdogMs: Number(env.REPEATABLE_WATCHDOG_MS), sweepSeconds: Number(env.OVERDUE_SWEEP_SECONDS),
    outboxPollMs: Number(env.OUTBOX_POLL_MS), shutdownSeconds: Number(env.SHUTDOWN_TIMEOUT_SECONDS),
  };
  const d: Drill = {
    cfg, timings, cleanup, scratch, pg: pgServer, redis, sink, databaseUrl, apps: [], clients: [],
    tokens: { operator: '', admin: '' }, ref: { communes: [], categories: [] }, ledger: new MailLedger(sink),
  };
  if (!withApps) return d;

  // the first create-user migrates the database and loads the reference data, as at a real deployment
  await createUser(env, 'drill-admin', 'admin', PASSWORD);
  await createUser(env, 'drill-tongdaivien', 'operator', PASSWORD);
  for (const name of ['app-a', 'app-b']) {
    const app = new AppInstance(name, await freePort(), () => env, cleanup);
    log(`${name}: serving on ${app.port} after ${(await app.start()).toFixed(1)} s`);
    d.apps.push(app);
    const client = new HttpClient(app.port, 32);
    cleanup.add(`close the client of ${name}`, async () => client.close());
    d.clients.push(client);
  }
  d.tokens = { operator: await login(d.apps[0]!.port, 'drill-tongdaivien'), admin: await login(d.apps[0]!.port, 'drill-admin') };
  d.ref = await reference(databaseUrl);
  return d;
}

function table(results: ScenarioResult[]): string {
  const header = ['scenario', 'requests', 'acknowledged', 'lost', 'doubled', '5xx', 'verdict'];
  const verdict = (r: ScenarioResult) => (r.lost || r.doubled || r.fiveXx || r.findings.problems.length ? 'FAIL' : 'ok');
  const rows = results.map((r) => [
    r.name, r.requests === null ? '—' : String(r.requests), r.acknowledged === null ? '—' : String(r.acknowledged),
    String(r.lost), String(r.doubled), String(r.fiveXx), verdict(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)];
  for (const r of results) {
    out.push('', `${r.name}:`);
    for (const n of r.findings.notes) out.push(`  - ${n}`);
    for (const p of r.findings.problems) out.push(`  ! ${p.replace(/\n/g, '\n    ')}`);
  }
  return out.join('\n');
}

async function main(): Promise<number> {
  const asked = process.argv.slice(2).filter((a) => a !== '--');
  const unknown = asked.filter((a) => !(a in SCENARIOS));
  if (unknown.length) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; choose among ${Object.keys(SCENARIOS).join(', ')} (none: all of them)`);
    return 2;
  }
  const names = asked.length ? Object.keys(SCENARIOS).filter((n) => asked.includes(n)) : Object.keys(SCENARIOS);
  const cfg = readConfig();
  rmSync(join(projectRoot(), 'var', 'drill', 'last'), { recursive: true, force: true });
  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping every process the drill started…`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const results: ScenarioResult[] = [];
  try {
    const d = await setUp(cfg, cleanup, names.some((n) => n !== 'fuzz'));
    for (const name of names) {
      log(`scenario ${name}`);
      try {
        results.push(await SCENARIOS[name]!(d));
      } catch (e) {
        results.push({
          name, requests: null, acknowledged: null, lost: 0, doubled: 0, fiveXx: 0,
          findings: { lost: 0, doubled: 0, notes: [], problems: [`the scenario could not run to its end: ${e instanceof Error ? e.stack ?? e.message : e}`] },
        });
      }
    }
    for (const app of d.apps) {
      if (app.errors.length) log(`${app.name} logged ${app.errors.length} ERROR line(s), e.g.: ${app.errors[0]}`);
    }
  } finally {
    await cleanup.run();
  }
  console.log(`\n${table(results)}\n\nprocess output: var/drill/last/`);
  const failed = results.some((r) => r.lost || r.doubled || r.fiveXx || r.findings.problems.length);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
