import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { Settings } from '../../config/settings.js';
import { ensureRepeatable } from '../notifications/outbox.processor.js';
import { JobHealthService, REPEATING_JOB_OPTIONS } from '../scheduler/job-health.service.js';
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

@Injectable()
export class SlaScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SlaScheduler.name);

  constructor(@InjectQueue(SLA_QUEUE) private readonly queue: Queue, private readonly settings: Settings) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureRepeatable(this.queue, 'tick', this.settings.OVERDUE_SWEEP_SECONDS * 1000);
    // and one right away, so that whatever fell due while the system was down is flagged now
    await this.queue.add('tick', {}, REPEATING_JOB_OPTIONS);
    this.logger.log(`deadline watch every ${this.settings.OVERDUE_SWEEP_SECONDS} s`);
  }
}
