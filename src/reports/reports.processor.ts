import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { Settings } from '../../config/settings.js';
import { dailyAt } from '../scheduler/daily-cron.js';
import { JobHealthService } from '../scheduler/job-health.service.js';
import { RepeatableWatchdog } from '../scheduler/repeatable-watchdog.js';
import { ReportMailerService, reportMailTime } from './report-mailer.service.js';

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
 * Sends the reports at the cut-off: a cron schedule in Viet Nam's time zone, every day at REPORT_CUTOFF_HOUR plus a
 * minute (CUTOFF_GRACE_MS), whose run sends the daily report (and the weekly one on its weekday) unless it was sent
 * (the claim in scheduled_runs). One run at once whenever the schedule is made (at start-up, or after Redis lost it)
 * catches up a cut-off missed meanwhile, once. The job keeps its name "tick" (the schedule in Redis is named so). On
 * shutdown, the workers finish the report under way before the database pool closes.
 */
@Injectable()
export class ReportsScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@InjectQueue(REPORTS_QUEUE) private readonly queue: Queue, private readonly settings: Settings, private readonly watchdog: RepeatableWatchdog) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.watchdog.keep({ queue: this.queue, name: 'tick', ...dailyAt(reportMailTime(this.settings.REPORT_CUTOFF_HOUR)), runAtOnce: true });
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }
}
