import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An e-mail caught by the development mail catcher (MAIL_CATCHER) instead of being sent: the whole RFC 5322 message
 * as nodemailer built it (`raw`), with what the list shows. Read and written only by CaughtMails (caught-mails.ts).
 */
@Entity('caught_mails')
@Index('idx_caught_mails_caught_at', ['caughtAt'])
export class CaughtMailEntry {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_caught_mails' })
  id: string;

  @Column({ type: 'timestamptz' })
  caughtAt: Date;

  /** The outbox message that was delivered by being caught, if any. */
  @Column({ type: 'uuid', nullable: true })
  outboxId: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  recipients: string[];

  @Column({ type: 'text', default: '' })
  subject: string;

  @Column({ type: 'integer', default: 0 })
  attachmentCount: number;

  @Column({ type: 'integer' })
  sizeBytes: number;

  /** The message's bytes: not read by the list. */
  @Column({ type: 'bytea', select: false })
  raw: Buffer;
}
