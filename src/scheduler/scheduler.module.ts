import { Module } from '@nestjs/common';
import { JobHealthService } from './job-health.service.js';

/** What the repeating jobs share: the record of their outcomes (job_health). Periodic claims: scheduled-runs.ts. */
@Module({
  providers: [JobHealthService],
  exports: [JobHealthService],
})
export class SchedulerModule {}
