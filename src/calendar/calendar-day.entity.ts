import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One exception to the ordinary working week: a day off (holiday) or an extra working day ("làm bù"). */
@Entity('calendar_days')
export class CalendarDayRow {
  /** Local date in Asia/Ho_Chi_Minh, YYYY-MM-DD. */
  @PrimaryColumn({ type: 'date' })
  date: string;

  @Column({ type: 'varchar', length: 8 })
  kind: 'off' | 'work';

  @Column({ type: 'varchar', length: 200 })
  name: string;
}
