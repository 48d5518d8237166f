import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A report that was e-mailed: what it said, to whom, and when (the outbox row records the delivery). */
@Entity('sent_reports')
@Index('idx_sent_reports_kind_date', ['kind', 'reportDate'])
export class SentReport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: 'daily' | 'weekly' | 'monthly';

  @Column({ type: 'date' })
  reportDate: string;

  @Column({ type: 'timestamptz' })
  cutoff: Date;

  @Column({ type: 'jsonb' })
  figures: Record<string, unknown>;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'text', array: true })
  recipients: string[];

  /** Outbox keys of the e-mails carrying this report (the first sending and any resends). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  outboxKeys: string[];

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
