import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators.js';
import { JobHealthService } from '../scheduler/job-health.service.js';
import { RedisHealth } from './redis-health.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly ds: DataSource, private readonly redis: RedisHealth, private readonly jobs: JobHealthService) {}

  @Public()
  @Get()
  async check(@Res({ passthrough: true }) res: Response) {
    const [database, redis] = await Promise.all([
      this.ds.query('SELECT 1').then(() => 'up', () => 'down'),
      this.redis.ping().then(() => 'up', () => 'down'),
    ]);
    const ok = database === 'up' && redis === 'up';
    res.status(ok ? 200 : 503);
    // a repeating job whose last run failed (the overdue watch, the outbox relay, the report mail) is named here
    // with its error; the instance still serves, so the status is "degraded", not an error
    const failingJobs = database === 'up' ? await this.jobs.failing().catch(() => []) : [];
    if (ok && failingJobs.length) return { status: 'degraded', database, redis, failingJobs };
    return { status: ok ? 'ok' : 'error', database, redis };
  }
}
