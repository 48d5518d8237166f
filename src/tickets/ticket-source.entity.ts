import { Column, Entity, Index } from 'typeorm';
import { TicketLinkedRow } from './ticket-row-columns.js';
import type { Channel } from './ticket.entity.js';

/**
 * Where a complaint came from: the channel and the platform's message id (unique: a redelivered webhook or mail is
 * a no-op) and sender id (to continue a conversation and to reply on the same channel).
 */
@Entity('ticket_sources')
@Index('uq_ticket_sources_external', ['channel', 'externalId'], { unique: true, where: 'external_id IS NOT NULL' })
@Index('idx_ticket_sources_sender', ['channel', 'senderId', 'receivedAt'])
export class TicketSource extends TicketLinkedRow {
  @Column({ type: 'varchar', length: 16 })
  channel: Channel;

  @Column({ type: 'varchar', length: 250, nullable: true })
  externalId: string | null;

  @Column({ type: 'varchar', length: 250, nullable: true })
  senderId: string | null;

  /** Page or OA id the message was sent to (Facebook replies go out from that page). */
  @Column({ type: 'varchar', length: 250, nullable: true })
  recipientId: string | null;

  @Column({ type: 'timestamptz' })
  receivedAt: Date;
}
