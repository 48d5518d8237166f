import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { Settings } from '../../config/settings.js';
import { dailyAt } from '../scheduler/daily-cron.js';
import { JobHealthService } from '../scheduler/job-health.service.js';
import { RepeatableWatchdog } from '../scheduler/repeatable-watchdog.js';
import { OverdueService } from './overdue.service.js';

export const SLA_QUEUE = 'sla';

/**
 * The deadline watch's tick and the morning digest: repeatable jobs, so one instance runs each run whatever the
 * number of instances.
 */
@Processor(SLA_QUEUE)
export class SlaProcessor {
  constructor(private readonly overdue: OverdueService, private readonly jobs: JobHealthService) {}

  @Process('tick')
  tick() {
    return this.jobs.run('deadline-watch', () => this.overdue.tick());
  }

  @Process('digest')
  digest() {
    return this.jobs.run('morning-digest', () => this.overdue.morningDigest());
  }
}

/**
 * Keeps the deadline watch scheduled (made again when Redis loses it): the sweeps every OVERDUE_SWEEP_SECONDS (not a
 * time of day), and the morning digest at DIGEST_TIME, a cron schedule in Viet Nam's time zone (the working-day check
 * and the once-a-day claim are the digest's own). Each with a run at once whenever its schedule is made, so that
 * whatever fell due while nothing ran is flagged, and a digest missed is sent, now. On shutdown, the workers finish
 * the run under way before the database pool closes.
 */
@Injectable()
export class SlaScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SlaScheduler.name);

  constructor(@InjectQueue(SLA_QUEUE) private readonly queue: Queue, private readonly settings: Settings, private readonly watchdog: RepeatableWatchdog) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.watchdog.keep({ queue: this.queue, name: 'tick', everyMs: this.settings.OVERDUE_SWEEP_SECONDS * 1000, runAtOnce: true });
    await this.watchdog.keep({ queue: this.queue, name: 'digest', ...dailyAt(this.settings.DIGEST_TIME), runAtOnce: true });
    this.logger.log(`deadline watch every ${this.settings.OVERDUE_SWEEP_SECONDS} s, morning digest at ${this.settings.DIGEST_TIME}`);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }
}
