import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { ensureRepeatable } from '../notifications/outbox.processor.js';
import { JobHealthService, REPEATING_JOB_OPTIONS } from '../scheduler/job-health.service.js';
import { ReportMailerService } from './report-mailer.service.js';

export const REPORTS_QUEUE = 'reports';

@Processor(REPORTS_QUEUE)
export class ReportsProcessor {
  constructor(private readonly mailer: ReportMailerService, private readonly jobs: JobHealthService) {}

  @Process('tick')
  tick() {
    return this.jobs.run('report-mail', () => this.mailer.tick());
  }
}

/** Checks every minute whether a report is due; at start-up too, so a cut-off missed while down is caught up once. */
@Injectable()
export class ReportsScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(REPORTS_QUEUE) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureRepeatable(this.queue, 'tick', 60_000);
    await this.queue.add('tick', {}, REPEATING_JOB_OPTIONS);
  }
}
