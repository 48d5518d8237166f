import { InjectQueue, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { Settings } from '../../config/settings.js';
import { JobHealthService } from '../scheduler/job-health.service.js';
import { RepeatableWatchdog } from '../scheduler/repeatable-watchdog.js';
import { DeliveryService } from './delivery.service.js';
import { OUTBOX_QUEUE, OutboxService } from './outbox.service.js';

/** Queue workers for the outbox: "relay" (repeatable) finds due messages, "deliver" sends one. */
@Processor(OUTBOX_QUEUE)
export class OutboxProcessor {
  private readonly logger = new Logger(OutboxProcessor.name);

  constructor(private readonly outbox: OutboxService, private readonly delivery: DeliveryService, private readonly jobs: JobHealthService) {}

  @Process('relay')
  relay(): Promise<number> {
    return this.jobs.run('outbox-relay', () => this.outbox.relay());
  }

  @Process({ name: 'deliver', concurrency: 4 })
  deliver(job: Job<{ id: string }>) {
    return this.delivery.deliver(job.data.id);
  }

  /** A delivery that could not even record its outcome (the database away): the relay takes the message again. */
  @OnQueueFailed()
  failed(job: Job, error: Error) {
    if (job.name === 'deliver') this.logger.warn(`delivery job for message ${job.data?.id} failed: ${error.message}`);
  }
}

/**
 * Keeps the relay's repeatable job scheduled (one schedule in Redis whatever the number of instances; made again when
 * Redis loses it). On shutdown, this instance's workers stop taking jobs and finish those under way before the
 * database pool closes.
 */
@Injectable()
export class OutboxScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxScheduler.name);

  constructor(@InjectQueue(OUTBOX_QUEUE) private readonly queue: Queue, private readonly settings: Settings, private readonly watchdog: RepeatableWatchdog) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.watchdog.keep({ queue: this.queue, name: 'relay', everyMs: this.settings.OUTBOX_POLL_MS });
    this.logger.log(`outbox relay every ${this.settings.OUTBOX_POLL_MS} ms`);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }
}
