import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per run of a periodic task for a period ("morning-digest" for 2026-03-02, "daily-report" for a date):
 * inserting the row is what entitles a process to run it, so a task runs once per period whatever the number of
 * instances, and a period missed while the system was down is caught up once.
 */
@Entity('scheduled_runs')
export class ScheduledRun {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  period: string;

  @Column({ type: 'timestamptz' })
  ranAt: Date;
}
