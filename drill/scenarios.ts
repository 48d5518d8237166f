/**
 * The drill's scenarios (README "Faults"), each against the drill's own processes (drill/cluster.ts) under the load
 * of drill/load.ts, each ending with the checks of drill/verify.ts:
 *  - sigterm: deploys during a burst: SIGTERM to one instance, then the other, each restarted, several rounds;
 *  - redis: FLUSHALL, then redis-server stopped and started again empty: the repeating jobs come back by themselves;
 *  - database: every process of the PostgreSQL cluster frozen (SIGSTOP), then stopped (pg_ctl stop -m fast):
 *    503 with Retry-After within the bound, /health naming the database, recovery without a restart;
 *  - fuzz: test/fuzz.e2e-spec.ts with FUZZ_RUNS_FACTOR times its requests, on the drill's PostgreSQL and Redis.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { HttpClient } from '../bench/http.js';
import { plain } from '../bench/processes.js';
import { projectRoot } from '../src/common/project-root.js';
import { IMPORT_COLUMNS } from '../src/tickets/ticket-import.service.js';
import type { SmtpRelay } from '../test/support/smtp-relay.js';
import { sleep, waitFor } from '../test/support/wait.js';
import { log, type AppInstance, type Cleanup, type DrillPostgres, type DrillRedis } from './cluster.js';
import { Load, type Attempt, type Reference } from './load.js';
import { checkTickets, drainOutbox, merge, noFindings, withDb, type Findings, type MailLedger } from './verify.js';

export interface DrillConfig {
  concurrency: number;
  sigtermRounds: number;
  sigtermGapSeconds: number;
  redisDownSeconds: number;
  stallSeconds: number;
  pgDownSeconds: number;
  fuzzFactor: number;
  fuzzSeed: number;
  drainSeconds: number;
  /** An answer of the API must come within this while the database is away (README: 5 s), /health within 2 s. */
  answerBoundMs: number;
  healthBoundMs: number;
}

/** The application's settings the drill's expectations depend on (see appEnvironment). */
export interface AppTimings {
  watchdogMs: number;
  sweepSeconds: number;
  outboxPollMs: number;
  shutdownSeconds: number;
}

export interface Drill {
  cfg: DrillConfig;
  timings: AppTimings;
  cleanup: Cleanup;
  scratch: string;
  pg: DrillPostgres;
  redis: DrillRedis;
  sink: SmtpRelay;
  databaseUrl: string;
  apps: AppInstance[];
  clients: HttpClient[];
  tokens: { operator: string; admin: string };
  ref: Reference;
  ledger: MailLedger;
}

export interface ScenarioResult {
  name: string;
  requests: number | null;
  acknowledged: number | null;
  lost: number;
  doubled: number;
  fiveXx: number;
  findings: Findings;
}

const REQUEST_TIMEOUT_MS = 30_000;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function newLoad(d: Drill, scenario: string): Load {
  return new Load(scenario, d.clients, d.tokens.operator, d.ref, { concurrency: d.cfg.concurrency, timeoutMs: REQUEST_TIMEOUT_MS });
}

/** Both instances serving (a scenario before may have left one down). */
async function ensureServing(d: Drill): Promise<void> {
  for (const app of d.apps) if (!app.up) await app.start();
}

const isAck = (a: Attempt) => a.status !== undefined && a.status >= 200 && a.status < 300;

/** The scenario's figures and the checks every scenario ends with: repetitions, tickets, outbox, mails. */
async function conclude(d: Drill, name: string, load: Load, f: Findings, fiveXx: number): Promise<ScenarioResult> {
  const open = await load.settle(60_000);
  if (open.length) f.notes.push(`${open.length} order(s) still unacknowledged after 60 s of repetitions`);
  merge(f, await checkTickets(d.databaseUrl, name, load.orders));
  const drained = await drainOutbox(d.databaseUrl, d.redis.url, d.sink, d.cfg.drainSeconds, f.notes);
  if (Object.keys(drained.left).length) f.problems.push(`outbox not drained after ${Math.round(drained.seconds)} s: ${JSON.stringify(drained.left)}`);
  else f.notes.push(`outbox drained ${drained.seconds.toFixed(1)} s after the load stopped`);
  merge(f, await d.ledger.check(d.databaseUrl, name));
  const attempts = load.attempts;
  const errors = new Map<string, number>();
  for (const a of attempts) if (a.error) errors.set(a.error, (errors.get(a.error) ?? 0) + 1);
  if (errors.size) f.notes.push(`requests without an answer: ${[...errors].map(([e, n]) => `${e} ${n}`).join(', ')}`);
  return {
    name, requests: attempts.length, acknowledged: load.orders.filter((o) => o.code).length,
    lost: f.lost, doubled: f.doubled, fiveXx, findings: f,
  };
}

/** Every 5xx answer (but those `allowed`), the first few listed among the problems with when they came. */
function count5xx(attempts: Attempt[], f: Findings, allowed: (a: Attempt) => boolean = () => false): number {
  const bad = attempts.filter((a) => a.status !== undefined && a.status >= 500 && !allowed(a));
  const t0 = attempts[0]?.start ?? 0;
  for (const a of bad.slice(0, 5)) {
    f.problems.push(`${a.status}${a.retryAfter ? ` (Retry-After ${a.retryAfter})` : ''} from instance ${a.instance}, sent ${secs(a.start - t0)} into the load, `
      + `answered in ${secs(a.end - a.start)}: ${a.head ?? ''}`);
  }
  return bad.length;
}

// ---------- sigterm ----------

export async function sigtermScenario(d: Drill): Promise<ScenarioResult> {
  await ensureServing(d);
  const f = noFindings();
  const load = newLoad(d, 'sigterm');
  load.start();
  await sleep(d.cfg.sigtermGapSeconds * 1000);
  for (let round = 1; round <= d.cfg.sigtermRounds; round++) {
    const app = d.apps[(round - 1) % d.apps.length]!;
    const sent = load.attempts.length;
    const exit = await app.terminate(d.timings.shutdownSeconds + 10);
    const restart = await app.start();
    log(`sigterm round ${round}/${d.cfg.sigtermRounds}: ${app.name} exited ${exit.code ?? exit.signal} after ${exit.seconds.toFixed(1)} s, serving again ${restart.toFixed(1)} s later; ${load.attempts.length} requests so far`);
    f.notes.push(`round ${round}: SIGTERM to ${app.name} after ${sent} requests: exit ${exit.code ?? exit.signal} in ${exit.seconds.toFixed(1)} s, restarted in ${restart.toFixed(1)} s`);
    if (exit.code !== 0) f.problems.push(`${app.name} exited ${exit.code ?? exit.signal} on SIGTERM (expected 0):\n${app.output().split('\n').slice(-15).join('\n')}`);
    if (exit.seconds > d.timings.shutdownSeconds) f.problems.push(`${app.name} took ${exit.seconds.toFixed(1)} s to stop (SHUTDOWN_TIMEOUT_SECONDS ${d.timings.shutdownSeconds})`);
    await sleep(d.cfg.sigtermGapSeconds * 1000);
  }
  await load.stop();
  const fiveXx = count5xx(load.attempts, f);
  return conclude(d, 'sigterm', load, f, fiveXx);
}

// ---------- redis ----------

/** Bull's key of a queue's repeatable jobs (QUEUE_PREFIX "drill"); the three the application keeps scheduled. */
const REPEAT_KEYS = ['outbox', 'sla', 'reports'].map((q) => `drill:${q}:repeat`);

async function importOverdue(d: Drill, marker: string): Promise<void> {
  const now = Date.now();
  const row: Record<(typeof IMPORT_COLUMNS)[number], string> = {
    code: '', channel: 'hotline', received_at: new Date(now - 3 * 3600_000).toISOString(), reporter_name: 'Người gọi thử',
    reporter_phone: '0912345678', area_code: d.ref.communes[0]!, category_code: d.ref.categories[0]!,
    content: `Phản ánh quá hạn để thử theo dõi thời hạn ${marker}`, unit_code: 'SO-YTE', due_at: new Date(now - 3600_000).toISOString(),
    resolved_at: '', status: 'assigned', resolution: '',
  };
  const csv = `${IMPORT_COLUMNS.join(',')}\r\n${IMPORT_COLUMNS.map((c) => row[c]).join(',')}\r\n`;
  const up = d.apps.find((a) => a.up)!;
  const res = await fetch(`http://127.0.0.1:${up.port}/api/tickets/import`, {
    method: 'POST', headers: { authorization: `Bearer ${d.tokens.admin}`, 'content-type': 'text/csv' }, body: csv,
  });
  if (!res.ok) throw new Error(`the import of an overdue ticket answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

/**
 * After Redis lost everything: the schedules are made again and deliveries resume, each within the watchdog's
 * period plus the job's own and a margin; a ticket past its deadline is flagged within the same bound; and an
 * acknowledgement written now is delivered (after the mails that waited meanwhile: the relay takes the oldest first).
 */
async function probeRepeatingJobs(d: Drill, load: Load, label: string, since: number, n: number): Promise<Findings> {
  const f = noFindings();
  const bound = d.timings.watchdogMs + d.timings.sweepSeconds * 1000 + d.timings.outboxPollMs + 10_000;
  // a check that fails (Redis not answering yet) counts as "not yet"
  const within = (what: string, check: () => Promise<boolean>, ms = bound) =>
    waitFor(what, () => check().catch(() => false), ms, 100).then(() => performance.now() - since, () => null);
  const redis = new Redis(d.redis.url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  let missing = REPEAT_KEYS;
  try {
    const back = await within('the schedules', async () => {
      const counts = await Promise.all(REPEAT_KEYS.map((k) => redis.zcard(k)));
      missing = REPEAT_KEYS.filter((_, i) => counts[i] === 0);
      return !missing.length;
    });
    if (back === null) f.problems.push(`${label}: the repeating jobs were not all scheduled again within ${secs(bound)}: ${missing.join(', ')} empty`);
    else f.notes.push(`${label}: schedules back after ${secs(back)}`);
  } finally {
    redis.disconnect();
  }
  // a delivery that was under way when Redis lost its data may still arrive during the first second
  const settling = 1000 - (performance.now() - since);
  if (settling > 0) await sleep(settling);
  const mailsBefore = d.sink.received.length;
  const resumed = await within('deliveries', async () => d.sink.received.length > mailsBefore);
  if (resumed === null) {
    f.problems.push(`${label}: no mail delivered within ${secs(bound)}: the outbox relay did not come back`);
  } else f.notes.push(`${label}: deliveries resumed after ${secs(resumed)}`);

  const ack = load.order('citizen');
  await load.send(ack, 0, 10);
  if (!ack.code) {
    f.problems.push(`${label}: the probe report was not accepted (${JSON.stringify(ack.attempts.at(-1))})`);
  } else {
    const backlog = await withDb(d.databaseUrl, async (c) => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_messages WHERE status = 'pending'`)).rows[0]!.n);
    const t0 = performance.now();
    const delivered = await waitFor('the acknowledgement', async () => d.sink.received.some((r) => r.mail.subject?.startsWith(`[${ack.code}]`)), 120_000, 200)
      .then(() => performance.now() - t0, () => null);
    if (delivered === null) f.problems.push(`${label}: the acknowledgement of ${ack.code}, written afterwards, was not delivered within 120 s`);
    else f.notes.push(`${label}: acknowledgement of a report made afterwards delivered in ${secs(delivered)} (behind ${backlog} mails waiting)`);
  }

  const marker = `[drill:redis-overdue:${n}]`;
  await importOverdue(d, marker);
  const t1 = performance.now();
  const flagged = await waitFor('the overdue flag', () => withDb(d.databaseUrl, async (c) =>
    (await c.query(`SELECT 1 FROM tickets WHERE content LIKE $1 AND overdue_at IS NOT NULL`, [`%${marker}%`])).rowCount === 1).catch(() => false), bound, 250)
    .then(() => performance.now() - t1, () => null);
  if (flagged === null) {
    f.lost++;
    f.problems.push(`${label}: lost: a ticket imported past its deadline was not flagged overdue within ${secs(bound)}`);
  } else f.notes.push(`${label}: a ticket imported past its deadline flagged overdue in ${secs(flagged)}`);
  return f;
}

export async function redisScenario(d: Drill): Promise<ScenarioResult> {
  await ensureServing(d);
  const f = noFindings();
  const load = newLoad(d, 'redis');
  load.start();
  await sleep(3000);

  const admin = new Redis(d.redis.url);
  admin.on('error', () => undefined);
  await admin.flushall();
  admin.disconnect();
  const flushed = performance.now();
  log('redis: FLUSHALL done');
  merge(f, await probeRepeatingJobs(d, load, 'FLUSHALL', flushed, 1));
  await sleep(3000);

  await d.redis.stop();
  log(`redis: redis-server stopped for ${d.cfg.redisDownSeconds} s`);
  const downFrom = load.attempts.length;
  await sleep(d.cfg.redisDownSeconds * 1000);
  const during = load.attempts.slice(downFrom);
  f.notes.push(`while Redis was stopped: ${during.length} requests, ${during.filter(isAck).length} answered 2xx`);
  await d.redis.start();
  const restarted = performance.now();
  log('redis: redis-server started again, empty');
  merge(f, await probeRepeatingJobs(d, load, 'restarted empty', restarted, 2));
  await sleep(3000);
  await load.stop();
  const fiveXx = count5xx(load.attempts, f);
  return conclude(d, 'redis', load, f, fiveXx);
}

// ---------- database ----------

interface HealthSample {
  instance: number;
  start: number;
  end: number;
  status?: number;
  database?: string;
  error?: string;
}

/** GET /health on every instance, every 500 ms, each with a generous client timeout (the bound is checked after). */
class HealthWatch {
  readonly samples: HealthSample[] = [];
  private stopped = false;
  private loops: Array<Promise<void>> = [];

  constructor(private readonly clients: HttpClient[]) {}

  start(): void {
    this.loops = this.clients.map(async (client, instance) => {
      while (!this.stopped) {
        const s: HealthSample = { instance, start: performance.now(), end: 0 };
        try {
          const res = await client.request('GET', '/health', { keepBody: true, timeoutMs: 10_000 });
          s.status = res.status;
          s.database = (JSON.parse(res.body!) as { database?: string }).database;
        } catch (e) {
          s.error = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        }
        s.end = performance.now();
        this.samples.push(s);
        await sleep(500);
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}

interface Outage {
  label: string;
  start: number;
  end: number;
  /** When every instance's /health said 200 again. */
  recovered: number;
  /** Until when the load after it counts as "after recovering" (the next outage's start, or the end of the load). */
  calmUntil: number;
}

/** Waits until every instance's /health answers 200; the time it took, or null past `boundMs`. */
async function recovery(d: Drill, boundMs: number): Promise<number | null> {
  const t0 = performance.now();
  return waitFor('the application serving again', async () => {
    const answers = await Promise.all(d.clients.map((c) => c.request('GET', '/health', { timeoutMs: 3000 }).then((r) => r.status, () => 0)));
    return answers.every((s) => s === 200);
  }, boundMs, 200).then(() => performance.now() - t0, () => null);
}

/** The expectations while the database is away, and after it is back. */
function judgeOutage(d: Drill, o: Outage, attempts: Attempt[], health: HealthSample[], f: Findings): void {
  const inside = attempts.filter((a) => a.start >= o.start && a.start < o.end);
  const by = new Map<string, number>();
  for (const a of inside) {
    const k = a.error ? `no answer (${a.error})` : a.status === 503 ? (a.retryAfter ? '503 with Retry-After' : '503 without Retry-After') : String(a.status);
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  const slowest = Math.max(0, ...inside.map((a) => a.end - a.start));
  f.notes.push(`${o.label}: ${inside.length} requests sent meanwhile: ${[...by].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}; slowest answer ${secs(slowest)}`);
  const slow = attempts.filter((a) => a.end - a.start > d.cfg.answerBoundMs && a.end >= o.start && a.start <= o.recovered);
  if (slow.length) f.problems.push(`${o.label}: ${slow.length} answer(s) took longer than ${secs(d.cfg.answerBoundMs)} (slowest ${secs(Math.max(...slow.map((a) => a.end - a.start)))})`);
  const hung = inside.filter((a) => a.error);
  if (hung.length) f.problems.push(`${o.label}: ${hung.length} request(s) got no answer: ${[...new Set(hung.map((a) => a.error))].join(', ')}`);
  const ok = inside.filter(isAck).length;
  if (ok) f.notes.push(`${o.label}: ${ok} request(s) sent while it was away were answered 2xx (under way when it went)`);

  // /health, from 300 ms after the database went until it came back
  const checks = health.filter((h) => h.start >= o.start + 300 && h.end <= o.end);
  const slowHealth = checks.filter((h) => h.end - h.start > d.cfg.healthBoundMs || h.error);
  const notNaming = checks.filter((h) => !h.error && (h.status !== 503 || h.database !== 'down'));
  f.notes.push(`${o.label}: /health checked ${checks.length} times, slowest ${secs(Math.max(0, ...checks.map((h) => h.end - h.start)))}`);
  if (!checks.length) f.problems.push(`${o.label}: /health was not checked while the database was away`);
  if (slowHealth.length) f.problems.push(`${o.label}: /health took longer than ${secs(d.cfg.healthBoundMs)} or did not answer ${slowHealth.length} time(s)`);
  if (notNaming.length) f.problems.push(`${o.label}: /health did not say 503 {database: "down"} ${notNaming.length} time(s): ${JSON.stringify(notNaming[0])}`);

  // serving again: the orders sent from a second after /health said so are answered 2xx
  const after = attempts.filter((a) => a.start >= o.recovered + 1000 && a.end < o.calmUntil);
  const failed = after.filter((a) => !isAck(a));
  if (failed.length) f.problems.push(`${o.label}: after recovering, ${failed.length} of ${after.length} requests were not answered 2xx: ${JSON.stringify(failed[0])}`);
}

export async function databaseScenario(d: Drill): Promise<ScenarioResult> {
  await ensureServing(d);
  const f = noFindings();
  const load = newLoad(d, 'database');
  const health = new HealthWatch(d.clients);
  load.start();
  health.start();
  const outages: Outage[] = [];
  const recover = async (label: string, start: number, end: number) => {
    const took = await recovery(d, 60_000);
    if (took === null) f.problems.push(`${label}: the application did not serve again within 60 s`);
    else f.notes.push(`${label}: every instance healthy again ${secs(took)} after the database was back`);
    const previous = outages.at(-1);
    if (previous) previous.calmUntil = start;
    outages.push({ label, start, end, recovered: performance.now(), calmUntil: Infinity });
  };
  try {
    await sleep(3000);
    const frozen = d.pg.signalAll('SIGSTOP');
    const stallStart = performance.now();
    log(`database: ${frozen} PostgreSQL processes frozen (SIGSTOP) for ${d.cfg.stallSeconds} s`);
    try {
      await sleep(d.cfg.stallSeconds * 1000);
    } finally {
      d.pg.signalAll('SIGCONT');
    }
    const stallEnd = performance.now();
    log('database: PostgreSQL resumed (SIGCONT)');
    await recover(`PostgreSQL frozen ${d.cfg.stallSeconds} s (SIGSTOP of ${frozen} processes)`, stallStart, stallEnd);
    await sleep(5000);

    // from the moment pg_ctl asks: the backends are ended at once
    const downStart = performance.now();
    await d.pg.stopFast();
    log(`database: PostgreSQL stopped (pg_ctl stop -m fast) for ${d.cfg.pgDownSeconds} s`);
    await sleep(d.cfg.pgDownSeconds * 1000);
    // the outage ends when PostgreSQL is asked to start: from then on /health may rightly say it is up
    const downEnd = performance.now();
    await d.pg.start();
    log('database: PostgreSQL started again');
    await recover(`PostgreSQL stopped ${d.cfg.pgDownSeconds} s (pg_ctl stop -m fast)`, downStart, downEnd);
    await sleep(6000);
  } finally {
    await load.stop();
    await health.stop();
  }
  for (const o of outages) judgeOutage(d, o, load.attempts, health.samples, f);
  // 503 with Retry-After is the expected answer while the database is away; any other 5xx is not
  const fiveXx = count5xx(load.attempts, f, (a) => a.status === 503 && a.retryAfter !== undefined && outages.some((o) => a.end >= o.start && a.start <= o.recovered));
  return conclude(d, 'database', load, f, fiveXx);
}

// ---------- fuzz ----------

const FUZZ_FILE = 'test/fuzz.e2e-spec.ts';

/** The fuzz test's requests at factor 1: the sum of the run counts its properties are given (`], <runs>, <seed offset>);`). */
function fuzzBaseRuns(): number {
  const text = readFileSync(join(projectRoot(), FUZZ_FILE), 'utf8');
  return [...text.matchAll(/\],\s*(\d+),\s*\d+\);/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

interface JestReport {
  numTotalTests: number;
  numFailedTests: number;
  testResults: Array<{ message: string; assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }>;
}

export async function fuzzScenario(d: Drill): Promise<ScenarioResult> {
  const f = noFindings();
  // the fuzz test runs the application in its own process: the drill's instances would only take CPU
  for (const app of d.apps) await app.stop();
  const runs = Math.round(fuzzBaseRuns() * d.cfg.fuzzFactor);
  const report = join(d.scratch, 'fuzz.json');
  const out = createWriteStream(join(projectRoot(), 'var', 'drill', 'last', 'fuzz.log'));
  log(`fuzz: ${FUZZ_FILE} with FUZZ_RUNS_FACTOR=${d.cfg.fuzzFactor} (about ${runs} requests), FUZZ_SEED=${d.cfg.fuzzSeed}`);
  const child = spawn(process.execPath, [
    '--experimental-vm-modules', '--no-warnings', join(projectRoot(), 'node_modules/jest/bin/jest.js'),
    '--ci', '--runTestsByPath', FUZZ_FILE, '--json', '--outputFile', report,
  ], {
    cwd: projectRoot(),
    env: {
      ...process.env, DATABASE_URL: d.pg.url('postgres'), REDIS_URL: d.redis.url,
      FUZZ_RUNS_FACTOR: String(d.cfg.fuzzFactor), FUZZ_SEED: String(d.cfg.fuzzSeed),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  d.cleanup.track(child.pid);
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  d.cleanup.untrack(child.pid);
  f.notes.push(`jest exited ${code} after ${secs(performance.now() - t0)}; reproduce with FUZZ_SEED=${d.cfg.fuzzSeed} FUZZ_RUNS_FACTOR=${d.cfg.fuzzFactor} npm test -- ${FUZZ_FILE}`);
  let fiveXx = 0;
  let parsed: JestReport | null = null;
  try {
    parsed = JSON.parse(readFileSync(report, 'utf8')) as JestReport;
  } catch {
    f.problems.push(`jest wrote no report (exit ${code}): see var/drill/last/fuzz.log`);
  }
  if (parsed) {
    if (!parsed.numTotalTests) f.problems.push(`jest ran no test: ${parsed.testResults[0]?.message.slice(0, 500) ?? ''}`);
    for (const t of parsed.testResults.flatMap((r) => r.assertionResults)) {
      if (t.status === 'passed') continue;
      // the failures are listed one a line in the assertion's diff: `+   "500 POST /api/… → …",`
      const lines = plain(t.failureMessages.join('\n')).split('\n').filter((l) => /^\s*\+\s+"(5\d\d |no answer)/.test(l));
      fiveXx += lines.filter((l) => /"5\d\d /.test(l)).length;
      f.problems.push(`${t.title}: ${t.status}${lines.length ? `\n${lines.slice(0, 5).join('\n')}` : `\n${plain(t.failureMessages.join('\n')).slice(0, 600)}`}`);
    }
  }
  return { name: 'fuzz', requests: runs, acknowledged: null, lost: 0, doubled: 0, fiveXx, findings: f };
}
