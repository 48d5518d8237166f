import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last outcome of each repeating job (overdue sweep, outbox relay, report tick): a job that fails is recorded
 * here with its error, so that `/health` can say which job keeps failing instead of the failure going unseen.
 */
@Entity('job_health')
export class JobHealth {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'timestamptz', nullable: true })
  lastSucceededAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastFailedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  /** Failures since the last success; 0 when the last run succeeded. */
  @Column({ type: 'int', default: 0 })
  consecutiveFailures: number;
}
