import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { Settings } from '../../config/settings.js';
import { JobHealthService } from '../scheduler/job-health.service.js';
import { RepeatableWatchdog } from '../scheduler/repeatable-watchdog.js';
import { OverdueService } from './overdue.service.js';

export const SLA_QUEUE = 'sla';

/** The deadline watch's tick: a repeatable job, so one instance runs each tick whatever the number of instances. */
@Processor(SLA_QUEUE)
export class SlaProcessor {
  constructor(private readonly overdue: OverdueService, private readonly jobs: JobHealthService) {}

  @Process('tick')
  tick() {
    return this.jobs.run('deadline-watch', () => this.overdue.tick());
  }
}

/**
 * Keeps the tick scheduled (made again when Redis loses it), with a tick at once whenever the schedule is made, so
 * that whatever fell due while no tick ran is flagged now. On shutdown, the workers finish the tick under way before
 * the database pool closes.
 */
@Injectable()
export class SlaScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SlaScheduler.name);

  constructor(@InjectQueue(SLA_QUEUE) private readonly queue: Queue, private readonly settings: Settings, private readonly watchdog: RepeatableWatchdog) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.watchdog.keep({ queue: this.queue, name: 'tick', everyMs: this.settings.OVERDUE_SWEEP_SECONDS * 1000, runAtOnce: true });
    this.logger.log(`deadline watch every ${this.settings.OVERDUE_SWEEP_SECONDS} s`);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }
}
