import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { TicketEvent } from './ticket-event.entity.js';
import { Ticket, type TicketStatus } from './ticket.entity.js';

/**
 * One row per state event (a ticket event with `to_status`): the state it put the ticket in, and the interval
 * [valid_from, valid_to) during which that state was the ticket's, so that "the state of every ticket at an instant"
 * (ticket-history.ts) is a lookup of the intervals that contain it instead of a sort of the whole history.
 *
 * Written only by PostgreSQL: triggers on ticket_events rebuild the spans of the tickets whose events a statement
 * inserted, updated or deleted (the function `ticket_state_spans_rebuild`, migration TicketStateSpans), whatever
 * wrote them. Never write this table from the application. Its own statement triggers append what each change adds
 * to the report's counts by hour to ticket_state_counts (ticket-state-counts.ts, migration TicketStateCounts).
 */
@Entity('ticket_state_spans')
@Index('idx_ticket_state_spans_ticket', ['ticketId', 'validFrom'])
// the non-handled states (open or rejected) as GiST ranges, for the spans that contain an instant or meet a period:
// GiST on an expression, partial; TypeORM cannot compare it (see the migration)
@Index('idx_ticket_state_spans_unhandled_during', { synchronize: false })
// each ticket's first span by its reception: which tickets had a state at an instant, one entry per ticket (partial)
@Index('idx_ticket_state_spans_first_received', { synchronize: false })
// the overdue tickets at an instant (overdueSpansSql): open spans in force by unit and deadline, open spans by their
// end (partial; see the migration OverdueSpanIndexes)
@Index('idx_ticket_state_spans_open_now', { synchronize: false })
@Index('idx_ticket_state_spans_open_ended', { synchronize: false })
export class TicketStateSpan {
  /** The state event this span starts with. */
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_ticket_state_spans' })
  eventId: string;

  @ManyToOne(() => TicketEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'FK_ticket_state_spans_event' })
  event?: Relation<TicketEvent>;

  @Column({ type: 'uuid' })
  ticketId: string;

  @ManyToOne(() => Ticket, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticket_id', foreignKeyConstraintName: 'FK_ticket_state_spans_ticket' })
  ticket?: Relation<Ticket>;

  /** The ticket's `received_at` (it never changes), so that reports filter on it without reading tickets. */
  @Column({ type: 'timestamptz' })
  receivedAt: Date;

  /** The event's `at`. */
  @Column({ type: 'timestamptz' })
  validFrom: Date;

  /**
   * The `at` of the ticket's next state event in (at, id) order; null for its last one. Two state events at the same
   * instant give the first an empty span [at, at): the later one is the state at that instant.
   */
  @Column({ type: 'timestamptz', nullable: true })
  validTo: Date | null;

  /** The true first span of its ticket in (at, id) order. */
  @Column({ type: 'boolean' })
  isFirst: boolean;

  /** The event's `to_status`, `to_unit_code` and `due_at`: the state in force during the span. */
  @Column({ type: 'varchar', length: 16 })
  status: TicketStatus;

  @Column({ type: 'varchar', length: 32, nullable: true })
  unitCode: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  dueAt: Date | null;

  /** `data->>'reason'` of the ticket's last 'rejected' event at or before this one ('duplicate': a merge). */
  @Column({ type: 'text', nullable: true })
  rejectReason: string | null;

  /**
   * When the ticket last entered 'resolved' or 'closed' at or before this event (from another status, or an imported
   * ticket's history event): a close that follows a resolution does not move it.
   */
  @Column({ type: 'timestamptz', nullable: true })
  handledAt: Date | null;
}
