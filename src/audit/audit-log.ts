import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../common/auth-user.js';
import { displayName } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { AuditEntry } from './audit-entry.entity.js';

/** What changed, as a service records it. `before`/`after`: plain values (never a password or its hash). */
export interface AuditChange {
  action: string;
  subjectType: string;
  subjectId: string;
  before?: object | null;
  after?: object | null;
}

/** Fields that never go into the audit log, whatever the record. */
const SECRET_FIELDS = new Set(['password', 'passwordHash', 'password_hash', 'token', 'accessToken', 'refreshToken', 'secret']);

/** A record as the log keeps it: JSON values only, secrets dropped, dates as ISO strings. */
export function auditSnapshot(value: object | null | undefined): Record<string, unknown> | null {
  if (!value) return null;
  return JSON.parse(JSON.stringify(value, (key, v) => (SECRET_FIELDS.has(key) ? undefined : v))) as Record<string, unknown>;
}

/**
 * Writes one entry in the caller's transaction. `actor` null is the system; `actorName` names it otherwise (the
 * command line). Used by AuditLog and by the CLI, which runs without the application.
 */
export async function recordAudit(m: EntityManager, at: Date, actor: AuthUser | null, change: AuditChange, actorName = 'Hệ thống'): Promise<void> {
  await m.save(m.create(AuditEntry, {
    at,
    actorId: actor?.id ?? null,
    actorName: actor ? displayName(actor) : actorName,
    action: change.action,
    subjectType: change.subjectType,
    subjectId: change.subjectId,
    before: auditSnapshot(change.before),
    after: auditSnapshot(change.after),
  }));
}

/** One page of the audit log, newest first. */
export interface AuditQuery {
  subjectType?: string;
  subjectId?: string;
  actorId?: string;
  page: number;
  pageSize: number;
}

/**
 * The record of administrative changes (units, categories, routing rules, users, the calendar, recipient lists,
 * deliveries retried): each service that makes such a change calls `record` in the change's transaction.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly ds: DataSource, private readonly clock: Clock) {}

  async record(m: EntityManager, actor: AuthUser | null, change: AuditChange): Promise<void> {
    await recordAudit(m, this.clock.now(), actor, change);
  }

  /** Newest first, one page (and whether there is a next one); by subject or by actor when given. */
  async list(q: AuditQuery): Promise<{ items: AuditEntry[]; hasNext: boolean }> {
    const qb = this.ds.getRepository(AuditEntry).createQueryBuilder('a');
    if (q.subjectType) qb.andWhere('a.subject_type = :type', { type: q.subjectType });
    if (q.subjectId) qb.andWhere('a.subject_id = :id', { id: q.subjectId });
    if (q.actorId) qb.andWhere('a.actor_id = :actor', { actor: q.actorId });
    const rows = await qb.orderBy('a.at', 'DESC').addOrderBy('a.id', 'DESC')
      .offset((q.page - 1) * q.pageSize).limit(q.pageSize + 1).getMany();
    return { items: rows.slice(0, q.pageSize), hasNext: rows.length > q.pageSize };
  }
}
