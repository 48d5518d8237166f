import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A field (lĩnh vực) of citizens' reports, with its default time limit. */
@Entity('categories')
export class Category {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Whether the hours run in working time (office hours, working days) or around the clock (urgent matters). */
  @Column({ type: 'varchar', length: 8, default: 'working' })
  deadlineMode: 'working' | 'clock';

  /** Time allowed to answer, in hours (of working time or of clock time, per deadlineMode). */
  @Column({ type: 'integer' })
  deadlineHours: number;

  @Column({ type: 'boolean', default: false })
  urgent: boolean;

  @Column({ type: 'boolean', default: true })
  active: boolean;
}
