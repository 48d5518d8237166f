/**
 * The processes the bench measures: the application as it runs in production (`npm run start:prod`, its own
 * process, so that its memory is its own), the service host (bench/service-host.ts: the application's services
 * in a process of their own, for the sweeps and the report), and `npm start` for the start-up time. Memory is read
 * from /proc/<pid>/status (VmRSS sampled, VmHWM after resetting it through /proc/<pid>/clear_refs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../src/common/project-root.js';

/**
 * The node options of the production command, `npm run start:prod` ("node <options> dist/src/main.js", the heap cap
 * among them): the bench runs the application and the service host with them, as a deploy runs the application.
 */
export function productionNodeOptions(): string[] {
  const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const command = pkg.scripts?.['start:prod'] ?? '';
  const words = command.trim().split(/\s+/);
  const main = words.indexOf('dist/src/main.js');
  if (words[0] !== 'node' || main < 0) throw new Error(`package.json "start:prod" is not "node [options] dist/src/main.js": "${command}"`);
  return words.slice(1, main);
}

/** A TCP port nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM of a process, in MB (null when it is gone). */
export function memoryOf(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Peak resident memory of a process over a window: sampled every 20 ms, and its high-water mark reset at the start. */
export class RssWindow {
  private peak = 0;
  private closedAt: number | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    try {
      // "5" resets the peak RSS (VmHWM) of the process (Linux ≥ 4.0; the owner may write it)
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // not allowed here: the samples still bound the peak from below
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), 20);
  }

  private sample(): void {
    const m = memoryOf(this.pid);
    if (m) this.peak = Math.max(this.peak, m.rss);
  }

  /** Peak RSS in MB from the opening of the window to its (first) closing. */
  close(): number {
    if (this.closedAt !== null) return this.closedAt;
    clearInterval(this.timer);
    const m = memoryOf(this.pid);
    this.closedAt = Math.max(this.peak, m?.rss ?? 0, m?.hwm ?? 0);
    return this.closedAt;
  }
}

/** Keeps the last lines a child printed, to explain a failure. */
export function tail(child: ChildProcess, lines: string[], onLine?: (line: string) => void): void {
  const take = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      onLine?.(line);
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
}

// eslint-disable-next-line no-control-regex
export const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** Resolves when a line matching `ready` is printed; rejects when the child exits first or after `timeoutMs`. */
export function waitForLine(child: ChildProcess, lines: string[], ready: RegExp, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${lines.join('\n')}`)), timeoutMs);
    const onExit = (code: number | null) => fail(new Error(`${what} exited (${code}) before serving:\n${lines.map(plain).join('\n')}`));
    const check = () => {
      if (lines.some((l) => ready.test(plain(l)))) done();
    };
    const done = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', check);
      resolve();
    };
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      reject(e);
    };
    child.once('exit', onExit);
    child.stdout?.on('data', check);
    check();
  });
}

/** SIGTERM (to its process group when `group`), SIGKILL after 10 s; resolves once it has exited. */
export async function stopChild(child: ChildProcess, group = false): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (group) process.kill(-child.pid!, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface AppEnv {
  DATABASE_URL: string;
  QUEUE_PREFIX: string;
  JWT_SECRET: string;
  PORT: string;
}

/** Environment of the bench's application processes: workers off (the bench runs the sweeps), no demo data. */
export function appEnvironment(env: AppEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...env,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    WORKERS_ENABLED: 'false',
    DEMO_USERS: 'false',
    NODE_ENV: 'production',
    LOG_LEVEL: 'log',
    MAIL_INBOUND_PORT: '0',
  };
}

/** `node dist/src/main.js` on a scratch database. */
export class AppProcess {
  private readonly lines: string[] = [];
  /** The application's last warnings and errors (a 503's cause, say), kept apart from the rest of its output. */
  private readonly problems: string[] = [];

  private constructor(private readonly child: ChildProcess, readonly port: number) {}

  static async start(env: AppEnv): Promise<AppProcess> {
    const child = spawn(process.execPath, [...productionNodeOptions(), join(projectRoot(), 'dist/src/main.js')], {
      cwd: projectRoot(), env: appEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(child, Number(env.PORT));
    tail(child, app.lines, (line) => {
      if (!/\b(WARN|ERROR)\b/.test(plain(line))) return;
      app.problems.push(plain(line).trim());
      if (app.problems.length > 20) app.problems.shift();
    });
    await waitForLine(child, app.lines, /serving on http/, 120_000, 'the application');
    return app;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Takes the warnings and errors the application logged since the last call. */
  takeProblems(): string[] {
    return this.problems.splice(0);
  }

  memory() {
    return memoryOf(this.pid);
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

interface HostReply {
  id: number;
  ok: boolean;
  ms?: number;
  result?: unknown;
  error?: string;
}

/** bench/service-host.ts: the application's services in a process of their own, driven over IPC. */
export class ServiceHost {
  private readonly lines: string[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: HostReply) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: HostReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      p.resolve(m);
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`the service host exited (${code}):\n${this.lines.join('\n')}`));
      this.pending.clear();
    });
  }

  static async start(env: AppEnv): Promise<ServiceHost> {
    const child = spawn(process.execPath, [...productionNodeOptions(), join(projectRoot(), 'dist/bench/service-host.js')], {
      cwd: projectRoot(), env: appEnvironment(env), stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const host = new ServiceHost(child);
    tail(child, host.lines);
    // the host says when it listens (id 0); a command sent before would be lost
    await new Promise<HostReply>((resolve, reject) => host.pending.set(0, { resolve, reject }));
    await host.call('ping');
    return host;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Runs a command in the host; `ms` is the time the call took there (the IPC round trip excluded). */
  async call<T = unknown>(cmd: string, ...args: unknown[]): Promise<{ ms: number; result: T }> {
    const id = this.nextId++;
    const reply = await new Promise<HostReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, cmd, args });
    });
    if (!reply.ok) throw new Error(`${cmd}: ${reply.error}`);
    return { ms: reply.ms ?? NaN, result: reply.result as T };
  }

  stop(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    return stopChild(this.child);
  }
}

/**
 * Seconds from launching `command` (in its own process group) until the application says it is serving; then
 * stops the whole group.
 */
export async function timeToServing(command: string, args: string[], env: AppEnv): Promise<{ seconds: number; rebuilt: boolean }> {
  const t0 = performance.now();
  const child = spawn(command, args, { cwd: projectRoot(), env: appEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines: string[] = [];
  let rebuilt = false;
  // scripts/build-if-changed.mjs says "build: …" when it compiles
  tail(child, lines, (line) => {
    if (/^build: /.test(plain(line))) rebuilt = true;
  });
  try {
    await waitForLine(child, lines, /serving on http/, 300_000, `${command} ${args.join(' ')}`);
    return { seconds: (performance.now() - t0) / 1000, rebuilt };
  } finally {
    await stopChild(child, true);
  }
}
