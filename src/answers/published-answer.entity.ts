import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A resolved ticket's question and answer as published on /hoi-dap, edited by a coordinator for the public (no name,
 * phone, e-mail, exact address or photo of a person). One per ticket: publishing again edits it; a withdrawn one
 * keeps its row (withdrawnAt) and its public number. The public never sees the ticket's code, only `id`.
 */
@Entity('published_answers')
// newest first, over the published ones only (partial index, see the migration)
@Index('idx_published_answers_listing', { synchronize: false })
export class PublishedAnswer {
  /** The answer's public number: /hoi-dap/<id>. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid', unique: true })
  ticketId: string;

  /** For the coordinator's pages only; never shown to the public. */
  @Column({ type: 'varchar', length: 40 })
  ticketCode: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text' })
  question: string;

  @Column({ type: 'text' })
  answer: string;

  /** The commune (xã, phường) and its name at publication, for the filter. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  areaCode: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  areaName: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  categoryCode: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  categoryName: string | null;

  /** The unit that answered, named as it was at publication. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  unitName: string | null;

  /** Viet Nam calendar dates, "2026-03-02" (the public sees the day, not the time). */
  @Column({ type: 'date' })
  receivedOn: string;

  @Column({ type: 'date', nullable: true })
  resolvedOn: string | null;

  @Column({ type: 'timestamptz' })
  publishedAt: Date;

  @Column({ type: 'uuid', nullable: true })
  publishedById: string | null;

  @Column({ type: 'varchar', length: 120 })
  publishedByName: string;

  /** Set when a coordinator withdraws it; null while it is public. */
  @Column({ type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;

  /** Folded (no diacritics, lower case) title, question, answer, commune, category and unit, for the search. */
  @Index('idx_published_answers_search_trgm', { synchronize: false })
  @Column({ type: 'text', default: '', select: false })
  searchText: string;
}
