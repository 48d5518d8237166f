import { InjectQueue, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { Settings } from '../../config/settings.js';
import { JobHealthService, REPEATING_JOB_OPTIONS } from '../scheduler/job-health.service.js';
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

/** Registers the relay's repeatable job (one schedule in Redis whatever the number of instances). */
@Injectable()
export class OutboxScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxScheduler.name);

  constructor(@InjectQueue(OUTBOX_QUEUE) private readonly queue: Queue, private readonly settings: Settings) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureRepeatable(this.queue, 'relay', this.settings.OUTBOX_POLL_MS);
    this.logger.log(`outbox relay every ${this.settings.OUTBOX_POLL_MS} ms`);
  }
}

/** Adds a repeatable job every `everyMs`, removing schedules of the same name with another interval. */
export async function ensureRepeatable(queue: Queue, name: string, everyMs: number): Promise<void> {
  for (const r of await queue.getRepeatableJobs()) {
    if (r.name === name && Number(r.every) !== everyMs) await queue.removeRepeatableByKey(r.key);
  }
  await queue.add(name, {}, { ...REPEATING_JOB_OPTIONS, repeat: { every: everyMs }, jobId: name });
}
