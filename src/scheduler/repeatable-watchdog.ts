import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { JobInformation, Queue } from 'bull';
import { Settings } from '../../config/settings.js';
import { REPEATING_JOB_OPTIONS, TIME_OF_DAY_JOB_OPTIONS } from './job-health.service.js';

/**
 * When a repeating job runs: every `everyMs` (a sweep, a relay), or at the times of a cron expression in a time zone
 * (a report at the cut-off, the morning digest: see dailyAt), Bull's own repeat options either way.
 */
export type RepeatSchedule = { everyMs: number } | { cron: string; tz: string };

/** A repeating job an instance with workers keeps scheduled: the outbox relay, the overdue sweep, the report mail, the digest. */
export type RepeatingJob = RepeatSchedule & {
  queue: Queue;
  name: string;
  /** Also queue one run at once whenever the schedule is made: what fell due while no schedule ran is caught up now. */
  runAtOnce?: boolean;
};

/** How a schedule is written in Redis, as Queue#getRepeatableJobs answers. */
export type StoredSchedule = Pick<JobInformation, 'key' | 'name' | 'id' | 'next' | 'cron' | 'tz' | 'every'>;

/** Whether the schedule stored in Redis is `job`'s: the same interval, or the same cron expression and time zone. */
function isSchedule(job: RepeatSchedule, s: StoredSchedule): boolean {
  return 'cron' in job ? s.cron === job.cron && s.tz === job.tz : !s.cron && Number(s.every) === job.everyMs;
}

const repeatOptions = (job: RepeatSchedule) => ('cron' in job ? { cron: job.cron, tz: job.tz } : { every: job.everyMs });

/** A job at a time of day runs once a day: a failed run is tried again (see TIME_OF_DAY_JOB_OPTIONS). */
const jobOptions = (job: RepeatSchedule) => ('cron' in job ? TIME_OF_DAY_JOB_OPTIONS : REPEATING_JOB_OPTIONS);

const scheduleText = (job: RepeatSchedule) => ('cron' in job ? `cron "${job.cron}" (${job.tz})` : `every ${job.everyMs} ms`);

/** Adds the repeatable job `name` on `schedule`, removing schedules of the same name with another interval or cron. */
export async function ensureRepeatable(queue: Queue, name: string, schedule: RepeatSchedule): Promise<void> {
  for (const r of await queue.getRepeatableJobs()) {
    if (r.name === name && !isSchedule(schedule, r)) await queue.removeRepeatableByKey(r.key);
  }
  await queue.add(name, {}, { ...jobOptions(schedule), repeat: repeatOptions(schedule), jobId: name });
}

async function schedule(job: RepeatingJob): Promise<void> {
  await ensureRepeatable(job.queue, job.name, job);
  if (job.runAtOnce) await job.queue.add(job.name, {}, jobOptions(job));
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** How late a schedule's next run may be before its job is looked for (the job moves on when a worker takes it). */
const LATE_MS = 5000;

/**
 * The id of the job of a schedule's next run, as Bull makes it (lib/repeatable.js, getRepeatJobId: the md5 of the
 * name, the schedule's id and the md5 of its key, then the time of the run): the same for an interval and a cron
 * schedule, whose key holds the interval, or the time zone and the cron expression.
 */
export function nextRunJobId(s: StoredSchedule): string {
  return `repeat:${md5(s.name + (s.id ? `${s.id}:` : ':') + md5(s.key))}:${s.next}`;
}

/**
 * Whether the job of a schedule's next run is gone although its time has passed (its Redis key deleted, or lost by
 * a Redis that kept the schedule but not the job): then no worker will ever take it, nor schedule the run after it.
 * Were Bull to make the id otherwise (nextRunJobId), a late schedule would merely be made again.
 */
async function nextRunLost(queue: Queue, s: StoredSchedule): Promise<boolean> {
  if (s.next > Date.now() - LATE_MS) return false;
  return !(await queue.getJob(nextRunJobId(s)));
}

/**
 * Keeps the repeating jobs scheduled. Their schedules live in Redis only, and Bull schedules each next run when a
 * worker takes the previous one: a Redis restarted empty, or someone removing a schedule, would stop the outbox, the
 * overdue watch and the reports until a restart. Each instance with workers checks every REPEATABLE_WATCHDOG_MS,
 * and at once when its Redis connection is ready again, and makes any missing schedule again (with a run at once
 * where the job asks for it). Several instances doing so at once add one schedule: its key and its runs' ids are
 * fixed. A schedule of the same name with another interval or cron (another instance's settings) is left alone.
 */
@Injectable()
export class RepeatableWatchdog implements OnModuleDestroy {
  private readonly logger = new Logger('Schedules');
  private readonly kept: RepeatingJob[] = [];
  private readonly watchedQueues = new Set<Queue>();
  private timer?: NodeJS.Timeout;
  private soon?: NodeJS.Timeout;
  private checking: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly settings: Settings) {}

  /** Schedules `job` now, and keeps it scheduled from now on. */
  async keep(job: RepeatingJob): Promise<void> {
    this.kept.push(job);
    await schedule(job);
    if (!this.watchedQueues.has(job.queue)) {
      this.watchedQueues.add(job.queue);
      job.queue.client.on('ready', () => this.checkSoon());
    }
    if (!this.timer) {
      this.timer = setInterval(() => void this.check(), this.settings.REPEATABLE_WATCHDOG_MS);
      this.timer.unref();
    }
  }

  /** Makes again every kept schedule that is missing, or whose next run was lost. One check at a time. */
  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.checking ??= this.restoreMissing()
      .catch((e: unknown) => this.logger.warn(`could not check the repeating jobs: ${e instanceof Error ? e.message : e}`))
      .finally(() => (this.checking = null));
    return this.checking;
  }

  private checkSoon(): void {
    if (this.soon || this.stopped) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.check();
    }, 200);
    this.soon.unref();
  }

  private async restoreMissing(): Promise<void> {
    for (const queue of this.watchedQueues) {
      const schedules = await queue.getRepeatableJobs();
      for (const job of this.kept.filter((k) => k.queue === queue)) {
        if (this.stopped) return;
        const same = schedules.filter((s) => s.name === job.name);
        const mine = same.find((s) => isSchedule(job, s));
        if (same.length && !mine) continue;
        const lost = mine ? await nextRunLost(queue, mine) : false;
        if (mine && !lost) continue;
        if (mine) await queue.removeRepeatableByKey(mine.key);
        await schedule(job);
        this.logger.warn(`repeating job ${queue.name}/${job.name} (${scheduleText(job)}) ${mine ? 'had lost its next run' : 'was not scheduled in Redis'}: scheduled again`);
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.soon);
    await this.checking;
  }
}
