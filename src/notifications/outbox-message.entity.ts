import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const OUTBOX_CHANNELS = ['email', 'zalo', 'facebook'] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];
/** cancelled: made pointless by a later message (a due-soon warning overtaken by the overdue notice). */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

/**
 * A message to deliver (an e-mail, a Zalo or Facebook reply), written in the same transaction as its cause and
 * delivered afterwards by the queue. The dedupe key makes every cause produce its message at most once.
 */
@Entity('outbox_messages')
@Index('idx_outbox_due', ['status', 'availableAt'])
// the due-soon warnings still waiting, by ticket: what the overdue sweep cancels (partial; see the migration
// SweepLookupIndexes)
@Index('idx_outbox_pending_due_soon', { synchronize: false })
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  channel: OutboxChannel;

  @Column({ type: 'varchar', length: 250, unique: true })
  dedupeKey: string;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  ticketId: string | null;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: OutboxStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  /** Not delivered before this instant (retry back-off, or mail held until working time). */
  @Column({ type: 'timestamptz' })
  availableAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  claimedAt: Date | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
