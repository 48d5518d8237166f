import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BelongsToTicket } from './ticket-row-columns.js';

export type ExtensionRequestStatus = 'pending' | 'approved' | 'declined';

/**
 * A unit's request for more time on a ticket: asked by the unit's staff with a date and a reason, decided by a
 * coordinator (approved: the deadline moves; declined: with a reason). At most one pending request per ticket; while
 * it is pending the deadline in force is the old one (the sweep and the report know no other).
 */
@Entity('ticket_extension_requests')
@Check('ck_ticket_extension_requests_status', "status IN ('pending', 'approved', 'declined')")
@Index('uq_ticket_extension_requests_pending', ['ticketId'], { unique: true, where: `status = 'pending'` })
@Index('idx_ticket_extension_requests_pending_at', ['requestedAt'], { where: `status = 'pending'` })
@Index('idx_ticket_extension_requests_ticket', ['ticketId', 'requestedAt'])
export class TicketExtensionRequest extends BelongsToTicket {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  status: ExtensionRequestStatus;

  /** The deadline the unit asks for. */
  @Column({ type: 'timestamptz' })
  requestedDueAt: Date;

  /** The deadline in force when it was asked. */
  @Column({ type: 'timestamptz', nullable: true })
  previousDueAt: Date | null;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  unitCode: string | null;

  @Column({ type: 'uuid', nullable: true })
  requestedById: string | null;

  @Column({ type: 'varchar', length: 120 })
  requestedByName: string;

  @Column({ type: 'timestamptz' })
  requestedAt: Date;

  @Column({ type: 'uuid', nullable: true })
  decidedById: string | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  decidedByName: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  /** The deadline granted (approved), which the coordinator may set otherwise than asked; null otherwise. */
  @Column({ type: 'timestamptz', nullable: true })
  grantedDueAt: Date | null;

  /** The coordinator's reason for declining (required), or a note with the approval. */
  @Column({ type: 'text', nullable: true })
  decisionNote: string | null;
}
