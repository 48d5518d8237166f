import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { DataSource, type EntityManager } from 'typeorm';
import { Settings } from '../../config/settings.js';
import { AuditLog } from '../audit/audit-log.js';
import type { AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { notFound } from '../common/errors.js';
import { OutboxMessage, type OutboxChannel, type OutboxStatus } from './outbox-message.entity.js';

export const OUTBOX_QUEUE = 'outbox';

export interface EmailPayload {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: Array<{ filename: string; contentType: string; contentBase64: string }>;
}

export interface OutboxEntry {
  channel: OutboxChannel;
  /** Unique per cause: the same key twice is written once. */
  dedupeKey: string;
  payload: Record<string, unknown>;
  ticketId?: string | null;
  availableAt?: Date;
}

/** A message taking longer than this in "sending" is considered abandoned (crash) and is tried again. */
export const ABANDONED_MS = 5 * 60_000;

/** Rows per INSERT (8 parameters a row: far below PostgreSQL's 65,535). */
export const OUTBOX_BATCH = 1000;

/**
 * The outbox: messages are written in the transaction of their cause and delivered afterwards through the queue.
 * A crash or a Redis outage only delays delivery: the relay finds every pending row again. A row is claimed before
 * it is sent, so a redelivered job never sends twice.
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger(OutboxService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly settings: Settings,
    @InjectQueue(OUTBOX_QUEUE) private readonly queue: Queue,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Writes messages with the caller's transaction; returns how many were new. Written in batches of OUTBOX_BATCH
   * rows: one INSERT takes at most 65,535 parameters, and a sweep may write tens of thousands of notices.
   */
  async add(m: EntityManager, entries: OutboxEntry[]): Promise<number> {
    const now = this.clock.now();
    let added = 0;
    for (let i = 0; i < entries.length; i += OUTBOX_BATCH) {
      const res = await m.createQueryBuilder().insert().into(OutboxMessage)
        .values(entries.slice(i, i + OUTBOX_BATCH).map((e) => ({
          channel: e.channel, dedupeKey: e.dedupeKey, payload: e.payload as never, ticketId: e.ticketId ?? null,
          availableAt: e.availableAt ?? now, createdAt: now, status: 'pending' as const, attempts: 0,
        })))
        .orIgnore()
        .returning(['id'])
        .execute();
      added += res.raw.length;
    }
    return added;
  }

  /** Finds due messages (and abandoned ones) and queues their delivery. Safe to run anywhere, any number of times. */
  async relay(): Promise<number> {
    const now = this.clock.now();
    await this.ds.query(
      `UPDATE outbox_messages SET status = 'pending' WHERE status = 'sending' AND claimed_at < $1`,
      [new Date(now.getTime() - ABANDONED_MS)],
    );
    const rows: Array<{ id: string; attempts: number }> = await this.ds.query(
      `SELECT id, attempts FROM outbox_messages WHERE status = 'pending' AND available_at <= $1 ORDER BY available_at LIMIT 500`,
      [now],
    );
    if (!rows.length) return 0;
    await this.queue.addBulk(rows.map((r) => ({
      name: 'deliver',
      data: { id: r.id },
      opts: { jobId: `deliver:${r.id}:${r.attempts}`, removeOnComplete: true, removeOnFail: true, attempts: 1 },
    })));
    return rows.length;
  }

  /** Claims one message for sending; null when another worker has it, it was sent, or it is not due. */
  async claim(id: string): Promise<OutboxMessage | null> {
    const now = this.clock.now();
    const [rows] = await this.ds.query(
      `UPDATE outbox_messages SET status = 'sending', claimed_at = $2, attempts = attempts + 1
        WHERE id = $1 AND status = 'pending' AND available_at <= $2
        RETURNING id, channel, payload, attempts, ticket_id AS "ticketId", dedupe_key AS "dedupeKey"`,
      [id, now],
    );
    return (rows?.[0] as OutboxMessage | undefined) ?? null;
  }

  /**
   * Hands back a message claimed but not sent (the process is stopping): pending again, the attempt not counted, so
   * that the relay of a running instance sends it, once, at once rather than after ABANDONED_MS.
   */
  async release(id: string): Promise<void> {
    await this.ds.query(
      `UPDATE outbox_messages SET status = 'pending', claimed_at = NULL, attempts = greatest(attempts - 1, 0) WHERE id = $1 AND status = 'sending'`,
      [id],
    );
  }

  async markSent(id: string): Promise<void> {
    await this.ds.query(`UPDATE outbox_messages SET status = 'sent', sent_at = $2, last_error = NULL WHERE id = $1`, [id, this.clock.now()]);
  }

  /** Schedules another attempt with exponential back-off, or marks the message failed after the last attempt. */
  async markFailed(msg: Pick<OutboxMessage, 'id' | 'attempts'>, error: string): Promise<void> {
    const now = this.clock.now();
    const failed = msg.attempts >= this.settings.OUTBOX_MAX_ATTEMPTS;
    const delayMs = Math.min(3600_000, 15_000 * 2 ** (msg.attempts - 1));
    await this.ds.query(
      `UPDATE outbox_messages SET status = $2, last_error = $3, available_at = $4 WHERE id = $1`,
      [msg.id, failed ? 'failed' : 'pending', error.slice(0, 2000), new Date(now.getTime() + delayMs)],
    );
    if (failed) this.logger.warn(`message ${msg.id} failed after ${msg.attempts} attempts: ${error}`);
  }

  list(status?: string) {
    const qb = this.ds.getRepository(OutboxMessage).createQueryBuilder('o').orderBy('o.created_at', 'DESC').take(200);
    if (status) qb.where('o.status = :status', { status });
    return qb.getMany().then((rows) => rows.map((o) => ({
      id: o.id, channel: o.channel, status: o.status, attempts: o.attempts, lastError: o.lastError, dedupeKey: o.dedupeKey,
      availableAt: o.availableAt, createdAt: o.createdAt, sentAt: o.sentAt,
      summary: o.channel === 'email' ? { to: (o.payload as unknown as EmailPayload).to, subject: (o.payload as unknown as EmailPayload).subject } : { to: o.payload.recipient },
    })));
  }

  /** The messages that kept failing (newest first, one page), with their error, for the admins' deliveries page. */
  async failed(page: number, pageSize: number): Promise<{ items: FailedMessage[]; total: number }> {
    const [rows, total] = await this.ds.getRepository(OutboxMessage).createQueryBuilder('o')
      .where(`o.status = 'failed'`).orderBy('o.created_at', 'DESC').addOrderBy('o.id', 'DESC')
      .skip((page - 1) * pageSize).take(pageSize).getManyAndCount();
    return { items: rows.map(failedView), total };
  }

  /** How many messages are in each state (for the deliveries page's summary). */
  async counts(): Promise<Record<OutboxStatus, number>> {
    const rows: Array<{ status: OutboxStatus; n: number }> = await this.ds.query(
      `SELECT status, count(*)::int AS n FROM outbox_messages WHERE status IN ('pending', 'sending', 'failed') GROUP BY status`);
    const out = { pending: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 } as Record<OutboxStatus, number>;
    for (const r of rows) out[r.status] = r.n;
    return out;
  }

  /**
   * An admin's "try again" for a failed message: back to pending with its attempts counted afresh, so the relay
   * delivers it (claimed first: never sent twice); recorded in the audit log in the same transaction.
   */
  async retry(id: string, actor: AuthUser | null = null): Promise<void> {
    const done = await this.ds.transaction(async (m) => {
      const rows: Array<Pick<OutboxMessage, 'id' | 'channel' | 'attempts' | 'lastError' | 'payload'>> = await m.query(
        `SELECT id, channel, attempts, last_error AS "lastError", payload FROM outbox_messages WHERE id = $1 AND status = 'failed' FOR UPDATE`, [id]);
      if (!rows.length) return 0;
      await this.retryRows(m, rows, actor);
      return 1;
    });
    if (!done) throw notFound('Không tìm thấy tin gửi lỗi với mã này.');
    this.wake();
  }

  /** "Try again" for every failed message (at most `limit` at once); each recorded in the audit log. Returns how many. */
  async retryAll(actor: AuthUser | null = null, limit = 1000): Promise<number> {
    const n = await this.ds.transaction(async (m) => {
      const rows: Array<Pick<OutboxMessage, 'id' | 'channel' | 'attempts' | 'lastError' | 'payload'>> = await m.query(
        `SELECT id, channel, attempts, last_error AS "lastError", payload FROM outbox_messages WHERE status = 'failed'
          ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`, [limit]);
      await this.retryRows(m, rows, actor);
      return rows.length;
    });
    if (n) this.wake();
    return n;
  }

  private async retryRows(m: EntityManager, rows: Array<Pick<OutboxMessage, 'id' | 'channel' | 'attempts' | 'lastError' | 'payload'>>, actor: AuthUser | null): Promise<void> {
    if (!rows.length) return;
    await m.query(
      `UPDATE outbox_messages SET status = 'pending', attempts = 0, available_at = $2 WHERE id = ANY($1::uuid[]) AND status = 'failed'`,
      [rows.map((r) => r.id), this.clock.now()]);
    for (const r of rows) {
      const summary = messageSummary(r.channel, r.payload);
      await this.audit.record(m, actor, {
        action: 'outbox.retry', subjectType: 'outbox_message', subjectId: r.id,
        before: { status: 'failed', channel: r.channel, to: summary.to, subject: summary.subject, attempts: r.attempts, lastError: r.lastError },
        after: { status: 'pending', channel: r.channel, to: summary.to, subject: summary.subject, attempts: 0, lastError: r.lastError },
      });
    }
  }

  /** Queues the deliveries now when Redis answers; otherwise the periodic relay picks them up (the rows are what counts). */
  private wake(): void {
    void this.relay().catch((e) => this.logger.warn(`relay after retry failed: ${e}`));
  }
}

/** Who a message goes to and what about, readable whatever its channel. */
export function messageSummary(channel: OutboxChannel, payload: Record<string, unknown>): { to: string; subject: string } {
  if (channel === 'email') {
    const p = payload as unknown as EmailPayload;
    return { to: [...(p.to ?? []), ...(p.cc ?? [])].join(', '), subject: p.subject ?? '' };
  }
  const text = typeof payload.text === 'string' ? payload.text : '';
  return { to: String(payload.recipient ?? ''), subject: text.length > 120 ? `${text.slice(0, 119)}…` : text };
}

export interface FailedMessage {
  id: string;
  channel: OutboxChannel;
  to: string;
  subject: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  ticketId: string | null;
}

function failedView(o: OutboxMessage): FailedMessage {
  return { id: o.id, channel: o.channel, ...messageSummary(o.channel, o.payload), attempts: o.attempts, lastError: o.lastError, createdAt: o.createdAt, ticketId: o.ticketId };
}
