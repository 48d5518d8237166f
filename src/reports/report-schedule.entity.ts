import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The report schedule an admin sets on the pages (one row, id 1): the weekly report's ISO weekday (1 = Monday …
 * 7 = Sunday; 0 turns it off). No row: the setting REPORT_WEEKLY_WEEKDAY decides.
 */
@Entity('report_schedule')
@Check('ck_report_schedule_single', 'id = 1')
@Check('ck_report_schedule_weekday', 'weekly_weekday BETWEEN 0 AND 7')
export class ReportSchedule {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ type: 'smallint' })
  weeklyWeekday: number;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
