import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One administrative change: who, when, what, and the record before and after (null when created or removed).
 * Written in the change's own transaction (AuditLog.record), so a change and its entry commit or fail together.
 */
@Entity('audit_entries')
@Index('idx_audit_entries_at', ['at'])
@Index('idx_audit_entries_subject', ['subjectType', 'subjectId', 'at'])
export class AuditEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** The account that made the change; null for the system (the CLI, a migration of data). */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 120 })
  actorName: string;

  /** What was done, e.g. "unit.merge", "user.deactivate", "routing_rule.create". */
  @Column({ type: 'varchar', length: 64 })
  action: string;

  /** The kind and key of what changed, e.g. "unit" / "UB-29401". */
  @Column({ type: 'varchar', length: 32 })
  subjectType: string;

  @Column({ type: 'varchar', length: 120 })
  subjectId: string;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;
}
