import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';

export interface FailingJob {
  name: string;
  consecutiveFailures: number;
  lastError: string | null;
  lastFailedAt: Date | null;
  lastSucceededAt: Date | null;
}

/** Options of a repeating job: a failed run is tried again with back-off, and the last failures are kept in Redis. */
export const REPEATING_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: 100,
} as const;

/**
 * Options of a job that runs at a time of day (the report mail at the cut-off, the morning digest): its next run is a
 * day away, so a failed run (the database away at 16:01) is tried again every minute for most of the day, as the
 * check every minute did before the schedule was a cron, and the report or digest goes out as soon as it can. The
 * once-per-period claim in the database keeps a retry from sending twice. Only the last stack traces are kept.
 */
export const TIME_OF_DAY_JOB_OPTIONS = {
  ...REPEATING_JOB_OPTIONS,
  attempts: 20 * 60,
  backoff: { type: 'fixed', delay: 60_000 },
  stackTraceLimit: 3,
} as const;

/**
 * Runs the repeating jobs (overdue sweep, outbox relay, report tick) so that nothing fails silently: a failure is
 * logged with its error and recorded in job_health (which /health reads), then rethrown so that the queue retries
 * the job; a success clears the record.
 */
@Injectable()
export class JobHealthService {
  private readonly logger = new Logger('Jobs');

  constructor(private readonly ds: DataSource, private readonly clock: Clock) {}

  async run<T>(name: string, job: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await job();
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.logger.error(`job ${name} failed: ${e instanceof Error ? e.stack ?? error : error}`);
      await this.ds.query(
        `INSERT INTO job_health (name, last_failed_at, last_error, consecutive_failures) VALUES ($1, $2, $3, 1)
         ON CONFLICT (name) DO UPDATE SET last_failed_at = $2, last_error = $3, consecutive_failures = job_health.consecutive_failures + 1`,
        [name, this.clock.now(), error.slice(0, 2000)],
      ).catch((w) => this.logger.warn(`could not record the failure of ${name}: ${w}`));
      throw e;
    }
    await this.ds.query(
      `INSERT INTO job_health (name, last_succeeded_at, consecutive_failures) VALUES ($1, $2, 0)
       ON CONFLICT (name) DO UPDATE SET last_succeeded_at = $2, consecutive_failures = 0`,
      [name, this.clock.now()],
    ).catch((w) => this.logger.warn(`could not record the success of ${name}: ${w}`));
    return result;
  }

  /** Jobs whose last run failed, with how many times in a row and the last error. */
  async failing(): Promise<FailingJob[]> {
    const rows: Array<{ name: string; consecutive_failures: number; last_error: string | null; last_failed_at: Date | null; last_succeeded_at: Date | null }> =
      await this.ds.query(`SELECT name, consecutive_failures, last_error, last_failed_at, last_succeeded_at FROM job_health WHERE consecutive_failures > 0 ORDER BY name`);
    return rows.map((r) => ({
      name: r.name, consecutiveFailures: r.consecutive_failures, lastError: r.last_error,
      lastFailedAt: r.last_failed_at, lastSucceededAt: r.last_succeeded_at,
    }));
  }
}
