import { getQueueToken } from '@nestjs/bull';
import type { JobInformation, Queue } from 'bull';
import { Redis } from 'ioredis';
import { vietnamWallClock } from '../src/common/vn-time.js';
import { ReportMailerService } from '../src/reports/report-mailer.service.js';
import { nextRunJobId } from '../src/scheduler/repeatable-watchdog.js';
import { SmtpRelay } from './support/smtp-relay.js';
import { bearer, startTestApp, type TestApp } from './support/test-app.js';
import { sleep, waitFor } from './support/wait.js';

/**
 * The repeating jobs that run at a time of day are Bull cron schedules in Viet Nam's time zone: the report mail a
 * minute after the cut-off (REPORT_CUTOFF_HOUR, 16:00), the morning digest at DIGEST_TIME; the sweeps stay on an
 * interval. The watchdog makes them again, as cron schedules, when Redis loses them; a cut-off missed while no
 * worker ran is caught up once when the workers come back (the claim in the database).
 */

const TZ = 'Asia/Ho_Chi_Minh';
const DAILY_SUBJECT = 'Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày 02/03/2026';
const vn = (local: string) => new Date(`${local}+07:00`);

/** A schedule as the test compares it: name, cron and time zone, or interval. */
const shape = (s: JobInformation) => ({ name: s.name, cron: s.cron ?? null, tz: s.tz ?? null, every: s.cron ? null : Number(s.every) });
/** The Viet Nam wall time ("16:01") of a schedule's next run. */
const nextAt = (s: JobInformation) => vietnamWallClock(new Date(s.next)).toISOString().slice(11, 16);

describe('schedules at a time of day', () => {
  let relay: SmtpRelay;
  /** The deployment's first instance: its database and settings; no workers. */
  let t: TestApp;
  /** Instances running the workers and the schedules, one after another. */
  const workers: TestApp[] = [];
  let redis: Redis;
  const queue = (w: TestApp, name: string) => w.app.get<Queue>(getQueueToken(name));
  const schedules = async (w: TestApp) => ({
    reports: (await queue(w, 'reports').getRepeatableJobs()).map(shape),
    sla: (await queue(w, 'sla').getRepeatableJobs()).map(shape).sort((a, b) => a.name.localeCompare(b.name)),
  });
  const EXPECTED = {
    reports: [{ name: 'tick', cron: '1 16 * * *', tz: TZ, every: null }],
    sla: [
      { name: 'digest', cron: '45 7 * * *', tz: TZ, every: null },
      { name: 'tick', cron: null, tz: null, every: 60_000 },
    ],
  };
  const emptyRedis = async () => {
    const keys = await redis.keys(`${t.settings.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    return keys.length;
  };
  const startWorkers = async () => {
    const w = await startTestApp({ alongside: t, clock: t.clock, env: { WORKERS_ENABLED: 'true' } });
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    relay = await new SmtpRelay().start();
    t = await startTestApp({
      now: '2026-03-02T10:00:00+07:00',
      env: {
        DIGEST_TIME: '07:45', REPEATABLE_WATCHDOG_MS: '500', SMTP_URL: relay.url, SMTP_IGNORE_TLS: 'true',
        MAIL_ONLY_IN_WORKING_TIME: 'false', TOKEN_TTL_HOURS: '720',
      },
    });
    redis = new Redis(t.settings.REDIS_URL);
  });
  afterAll(async () => {
    for (const w of workers) await w.close();
    if (redis && t) await emptyRedis();
    redis?.disconnect();
    await t?.close();
    await relay?.close();
  });

  it('the report mail at 16:01 and the digest at DIGEST_TIME are cron schedules in Asia/Ho_Chi_Minh; the sweep is an interval', async () => {
    const w = await startWorkers();
    await waitFor('the schedules made at start-up', async () => (await schedules(w)).sla.length === 2);
    expect(await schedules(w)).toEqual(EXPECTED);
    const [report] = await queue(w, 'reports').getRepeatableJobs();
    const digest = (await queue(w, 'sla').getRepeatableJobs()).find((s) => s.name === 'digest')!;
    expect([nextAt(report), nextAt(digest)]).toEqual(['16:01', '07:45']);
    // the job of each next run is where the watchdog looks for it (its id as Bull makes it for a cron schedule)
    for (const [q, s] of [['reports', report], ['sla', digest]] as const) {
      const job = await queue(w, q).getJob(nextRunJobId(s));
      expect(job?.opts.repeat).toMatchObject({ cron: s.cron, tz: TZ });
    }
  });

  it('emptied Redis: the watchdog makes them again, as the same cron schedules', async () => {
    const [w] = workers;
    expect(await emptyRedis()).toBeGreaterThan(0);
    await waitFor('the schedules made again', async () => {
      const s = await schedules(w);
      return s.reports.length === 1 && s.sla.length === 2;
    });
    expect(await schedules(w)).toEqual(EXPECTED);
  });

  it('a cron schedule whose next run was lost after its time passed is made again', async () => {
    const [w] = workers;
    const sla = queue(w, 'sla');
    const digest = (await sla.getRepeatableJobs()).find((s) => s.name === 'digest')!;
    // Redis kept the schedule, not the job of its next run, and that run's time has passed
    await (await sla.getJob(nextRunJobId(digest)))!.remove();
    const past = Date.now() - 60_000;
    await redis.zadd(`${t.settings.QUEUE_PREFIX}:sla:repeat`, past, digest.key);
    const again = await waitFor('the digest scheduled again', async () =>
      (await sla.getRepeatableJobs()).find((s) => s.name === 'digest' && s.next > past));
    expect(shape(again)).toEqual(EXPECTED.sla[0]);
    expect(await sla.getJob(nextRunJobId(again))).toBeTruthy();
  });

  it('a cut-off missed while no worker ran is caught up once when the workers come back', async () => {
    const admin = await t.userToken('admin');
    await t.http().put('/api/recipient-lists/leadership').set(bearer(admin)).send({ emails: ['lanhdao@travinh.gov.vn'] }).expect(200);
    // reports are due from the first check with someone to send them to: Monday 10:00, before the cut-off
    expect(await t.app.get(ReportMailerService).tick()).toBe(0);
    // the workers stop before Monday's 16:00 cut-off and come back on Tuesday morning, two instances at once
    await workers.shift()!.close();
    t.clock.set(vn('2026-03-03T08:00:00'));
    await Promise.all([startWorkers(), startWorkers()]);
    await waitFor('the missed daily report', async () => relay.received.some((r) => r.mail.subject === DAILY_SUBJECT));
    // a check later (the next cut-off's run, a tick of another instance) finds it claimed
    expect(await workers[0].app.get(ReportMailerService).tick()).toBe(0);
    await sleep(1500);
    expect(relay.received.filter((r) => r.mail.subject === DAILY_SUBJECT).map((r) => r.rcptTo)).toEqual([['lanhdao@travinh.gov.vn']]);
    expect(await t.ds.query(`SELECT kind, to_char(report_date, 'YYYY-MM-DD') AS date FROM sent_reports`)).toEqual([{ kind: 'daily', date: '2026-03-02' }]);
  }, 60_000);
});
