import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../common/decorators.js';
import { AppRedis } from '../common/app-redis.js';
import { JobHealthService, type FailingJob } from '../scheduler/job-health.service.js';

/** Time each dependency has to answer, so that /health itself answers within 2 s whatever is down or frozen. */
export const HEALTH_CHECK_TIMEOUT_MS = 1200;

/** `work`, or a rejection once `ms` have passed without an answer. */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly ds: DataSource, private readonly redis: AppRedis, private readonly jobs: JobHealthService) {}

  @Public()
  @Get()
  async check(@Res({ passthrough: true }) res: Response) {
    // all at once, each within its time: a database that is stopped or frozen is reported "down", not waited for
    const [database, redis, failing] = await Promise.all([
      within(this.ds.query('SELECT 1'), HEALTH_CHECK_TIMEOUT_MS).then(() => 'up', () => 'down'),
      within(this.redis.ping(), HEALTH_CHECK_TIMEOUT_MS).then(() => 'up', () => 'down'),
      within(this.jobs.failing(), HEALTH_CHECK_TIMEOUT_MS).catch((): FailingJob[] => []),
    ]);
    const ok = database === 'up' && redis === 'up';
    res.status(ok ? 200 : 503);
    res.set('Cache-Control', 'no-store');
    // a repeating job whose last run failed (the overdue watch, the outbox relay, the report mail) is named here
    // with its error; the instance still serves, so the status is "degraded", not an error
    const failingJobs = database === 'up' ? failing : [];
    if (ok && failingJobs.length) return { status: 'degraded', database, redis, failingJobs };
    return { status: ok ? 'ok' : 'error', database, redis };
  }
}
