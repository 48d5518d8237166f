import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings, SETTING_NAMES } from '../config/settings.js';
import { projectRoot } from '../src/common/project-root.js';
import { refusedSettings } from './support/settings.js';
import { bearer, startTestApp, type TestApp } from './support/test-app.js';

const root = projectRoot();
/** A build of its own (same tsconfig.build.json as `npm run build`), so that a build elsewhere in the tree cannot race it. */
const buildDir = join(root, 'var', `test-build-${randomBytes(4).toString('hex')}`);

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs node on a file of the build, with extra environment and optional standard input. */
function run(script: string, args: string[], env: Record<string, string>, stdin?: string, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(buildDir, script), ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} did not end within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin.end(stdin);
    else child.stdin.end();
  });
}

const NO_STACK = /\n\s+at |node_modules\//;

describe('settings validation (loadSettings)', () => {
  const problem = (env: Record<string, string>): string => refusedSettings(env).message;

  it('accepts the defaults and reads every setting from the environment', () => {
    const s = loadSettings({});
    expect(s).toMatchObject({ NODE_ENV: 'development', PORT: 3000, REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(s.DATABASE_URL).toBeUndefined();
    const t = loadSettings({ PORT: '8080', DATABASE_URL: 'postgresql://u:p@db.internal:5433/hotline', REDIS_URL: 'rediss://:pw@cache:6380/2', DEMO_USERS: 'no' });
    expect(t).toMatchObject({ PORT: 8080, DATABASE_URL: 'postgresql://u:p@db.internal:5433/hotline', REDIS_URL: 'rediss://:pw@cache:6380/2', DEMO_USERS: false });
    // a socket directory instead of a host
    expect(loadSettings({ DATABASE_URL: 'postgres:///hotline?host=/var/run/postgresql' }).DATABASE_URL).toContain('host=');
  });

  it.each([
    [{ PORT: 'abc' }, /PORT="abc": PORT must be an integer number$/m],
    [{ PORT: '70000' }, /PORT=70000: PORT must not be greater than 65535/],
    [{ PORT: '0' }, /PORT=0: PORT must not be less than 1/],
    [{ DATABASE_URL: 'mysql://root@localhost/hotline' }, /DATABASE_URL="mysql:\/\/root@localhost\/hotline": must be a URL like postgres:\/\//],
    [{ DATABASE_URL: 'localhost:5432/hotline' }, /DATABASE_URL=.*must be a URL like postgres:\/\//],
    [{ DATABASE_URL: 'postgres://' }, /DATABASE_URL="postgres:\/\/": must be a URL like/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL="http:\/\/127.0.0.1:6379": must be a URL like redis:\/\//],
    [{ REDIS_URL: 'redis://127.0.0.1:99999' }, /REDIS_URL=.*must be a URL like redis:\/\//],
    [{ REDIS_URL: '127.0.0.1' }, /REDIS_URL="127.0.0.1": must be a URL like redis:\/\//],
  ])('refuses %j, naming the setting and the reason', (env, expected) => {
    const message = problem(env);
    expect(message).toMatch(/^Invalid settings:/);
    expect(message).toMatch(expected);
    // exactly one setting is named
    expect(message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(1);
  });

  it('names every bad setting at once', () => {
    const message = problem({ PORT: 'x', REDIS_URL: 'x', LOG_LEVEL: 'loud' });
    for (const name of ['PORT', 'REDIS_URL', 'LOG_LEVEL']) expect(message).toMatch(new RegExp(`^  - ${name}=`, 'm'));
  });

  it('never prints a password or a secret', () => {
    const message = problem({ DATABASE_URL: 'mysql://hotline:Rat-Bi-Mat-123@db/hotline', JWT_SECRET: 'ngan-qua-Bi-Mat' });
    expect(message).toMatch(/DATABASE_URL="mysql:\/\/hotline:\*\*\*@db\/hotline"/);
    expect(message).toMatch(/JWT_SECRET=\(hidden\): must be at least 32 characters long/);
    expect(message).not.toMatch(/Rat-Bi-Mat|Bi-Mat/);
  });

  it('refuses production without JWT_SECRET, and accepts it with one', () => {
    expect(problem({ NODE_ENV: 'production' })).toMatch(/JWT_SECRET: is required when NODE_ENV=production/);
    expect(problem({ NODE_ENV: 'production', JWT_SECRET: '' })).toMatch(/JWT_SECRET: is required/);
    expect(loadSettings({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET).toBe('x'.repeat(32));
  });

  it('.env.example lists every setting, each with a comment, with values that pass validation', () => {
    const lines = readFileSync(join(root, '.env.example'), 'utf8').split('\n');
    const listed = new Map<string, { value: string; active: boolean; comment: string }>();
    lines.forEach((line, i) => {
      const m = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      if (!m) return;
      expect([m[2], listed.has(m[2])]).toEqual([m[2], false]);
      listed.set(m[2], { value: m[3], active: !m[1], comment: lines[i - 1] ?? '' });
    });
    expect([...listed.keys()].sort()).toEqual([...SETTING_NAMES].sort());
    for (const [name, { comment }] of listed) expect([name, comment]).toEqual([name, expect.stringMatching(/^# \S.{10,}/)]);
    const env = Object.fromEntries([...listed].filter(([, v]) => v.active).map(([k, v]) => [k, v.value.replace(/^'(.*)'$/, '$1')]));
    const s = loadSettings(env);
    expect(s.MAIL_FROM).toBe('"Tổng đài 1022" <tongdai1022@localhost>');
    // the values shown are the defaults
    const defaults = loadSettings({}) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(s)) expect([k, v]).toEqual([k, defaults[k]]);
  });
});

describe('the built CLI and process start', () => {
  let t: TestApp;
  const userCount = async (username: string) => Number((await t.ds.query('SELECT count(*)::int AS n FROM users WHERE username = $1', [username]))[0].n);

  beforeAll(async () => {
    t = await startTestApp();
    // type errors elsewhere in the tree do not stop tsc from writing JavaScript; the files below must exist
    await new Promise<void>((resolve, reject) => {
      const tsc = spawn(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', buildDir], { cwd: root, stdio: 'ignore' });
      tsc.on('error', reject);
      tsc.on('close', () => resolve());
    });
    for (const f of ['src/cli.js', 'src/main.js']) if (!existsSync(join(buildDir, f))) throw new Error(`the build did not produce ${f}`);
  }, 240_000);
  afterAll(async () => {
    rmSync(buildDir, { recursive: true, force: true });
    await t?.close();
  });

  const cli = (args: string[], password?: string) => run('src/cli.js', ['create-user', ...args], { DATABASE_URL: t.databaseUrl }, password);

  it('create-user makes an admin who can then log in through the API', async () => {
    const res = await cli(['quantri.tinh', '--role', 'admin', '--full-name', 'Quản trị viên tỉnh'], 'Mat-khau-quan-tri-2026\n');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain('created user quantri.tinh (admin)');
    const login = await t.http().post('/api/auth/login').send({ username: 'quantri.tinh', password: 'Mat-khau-quan-tri-2026' }).expect(200);
    expect(login.body.user).toEqual({ username: 'quantri.tinh', fullName: 'Quản trị viên tỉnh', role: 'admin', unitCode: null });
    // an admin-only route accepts the token
    const units = await t.http().post('/api/units').set(bearer(login.body.accessToken)).send({});
    expect(units.status).toBe(400);
    // the trailing newline of `echo` is not part of the password
    await t.http().post('/api/auth/login').send({ username: 'quantri.tinh', password: 'Mat-khau-quan-tri-2026\n' }).expect(401);
    // the creation is in the audit log, by the command line, without the password
    const [entry] = await t.ds.query(`SELECT action, actor_id, actor_name, after FROM audit_entries WHERE subject_type = 'user' AND subject_id = 'quantri.tinh'`);
    expect(entry).toEqual({ action: 'user.create', actor_id: null, actor_name: 'Dòng lệnh (CLI)', after: { username: 'quantri.tinh', fullName: 'Quản trị viên tỉnh', role: 'admin', unitCode: null, active: true } });
  }, 90_000);

  it('create-user binds a unit_staff to the unit given with --unit', async () => {
    const res = await cli(['canbo.hoaloi', '--role', 'unit_staff', '--unit', 'UB-29401'], 'mat-khau-can-bo');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('created user canbo.hoaloi (unit_staff, unit UB-29401)');
    const login = await t.http().post('/api/auth/login').send({ username: 'canbo.hoaloi', password: 'mat-khau-can-bo' }).expect(200);
    expect(login.body.user).toMatchObject({ role: 'unit_staff', unitCode: 'UB-29401' });
  }, 90_000);

  it.each([
    ['a short password', ['ngan.matkhau', '--role', 'admin'], 'ngan', /password.*at least 8 characters/],
    ['an unknown role', ['vai.tro.la', '--role', 'boss'], 'mat-khau-du-dai', /--role must be one of: admin, coordinator, operator, unit_staff, leader/],
    ['no role at all', ['khong.vai.tro'], 'mat-khau-du-dai', /--role must be one of/],
    ['a unit_staff without --unit', ['canbo.khongdonvi', '--role', 'unit_staff'], 'mat-khau-du-dai', /--unit <code> is required for the role unit_staff/],
    ['--unit for an operator', ['tongdaivien', '--role', 'operator', '--unit', 'UB-29401'], 'mat-khau-du-dai', /--unit is only for the roles unit_staff and leader/],
    ['an unknown unit', ['canbo.donvila', '--role', 'unit_staff', '--unit', 'KHONG-CO'], 'mat-khau-du-dai', /--unit: không có đơn vị đang hoạt động mã "KHONG-CO"/],
    ['an unknown option', ['tuy.chon.la', '--role', 'admin', '--email', 'a@b.vn'], 'mat-khau-du-dai', /Unknown option '--email'/],
  ])('create-user refuses %s with a clear message and exit code 1', async (_what, args, password, message) => {
    const res = await cli(args, password);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).not.toMatch(NO_STACK);
    expect(res.stdout).not.toContain('created user');
    expect(await userCount(args[0])).toBe(0);
  }, 90_000);

  it('create-user refuses a username that is taken', async () => {
    expect((await cli(['trung.ten', '--role', 'operator'], 'mat-khau-du-dai')).code).toBe(0);
    const again = await cli(['trung.ten', '--role', 'coordinator'], 'mat-khau-khac-nua');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Tên đăng nhập "trung.ten" đã được sử dụng.');
    const login = await t.http().post('/api/auth/login').send({ username: 'trung.ten', password: 'mat-khau-du-dai' }).expect(200);
    expect(login.body.user.role).toBe('operator');
  }, 90_000);

  it('the server refuses to start without Redis, in one line that names Redis', async () => {
    const res = await run('src/main.js', [], { DATABASE_URL: t.databaseUrl, REDIS_URL: 'redis://127.0.0.1:1', PORT: '39871' });
    expect(res.code).not.toBe(0);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Redis is not reachable at redis:\/\/127\.0\.0\.1:1: .*REDIS_URL/);
    expect(res.stdout.trim()).toBe('');
  }, 90_000);

  it('the server refuses to start with a bad setting, naming it', async () => {
    const port = await run('src/main.js', [], { DATABASE_URL: t.databaseUrl, PORT: 'tam-nghin' });
    expect(port.code).toBe(1);
    expect(port.stderr).toMatch(/PORT="tam-nghin": PORT must be an integer number/);
    expect(port.stderr).not.toMatch(NO_STACK);
    const prod = await run('src/main.js', [], { DATABASE_URL: t.databaseUrl, NODE_ENV: 'production' });
    expect(prod.code).toBe(1);
    expect(prod.stderr).toMatch(/JWT_SECRET: is required when NODE_ENV=production/);
    expect(prod.stderr).not.toMatch(NO_STACK);
  }, 90_000);
});
