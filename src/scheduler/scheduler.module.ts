import { Module } from '@nestjs/common';
import { JobHealthService } from './job-health.service.js';
import { RepeatableWatchdog } from './repeatable-watchdog.js';

/**
 * What the repeating jobs share: the record of their outcomes (job_health) and the watchdog that keeps them
 * scheduled in Redis. Periodic claims: scheduled-runs.ts.
 */
@Module({
  providers: [JobHealthService, RepeatableWatchdog],
  exports: [JobHealthService, RepeatableWatchdog],
})
export class SchedulerModule {}
