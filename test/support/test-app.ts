import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadSettings, type Settings } from '../../config/settings.js';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { Clock, FixedClock } from '../../src/common/clock.js';
import type { Role } from '../../src/users/user.entity.js';
import { UsersService } from '../../src/users/users.service.js';
import { createTestDatabase } from './database.js';

export const TEST_PASSWORD = 'mat-khau-thu-nghiem';

export interface TestApp {
  app: INestApplication;
  /** supertest bound to the running app */
  http: () => ReturnType<typeof request>;
  clock: FixedClock;
  ds: DataSource;
  settings: Settings;
  /** The variables its settings were read from. */
  env: Record<string, string>;
  databaseUrl: string;
  /** Creates a user with that role (and unit) and returns a bearer token for it. */
  userToken: (role: Role, unitCode?: string | null, username?: string) => Promise<string>;
  close: () => Promise<void>;
}

let counter = 0;

/**
 * Boots the whole application against a database of its own (cloned from the migrated template), the real Redis
 * (with a queue prefix of its own) and a clock the test controls.
 */
export async function startTestApp(opts: {
  now?: string;
  env?: Record<string, string>;
  databaseUrl?: string;
  /**
   * Boots another instance of that application's deployment, as a second process would be: on its database, with its
   * settings (JWT secret, Redis, queue prefix …) and `env` on top. Closing it leaves what it shares in place.
   */
  alongside?: TestApp;
  /** A clock to share (another instance's) instead of one of its own set to `now`. */
  clock?: FixedClock;
} = {}): Promise<TestApp> {
  const { alongside } = opts;
  // a second instance of the application may share another one's database (it then leaves it in place)
  const databaseUrl = alongside?.databaseUrl ?? opts.databaseUrl;
  const db = databaseUrl ? { url: databaseUrl, drop: async () => undefined } : await createTestDatabase();
  const env: Record<string, string> = alongside ? { ...alongside.env, ...opts.env } : {
    NODE_ENV: 'test',
    JWT_SECRET: randomBytes(32).toString('hex'),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    // schedulers and queue workers run only where a test asks for them (they act on the test's clock)
    WORKERS_ENABLED: 'false',
    OUTBOX_POLL_MS: '200',
    ...opts.env,
  };
  const settings = loadSettings(env);
  const clock = opts.clock ?? new FixedClock(new Date(opts.now ?? '2026-03-02T09:00:00+07:00'));
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot({ settings, databaseUrl: db.url })] })
    .overrideProvider(Clock).useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ rawBody: true, logger: ['error'] });
  configureApp(app);
  await app.init();
  const ds = app.get(DataSource);
  const server = app.getHttpServer();
  return {
    app,
    http: () => request(server),
    clock,
    ds,
    settings,
    env,
    databaseUrl: db.url,
    async userToken(role, unitCode = null, username) {
      const name = username ?? `${role.replace('_', '')}${++counter}${randomBytes(2).toString('hex')}`;
      await ds.transaction((m) => UsersService.create(m, { username: name, password: TEST_PASSWORD, role, unitCode }));
      const res = await request(server).post('/api/auth/login').send({ username: name, password: TEST_PASSWORD }).expect(200);
      return res.body.accessToken as string;
    },
    async close() {
      // the queues (and the database) of a deployment belong to its first instance
      if (alongside) return app.close();
      for (const name of ['outbox', 'sla', 'reports', 'intake']) {
        try {
          const queue = app.get<Queue>(getQueueToken(name), { strict: false });
          // an instance whose Redis does not answer would wait for it forever
          await Promise.race([queue.obliterate({ force: true }), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        } catch {
          // queue not registered in this application
        }
      }
      await app.close();
      await db.drop();
    },
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A user to make for a test: a role, or a role with its unit (and username), as `userToken` takes them. */
export type TokenFor = Role | [role: Role, unitCode?: string | null, username?: string];

/** A bearer token for each user, made at once (as `Promise.all` of `t.userToken`), in the order given. */
export function tokensFor<const U extends readonly TokenFor[]>(t: TestApp, users: U): Promise<{ -readonly [K in keyof U]: string }> {
  return Promise.all(users.map((u) => (typeof u === 'string' ? t.userToken(u) : t.userToken(...u)))) as Promise<{ -readonly [K in keyof U]: string }>;
}

/** startTestApp(opts), then a bearer token for each user (tokensFor). */
export async function startTestAppWith<const U extends readonly TokenFor[]>(
  users: U,
  opts: Parameters<typeof startTestApp>[0] = {},
): Promise<{ t: TestApp; tokens: { -readonly [K in keyof U]: string } }> {
  const t = await startTestApp(opts);
  return { t, tokens: await tokensFor(t, users) };
}

/** Makes the app listen on a free port of 127.0.0.1, for a browser; its base URL (http://127.0.0.1:<port>). */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
}

/** The staff pages' session cookie, by the name the tests expect (not read from src/). */
const STAFF_COOKIE = 'tongdai1022_phien';

/** Signs in through the staff sign-in form over HTTP (a 303); the session cookie as a Cookie header ("name=value"). */
export async function sessionCookie(t: TestApp, username: string): Promise<string> {
  const res = await t.http().post('/dang-nhap').type('form').send({ username, password: TEST_PASSWORD });
  expect(res.status).toBe(303);
  return (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${STAFF_COOKIE}=`))!.split(';')[0];
}
