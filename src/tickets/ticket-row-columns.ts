import { Column, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Ticket } from './ticket.entity.js';

/*
 * Columns that several tables of a ticket's rows share, as abstract classes their entities extend: not entities
 * themselves, TypeORM gives their decorated columns to each entity that extends them, named after its own table
 * (the same columns, keys and indexes as when each entity declared them).
 */

/**
 * A row that belongs to a ticket and goes with it: `ticket_id` (uuid) with its foreign key ON DELETE CASCADE, and the
 * relation. The entity declares its own primary key (a uuid, or a bigint identity for ticket_events).
 */
export abstract class BelongsToTicket {
  @Column({ type: 'uuid' })
  ticketId: string;

  @ManyToOne(() => Ticket, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticket_id' })
  ticket?: Relation<Ticket>;
}

/** A row that names its ticket by id, indexed, without a foreign key: a uuid `id` and `ticket_id` (uuid). */
export abstract class TicketLinkedRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  ticketId: string;
}
