import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/database/embedded-postgres.js';
import { prepareDatabase } from '../src/database/prepare.js';
import { SESSION_COOKIE } from '../src/web/staff-session.js';
import { bearer, startTestApp, TEST_PASSWORD, type TestApp } from './support/test-app.js';
import { freePort, waitFor } from './support/wait.js';

/**
 * PostgreSQL stopped, then frozen (issue 12): every answer arrives within its bound (supertest's timeout: 5 s for a
 * request, 2 s for /health) and says 503 with Retry-After, in JSON for the API and as a Vietnamese page for the staff
 * pages; /health names the database; the application serves again by itself once PostgreSQL is back. The test has a
 * PostgreSQL of its own (the embedded one, on a free port), so that stopping and freezing it disturbs no one else.
 */

const REQUEST_BOUND_MS = 5000;
const HEALTH_BOUND_MS = 2000;
const MESSAGE = 'Hệ thống đang tạm thời gián đoạn, vui lòng thử lại sau ít phút.';


/** The postmaster (first line of postmaster.pid) and every process it started (the backends, its helpers). */
function serverProcesses(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      // the field after the parenthesised command name: state, then the parent's pid
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
    } catch {
      return false; // ended meanwhile
    }
  }).map(Number);
  return [postmaster, ...children];
}


describe('PostgreSQL stopped or frozen under a running application', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'hotline-outage-'));
  const dataDir = join(scratch, 'pg');
  let port: number;
  let pg: EmbeddedDatabase | undefined;
  let t: TestApp;
  let operator: string;
  let staff: string;
  let username: string;

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    // run as root, PostgreSQL runs as the postgres user, which must reach the data directory
    chmodSync(scratch, 0o755);
    port = await freePort();
    pg = await startEmbeddedPostgres(dataDir, port, 'hotline');
    await prepareDatabase(pg.url, { demoUsers: false });
    t = await startTestApp({ databaseUrl: pg.url });
    operator = await t.userToken('operator');
    username = `dieuphoi${Date.now() % 100000}`;
    staff = await t.userToken('coordinator', null, username);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await pg?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Every way in that needs the database: the API, the login, the citizen app, a staff page, the staff sign-in, the public tracking page. */
  const everyDoor = () => [
    t.http().get('/api/tickets').set(bearer(operator)),
    t.http().post('/api/auth/login').send({ username, password: TEST_PASSWORD }),
    t.http().get('/api/public/reports/PA-2345-6789').query({ phone: '0912345678' }),
    t.http().get('/tickets').set('Cookie', `${SESSION_COOKIE}=${staff}`),
    t.http().post('/dang-nhap').type('form').send({ username, password: TEST_PASSWORD }),
    t.http().post('/tra-cuu').type('form').send({ code: 'PA-2345-6789', phone: '0912345678' }),
  ];

  const expectUnavailable = async () => {
    const answers = await Promise.all(everyDoor().map((r) => r.timeout(REQUEST_BOUND_MS)));
    const [api, login, app, page, signIn, tracking] = answers;
    answers.forEach((res, door) => {
      expect([door, res.status, res.headers['retry-after']]).toEqual([door, 503, expect.stringMatching(/^\d+$/)]);
    });
    for (const res of [api, login, app]) expect(res.body).toEqual({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: MESSAGE });
    for (const res of [page, signIn, tracking]) {
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('Hệ thống tạm thời gián đoạn');
      expect(res.text).toContain(MESSAGE);
    }
    const health = await t.http().get('/health').timeout(HEALTH_BOUND_MS);
    expect([health.status, health.body]).toEqual([503, { status: 'error', database: 'down', redis: 'up' }]);
  };

  const expectServing = async () => {
    // the pool opens new connections by itself: no restart
    await waitFor('the application serving again', () => t.http().get('/health').timeout(HEALTH_BOUND_MS).then((r) => r.status === 200, () => false), 30_000, 200);
    const answers = await Promise.all(everyDoor().map((r) => r.timeout(REQUEST_BOUND_MS)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 404, 200, 303, 404]);
    expect((await t.http().get('/health')).body).toEqual({ status: 'ok', database: 'up', redis: 'up' });
  };

  it('serves before anything happens', async () => {
    await expectServing();
  });

  it('busy, not away: a request that waits for a free connection longer than the connect timeout is served, not refused', async () => {
    // every connection of the pool (10) held by a statement of 3 s: the server answers, it is merely loaded
    const busy = Array.from({ length: 10 }, () => t.ds.query('SELECT pg_sleep(3)'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const res = await t.http().get('/api/tickets').set(bearer(operator)).timeout(REQUEST_BOUND_MS * 2);
    const waited = Date.now() - started;
    await Promise.all(busy);
    expect(res.status).toBe(200);
    // it did wait past DATABASE_CONNECT_TIMEOUT_MS (2 s) for a connection, and was not answered 503 then
    expect(waited).toBeGreaterThan(2_500);
  }, 30_000);

  it('stopped: 503 with Retry-After everywhere, /health names the database; serves again once it is started', async () => {
    await pg!.stop();
    pg = undefined;
    await expectUnavailable();
    // again, now that the pool holds no connection at all
    await expectUnavailable();
    pg = await startEmbeddedPostgres(dataDir, port, 'hotline');
    await expectServing();
  }, 90_000);

  it('frozen (SIGSTOP): 503 with Retry-After within the bound, not a wait for as long as it is frozen; serves again once it resumes', async () => {
    // connections of the pool are open and idle: the frozen server holds them too
    await Promise.all(Array.from({ length: 6 }, () => t.http().get('/api/tickets').set(bearer(operator)).expect(200)));
    const pids = serverProcesses(dataDir);
    expect(pids.length).toBeGreaterThan(1);
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    try {
      await expectUnavailable();
      await expectUnavailable();
    } finally {
      for (const pid of serverProcesses(dataDir)) process.kill(pid, 'SIGCONT');
    }
    await expectServing();
  }, 90_000);
});
