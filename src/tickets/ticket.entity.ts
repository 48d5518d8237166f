import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, VersionColumn, type Relation } from 'typeorm';
import { Area } from '../directory/area.entity.js';
import { Category } from '../directory/category.entity.js';
import { Unit } from '../directory/unit.entity.js';
import type { Channel } from './channels.js';

/** The channels, in the order the official report prints them (the registry: channels.ts). */
export { CHANNELS, type Channel } from './channels.js';

export const STATUSES = ['received', 'assigned', 'in_progress', 'resolved', 'closed', 'rejected'] as const;
export type TicketStatus = (typeof STATUSES)[number];
export const OPEN_STATUSES: readonly TicketStatus[] = ['received', 'assigned', 'in_progress'];

export const REJECT_REASONS = ['spam', 'out_of_scope', 'duplicate'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

@Entity('tickets')
@Index('idx_tickets_unit_status', ['assignedUnitCode', 'status'])
@Index('idx_tickets_status_due', ['status', 'dueAt'])
// the likely-duplicate search: the same commune and category, most recent first
@Index('idx_tickets_area_category_received', ['areaCode', 'categoryCode', 'receivedAt'])
export class Ticket {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Tracking code (mã phản ánh) given to the citizen; random, so it reveals nothing about volume. */
  @Column({ type: 'varchar', length: 40, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 16 })
  channel: Channel;

  @Column({ type: 'varchar', length: 16, default: 'received' })
  status: TicketStatus;

  @Column({ type: 'varchar', length: 120 })
  reporterName: string;

  /** E.164 (+84…). */
  @Index()
  @Column({ type: 'varchar', length: 16, nullable: true })
  reporterPhone: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  reporterEmail: string | null;

  @Index()
  @Column({ type: 'varchar', length: 10, nullable: true })
  areaCode: string | null;

  @ManyToOne(() => Area, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'area_code' })
  area?: Relation<Area> | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  address: string | null;

  @Index()
  @Column({ type: 'varchar', length: 32, nullable: true })
  categoryCode: string | null;

  @ManyToOne(() => Category, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'category_code' })
  category?: Relation<Category> | null;

  @Column({ type: 'text' })
  content: string;

  @Column({ type: 'boolean', default: false })
  urgent: boolean;

  @Column({ type: 'varchar', length: 32, nullable: true })
  assignedUnitCode: string | null;

  @ManyToOne(() => Unit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assigned_unit_code' })
  assignedUnit?: Relation<Unit> | null;

  @Index()
  @Column({ type: 'timestamptz' })
  receivedAt: Date;

  /** Also the overdue sweep's work list: a partial index of the open tickets not yet flagged for this deadline. */
  @Index('idx_tickets_overdue_watch', { synchronize: false })
  // and the flagged open tickets by deadline (ticket_overdue_counts: the overdue list of "now", see the migration OverdueCounts)
  @Index('idx_tickets_flagged_due', { synchronize: false })
  @Column({ type: 'timestamptz', nullable: true })
  dueAt: Date | null;

  /** When the "due soon" warning falls due (a share of the allowed time has passed). */
  @Index('idx_tickets_due_soon_watch', { synchronize: false })
  @Column({ type: 'timestamptz', nullable: true })
  warnAt: Date | null;

  /** The deadline for which the due-soon warning was sent (once per ticket and deadline). */
  @Column({ type: 'timestamptz', nullable: true })
  warnedForDueAt: Date | null;

  /** When the ticket became overdue (its deadline), set by the overdue sweep. */
  @Column({ type: 'timestamptz', nullable: true })
  overdueAt: Date | null;

  /** The deadline for which the ticket was flagged overdue (once per ticket and deadline). */
  @Column({ type: 'timestamptz', nullable: true })
  overdueForDueAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  rejectedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  resolution: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  rejectReason: RejectReason | null;

  /** The ticket kept when this one was merged into it; the few merged ones are found by a partial index. */
  @Index('idx_tickets_duplicate_of', { synchronize: false })
  @Column({ type: 'uuid', nullable: true })
  duplicateOfId: string | null;

  @ManyToOne(() => Ticket, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'duplicate_of_id' })
  duplicateOf?: Relation<Ticket> | null;

  /** Folded text (no diacritics, lower case) of code, reporter, address and content, for search. */
  @Index('idx_tickets_search_trgm', { synchronize: false })
  @Column({ type: 'text', default: '', select: false })
  searchText: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  /** Optimistic concurrency: a change applies only to the version it was read at. */
  @VersionColumn({ default: 1 })
  version: number;
}
