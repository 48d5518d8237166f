import { Check, Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Ticket } from './ticket.entity.js';

export type FeedbackVia = 'citizen' | 'operator';
export type FeedbackFollowUp = 'reopened' | 'explained';

/**
 * The citizen's answer to "did the answer settle it?" and their rating (1–5): one per ticket, the first one kept.
 * "Not settled" puts the ticket in the coordinators' queue until a coordinator follows it up (reopens the ticket, or
 * closes it with an explanation to the citizen).
 */
@Entity('ticket_feedback')
@Check('ck_ticket_feedback_rating', 'rating BETWEEN 1 AND 5')
@Index('idx_ticket_feedback_answered_at', ['answeredAt'])
@Index('idx_ticket_feedback_disputed', ['answeredAt'], { where: 'settled = false AND followed_up_at IS NULL' })
export class TicketFeedback {
  @PrimaryColumn({ type: 'uuid' })
  ticketId: string;

  @OneToOne(() => Ticket, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticket_id' })
  ticket?: Relation<Ticket>;

  @Column({ type: 'boolean' })
  settled: boolean;

  @Column({ type: 'smallint' })
  rating: number;

  /** Why it is not settled (required then), or what the citizen adds. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** Given by the citizen (the link sent with the answer, the tracking page) or recorded by an operator from a call back. */
  @Column({ type: 'varchar', length: 16 })
  via: FeedbackVia;

  @Column({ type: 'uuid', nullable: true })
  recordedById: string | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  recordedByName: string | null;

  @Column({ type: 'timestamptz' })
  answeredAt: Date;

  /** The unit that answered (the ticket's unit when it was rated), for the per-unit statistics. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  unitCode: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  followedUpAt: Date | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  followUp: FeedbackFollowUp | null;
}
