import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';
import { BelongsToTicket } from './ticket-row-columns.js';
import type { TicketStatus } from './ticket.entity.js';

/** One row per change or comment on a ticket, written in the same transaction as the change. */
@Entity('ticket_events')
@Index('idx_ticket_events_ticket_at', ['ticketId', 'at'])
// the reopenings by ticket, which the overdue sweep reads for each ticket it flags (partial; migration SweepLookupIndexes)
@Index('idx_ticket_events_reopened', { synchronize: false })
// the returns by ticket and the creations that found likely duplicates, where the coordinators' queue starts its
// "returned" and "duplicates" views (partial; migration QueueLookupIndexes)
@Index('idx_ticket_events_returned', { synchronize: false })
@Index('idx_ticket_events_with_duplicates', { synchronize: false })
export class TicketEvent extends BelongsToTicket {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  /** created, imported, assigned, transferred, accepted, returned, resolved, closed, rejected, reopened, comment, unit_merged… */
  @Column({ type: 'varchar', length: 32 })
  type: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'actor_id' })
  actor?: Relation<User> | null;

  /** Who acted, as shown to staff ("system" for the scheduler, the channel for a citizen). */
  @Column({ type: 'varchar', length: 120 })
  actorName: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  fromStatus: TicketStatus | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  toStatus: TicketStatus | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  fromUnitCode: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  toUnitCode: string | null;

  /** The deadline in force after this event (state events only), so that any past instant can be reconstructed. */
  @Column({ type: 'timestamptz', nullable: true })
  dueAt: Date | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  /** Staff-only when true (internal comments); the citizen's timeline never shows it. */
  @Column({ type: 'boolean', default: false })
  internal: boolean;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data: Record<string, unknown>;
}
