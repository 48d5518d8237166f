import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { JobHealthService } from '../scheduler/job-health.service.js';
import { RepeatableWatchdog } from '../scheduler/repeatable-watchdog.js';
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

/**
 * Checks every minute whether a report is due, and at once whenever the schedule is made (at start-up, or after
 * Redis lost it), so that a cut-off missed meanwhile is caught up once. On shutdown, the workers finish the report
 * under way before the database pool closes.
 */
@Injectable()
export class ReportsScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@InjectQueue(REPORTS_QUEUE) private readonly queue: Queue, private readonly watchdog: RepeatableWatchdog) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.watchdog.keep({ queue: this.queue, name: 'tick', everyMs: 60_000, runAtOnce: true });
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }
}
