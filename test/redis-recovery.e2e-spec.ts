import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { Redis } from 'ioredis';
import { SmtpRelay } from './support/smtp-relay.js';
import { bearer, startTestApp, type TestApp } from './support/test-app.js';
import { sleep, waitFor } from './support/wait.js';

/**
 * Redis restarted without its data (issue 12): the repeating jobs (outbox relay, overdue sweep, report tick) are
 * scheduled again by the running instance itself, without a restart. Emptied here by deleting every key under the
 * test's own queue prefix (never the whole shared Redis).
 */

const vn = (local: string) => new Date(`${local}+07:00`);


const SCHEDULES = [['outbox', 'relay'], ['sla', 'tick'], ['reports', 'tick']] as const;
const DAILY_SUBJECT = 'Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày 03/03/2026';

describe('the repeating jobs after Redis lost them', () => {
  let relay: SmtpRelay;
  let t: TestApp;
  let redis: Redis;
  const queue = (name: string) => t.app.get<Queue>(getQueueToken(name));
  const scheduled = async () => {
    const found = await Promise.all(SCHEDULES.map(async ([q, name]) => (await queue(q).getRepeatableJobs()).some((r) => r.name === name)));
    return found.every(Boolean);
  };
  /** Deletes every key of this test's deployment: what a Redis restarted without its data holds of it. */
  const emptyRedis = async () => {
    const keys = await redis.keys(`${t.settings.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    return keys.length;
  };

  beforeAll(async () => {
    relay = await new SmtpRelay().start();
    t = await startTestApp({
      now: '2026-03-02T09:00:00+07:00',
      env: {
        WORKERS_ENABLED: 'true', REPEATABLE_WATCHDOG_MS: '500', OVERDUE_SWEEP_SECONDS: '5', OUTBOX_POLL_MS: '200',
        SMTP_URL: relay.url, SMTP_IGNORE_TLS: 'true', MAIL_ONLY_IN_WORKING_TIME: 'false', TOKEN_TTL_HOURS: '720',
      },
    });
    redis = new Redis(t.settings.REDIS_URL);
  });
  afterAll(async () => {
    await t?.close();
    // what the app kept under its prefix besides the queues (rate limits)
    if (redis && t) await emptyRedis();
    redis?.disconnect();
    await relay?.close();
  });

  it('come back by themselves: an acknowledgement is delivered, an overdue ticket flagged, the daily report sent once', async () => {
    await waitFor('the schedules made at start-up', scheduled);
    const admin = await t.userToken('admin');
    const operator = await t.userToken('operator');
    // due Tuesday 03/03 09:00 (24 clock hours)
    const late = await t.http().post('/api/tickets').set(bearer(operator)).send({
      channel: 'hotline', reporterName: 'Đặng Văn Út', areaCode: '29401', categoryCode: 'XET-NGHIEM', content: 'Cần xét nghiệm cho cả xóm.',
    }).expect(201);

    // the queues stand still while the day moves on to Tuesday past the cut-off: only schedules made afterwards act on it
    await Promise.all(SCHEDULES.map(([q]) => queue(q).pause()));
    t.clock.set(vn('2026-03-03T16:01:00'));
    await t.http().put('/api/recipient-lists/leadership').set(bearer(admin)).send({ emails: ['lanhdao@travinh.gov.vn'] }).expect(200);
    const report = await t.http().post('/api/public/reports').send({
      fullName: 'Trần Thị Mười', email: 'muoi@example.vn', areaCode: '29401', categoryCode: 'AN-SINH', content: 'Đường ngập nước sau mưa.',
    }).expect(201);

    // Redis comes back empty: no schedule, no job, no pause
    expect(await emptyRedis()).toBeGreaterThan(0);

    await waitFor('the schedules made again', scheduled);
    const ack = await waitFor('the acknowledgement', async () => relay.received.find((r) => r.mail.subject?.includes(report.body.code)));
    expect(ack.rcptTo).toEqual(['muoi@example.vn']);
    // recorded as sent once the relay's answer is in (a moment after the mail arrives), after one attempt
    const row = await waitFor('the acknowledgement recorded as sent', async () => {
      const [r] = await t.ds.query(
        `SELECT o.status, o.attempts FROM outbox_messages o JOIN tickets t ON t.id = o.ticket_id WHERE t.code = $1 AND o.dedupe_key LIKE 'ack:%'`,
        [report.body.code]);
      return r?.status === 'sending' ? null : r;
    });
    expect(row).toEqual({ status: 'sent', attempts: 1 });
    const flagged = await waitFor('the overdue flag', async () =>
      (await t.ds.query(`SELECT overdue_at, due_at FROM tickets WHERE code = $1 AND overdue_at IS NOT NULL`, [late.body.code]))[0]);
    expect(flagged.overdue_at.toISOString()).toBe(flagged.due_at.toISOString());
    await waitFor('the daily report', async () => relay.received.some((r) => r.mail.subject === DAILY_SUBJECT));
    await sleep(1500);
    expect(relay.received.filter((r) => r.mail.subject === DAILY_SUBJECT).map((r) => r.rcptTo)).toEqual([['lanhdao@travinh.gov.vn']]);
  }, 90_000);

  it('a schedule someone removed, or the lost job of its next run, is made again', async () => {
    const sla = queue('sla');
    const [schedule] = (await sla.getRepeatableJobs()).filter((r) => r.name === 'tick');
    await sla.removeRepeatableByKey(schedule.key);
    await waitFor('the removed schedule made again', async () => (await sla.getRepeatableJobs()).some((r) => r.name === 'tick'));

    // the schedule stays, the delayed job of its next run goes: no worker would ever run it again
    const nextRun = async () => (await sla.getDelayed()).find((j) => j.name === 'tick' && j.opts.repeat);
    const lost = await waitFor('the next run', nextRun);
    await lost.remove();
    await waitFor('another next run', async () => {
      const next = await nextRun();
      return next && next.id !== lost.id;
    });
  }, 60_000);
});
