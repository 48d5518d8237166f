import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { productionNodeOptions } from '../bench/processes.js';
import { projectRoot } from '../src/common/project-root.js';
import { DeliveryService } from '../src/notifications/delivery.service.js';
import { createTestDatabase } from './support/database.js';
import { SmtpRelay } from './support/smtp-relay.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { freePort, sleep } from './support/wait.js';
import type { AddressInfo } from 'node:net';

/**
 * A deploy stops the process with SIGTERM (issue 12): the built server (dist/src/main.js, as `npm run start:prod`
 * runs it) stops taking connections, answers every request it has received, finishes the e-mail it is sending and
 * records it as sent, and exits 0, before SHUTDOWN_TIMEOUT_SECONDS. It is run on a database of its own, with
 * DATABASE_URL set (so the embedded PostgreSQL's package, and its own signal handler, stay out of it).
 */

const root = projectRoot();
/** A build of its own (same tsconfig.build.json as `npm run build`), so that a build elsewhere in the tree cannot race it. */
const buildDir = join(root, 'var', `test-build-${randomBytes(4).toString('hex')}`);


/** A mail relay that takes each message's data and answers only once opened: a delivery stays under way meanwhile. */
class GatedRelay {
  readonly subjects: string[] = [];
  private open = false;
  private readonly held: Array<() => void> = [];
  private dataSeen!: () => void;
  /** Resolves when the first message's data has arrived (its delivery is under way). */
  readonly sending = new Promise<void>((resolve) => (this.dataSeen = resolve));
  private readonly server = new SMTPServer({
    disabledCommands: ['STARTTLS'], authOptional: true, logger: false, disableReverseLookup: true,
    onData: (stream, _session, callback) => {
      simpleParser(stream).then((mail) => {
        this.dataSeen();
        const accept = () => {
          this.subjects.push(mail.subject ?? '');
          callback();
        };
        if (this.open) accept();
        else this.held.push(accept);
      }, callback);
    },
  });
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.url = `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
    return this;
  }

  release(): void {
    this.open = true;
    for (const accept of this.held.splice(0)) accept();
  }

  close(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

interface Outcome { status?: number; error?: string; body?: string }

/** One request on a connection of its own; the body, when given as two parts, is sent in two goes (see `rest`). */
function call(port: number, method: string, path: string, body?: string): { done: Promise<Outcome>; rest: () => void } {
  let finish: () => void = () => undefined;
  const done = new Promise<Outcome>((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    if (body === undefined) return void req.end();
    // the first bytes now, the rest when asked: the server has received the request and waits for its body
    req.write(body.slice(0, 10));
    finish = () => void req.end(body.slice(10));
  });
  return { done, rest: () => finish() };
}

describe('SIGTERM and SIGINT stop the built server in order', () => {
  let db: { url: string; drop: () => Promise<void> };
  let relay: GatedRelay;
  let redis: Redis;
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const uploads = join(root, 'var', `test-uploads-${prefix}`);

  beforeAll(async () => {
    // type errors elsewhere in the tree do not stop tsc from writing JavaScript; the file below must exist
    await new Promise<void>((resolve, reject) => {
      const tsc = spawn(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', buildDir, '--incremental', 'false'], { cwd: root, stdio: 'ignore' });
      tsc.on('error', reject);
      tsc.on('close', () => resolve());
    });
    if (!existsSync(join(buildDir, 'src/main.js'))) throw new Error('the build did not produce src/main.js');
    mkdirSync(uploads, { recursive: true });
    db = await createTestDatabase();
    relay = await new GatedRelay().start();
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  }, 240_000);

  afterAll(async () => {
    const keys = await redis?.keys(`${prefix}:*`);
    if (keys?.length) await redis.del(...keys);
    redis?.disconnect();
    await relay?.close();
    await db?.drop();
    rmSync(buildDir, { recursive: true, force: true });
    rmSync(uploads, { recursive: true, force: true });
  });

  /** Starts dist/src/main.js as `npm run start:prod` does; resolves once it serves. */
  async function startServer(port: number): Promise<{ child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
    // with the node options of `npm run start:prod`, as a deploy starts it
    const child = spawn(process.execPath, [...productionNodeOptions(), join(buildDir, 'src/main.js')], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'log', PORT: String(port),
        DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', QUEUE_PREFIX: prefix,
        JWT_SECRET: randomBytes(32).toString('hex'), WORKERS_ENABLED: 'true', OUTBOX_POLL_MS: '200', UPLOAD_DIR: uploads,
        SMTP_URL: relay.url, SMTP_IGNORE_TLS: 'true', MAIL_ONLY_IN_WORKING_TIME: 'false', SHUTDOWN_TIMEOUT_SECONDS: '20',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const end = Date.now() + 60_000;
    while (!out.includes('serving on')) {
      if (child.exitCode !== null || Date.now() > end) throw new Error(`the server did not start:\n${out}`);
      await sleep(100);
    }
    return { child, output: () => out, exited };
  }

  it('SIGTERM during a burst: no new connection, every request received answered, the mail under way sent once, exit 0', async () => {
    const port = await freePort();
    const server = await startServer(port);
    // the production command caps the heap (package.json start:prod, the Dockerfile): ~512 MB of old space plus the
    // young generation; V8's own limit on this machine would be several GB
    const heapLimit = Number(/heap limit (\d+) MB/.exec(server.output())?.[1]);
    expect(heapLimit).toBeGreaterThanOrEqual(512);
    expect(heapLimit).toBeLessThan(640);
    let admin: pg.Client | undefined;
    try {
      // an e-mail to deliver: the relay takes it; the mail server holds its answer, so the delivery is under way
      admin = new pg.Client({ connectionString: db.url });
      admin.on('error', () => undefined);
      await admin.connect();
      const [{ id }] = (await admin.query(
        `INSERT INTO outbox_messages (channel, dedupe_key, payload, status, attempts, available_at, created_at)
         VALUES ('email', $1, $2, 'pending', 0, now(), now()) RETURNING id`,
        [`shutdown-test:${prefix}`, { to: ['nguoidan@example.vn'], subject: 'Thư đang gửi khi dừng', text: 'Nội dung' }],
      )).rows;
      await relay.sending;

      // requests whose body is still coming, then a burst, then SIGTERM
      const slow = Array.from({ length: 5 }, (_, i) => call(port, 'POST', '/api/public/app-installs', JSON.stringify({ platform: 'android', installationId: `cai-dat-${prefix}-${i}` })));
      await sleep(500);
      let answered = 0;
      const burst = Array.from({ length: 60 }, () => call(port, 'GET', '/health').done.then((o) => {
        if (o.status) answered++;
        return o;
      }));
      while (answered < 5) await sleep(5);
      server.child.kill('SIGTERM');
      const stoppingSeen = Date.now() + 10_000;
      while (!server.output().includes('SIGTERM: stopping') && Date.now() < stoppingSeen) await sleep(20);

      // no longer listening: a new connection is refused, or reset if it reached the closing listener (the requests
      // under way are not done yet)
      expect((await call(port, 'GET', '/health').done).error).toMatch(/^(ECONNREFUSED|ECONNRESET)$/);
      for (const s of slow) s.rest();
      await sleep(300);
      relay.release();

      const exit = await server.exited;
      const slowOutcomes = await Promise.all(slow.map((s) => s.done));
      const burstOutcomes = await Promise.all(burst);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(slowOutcomes.map((o) => o.status)).toEqual([201, 201, 201, 201, 201]);
      // each request of the burst was answered, or its connection (not taken in yet when the listener closed) refused
      expect(burstOutcomes.filter((o) => !(o.status === 200 || o.error === 'ECONNREFUSED' || o.error === 'ECONNRESET'))).toEqual([]);
      expect(burstOutcomes.filter((o) => o.status === 200).length).toBeGreaterThanOrEqual(5);
      expect(server.output()).toContain('stopped (exit code 0)');
      expect(server.output()).not.toMatch(/ERROR/);

      // the mail went out once and is recorded as sent: a restart will not send it again
      expect(relay.subjects).toEqual(['Thư đang gửi khi dừng']);
      const row = (await admin.query(`SELECT status, attempts FROM outbox_messages WHERE id = $1`, [id])).rows[0];
      expect(row).toEqual({ status: 'sent', attempts: 1 });
      const installs = (await admin.query(`SELECT count(*)::int AS n FROM app_installs WHERE installation_id LIKE $1`, [`cai-dat-${prefix}-%`])).rows[0];
      expect(installs.n).toBe(5);
    } finally {
      await admin?.end();
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 90_000);

  it('SIGINT (Ctrl-C) stops an idle server the same way: exit 0', async () => {
    const server = await startServer(await freePort());
    try {
      server.child.kill('SIGINT');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.output()).toContain('SIGINT: stopping');
      expect(server.output()).toContain('stopped (exit code 0)');
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('the production command', () => {
  it('npm start and the Dockerfile start the application with the node options of npm run start:prod (the heap cap)', () => {
    const options = productionNodeOptions();
    expect(options).toContain('--max-old-space-size=512');
    const scripts = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toMatch(new RegExp(`&& node ${options.join(' ')} dist/src/main\\.js$`));
    const cmd = /^CMD (.+)$/m.exec(readFileSync(join(projectRoot(), 'Dockerfile'), 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(['node', ...options, 'dist/src/main.js']);
  });
});

describe('a message claimed when the process stops', () => {
  let relay: SmtpRelay;
  let t: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    relay = await new SmtpRelay().start();
    t = await startTestApp({ env: { SMTP_URL: relay.url, SMTP_IGNORE_TLS: 'true', MAIL_ONLY_IN_WORKING_TIME: 'false' } });
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
    await relay?.close();
  });

  it('is handed back unsent (pending, the attempt not counted) and sent once by a running instance, at once', async () => {
    const [{ id }] = await t.ds.query(
      `INSERT INTO outbox_messages (channel, dedupe_key, payload, status, attempts, available_at, created_at)
       VALUES ('email', 'claimed-at-stop', $1, 'pending', 0, $2, $2) RETURNING id`,
      [{ to: ['nguoidan@example.vn'], subject: 'Thư nhận gửi lúc dừng', text: 'Nội dung' }, t.clock.now()],
    );
    const delivery = t.app.get(DeliveryService);
    // the claim is on its way to the database when the process starts stopping
    const claimed = delivery.deliver(id);
    await delivery.onModuleDestroy();
    expect(await claimed).toBe('skipped');
    expect(await delivery.deliver(id)).toBe('skipped');
    const [row] = await t.ds.query(`SELECT status, attempts, claimed_at FROM outbox_messages WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'pending', attempts: 0, claimed_at: null });
    expect(relay.mails).toHaveLength(0);

    other = await startTestApp({ alongside: t, clock: t.clock });
    expect(await other.app.get(DeliveryService).deliver(id)).toBe('sent');
    expect(await other.app.get(DeliveryService).deliver(id)).toBe('skipped');
    expect(relay.mails.map((m) => m.subject)).toEqual(['Thư nhận gửi lúc dừng']);
  });
});
