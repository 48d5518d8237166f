import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { conflict } from '../common/errors.js';

/** How long a staff idempotency key is remembered; afterwards the same key is a new request. */
export const STAFF_IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** A staff request that creates a ticket, as its idempotency key identifies it. */
export interface StaffRequest {
  user: AuthUser;
  /** The `Idempotency-Key` header, checked (`IdempotencyKey()`); null when none was sent. */
  key: string | null;
  /** What is asked: the route, its parameters and the validated body (hashed as stable JSON). */
  request: Record<string, unknown>;
}

/** The first request's work done now, or the ticket an earlier request with the same key made. */
export type StaffOutcome<T> = { created: true; value: T } | { created: false; ticketCode: string };

/** JSON with every object's keys in order and undefined left out: equal values, equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v);
}

const requestHash = (request: Record<string, unknown>) => createHash('sha256').update(stableJson(request), 'utf8').digest('hex');

/**
 * Ticket writes by staff made once per `Idempotency-Key` (the owner of `staff_idempotency_keys`): the intake
 * pipeline's request check, reached only through IntakeService.onceForStaff (not exported). A key belongs to
 * the account that sent it. Under a transaction-scoped advisory lock on (account, key), a request looks the key up and,
 * when it is new, creates the ticket and writes the key in the same transaction: a repetition, even one sent while the
 * first is still running, waits for the first one's commit and finds its ticket; a crash leaves neither. The same key
 * with another request (another body, route or call) is a 409 and writes nothing. A key is remembered for
 * STAFF_IDEMPOTENCY_TTL_MS; each keyed request removes its account's expired keys (those another transaction holds
 * are left for the next one), so the table keeps about a day of keys per account.
 */
@Injectable()
export class StaffIdempotencyService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs `write` (which creates one ticket and says which) once per key. Without a key it runs as before: in a
   * transaction of its own when `transaction` is set, else on the pool (a single-statement write needs none).
   */
  async once<T>(
    { user, key, request }: StaffRequest,
    write: (m: EntityManager) => Promise<{ ticketId: string; value: T }>,
    { transaction }: { transaction: boolean },
  ): Promise<StaffOutcome<T>> {
    if (key === null) {
      const { value } = transaction ? await this.ds.transaction(write) : await write(this.ds.manager);
      return { created: true, value };
    }
    const hash = requestHash(request);
    return this.ds.transaction(async (m) => {
      // one request per account and key at a time: a repetition waits here for the first one's commit, then finds it
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('staff-idempotency:' || $1 || ':' || $2))`, [user.id, key]);
      const now = this.clock.now();
      const expired = new Date(now.getTime() - STAFF_IDEMPOTENCY_TTL_MS);
      const [seen]: Array<{ request_hash: string; code: string }> = await m.query(
        `WITH expired AS (
           DELETE FROM staff_idempotency_keys WHERE ctid IN (
             SELECT ctid FROM staff_idempotency_keys WHERE user_id = $1 AND created_at < $3 FOR UPDATE SKIP LOCKED))
         SELECT k.request_hash, t.code FROM staff_idempotency_keys k JOIN tickets t ON t.id = k.ticket_id
          WHERE k.user_id = $1 AND k.key = $2 AND k.created_at >= $3`,
        [user.id, key, expired],
      );
      if (seen) {
        if (seen.request_hash !== hash) {
          throw conflict(
            'IDEMPOTENCY_KEY_REUSED',
            'Idempotency-Key này đã được dùng cho một yêu cầu khác với nội dung khác. Mỗi phản ánh mới cần một khóa mới.',
            { ticketCode: seen.code },
          );
        }
        return { created: false, ticketCode: seen.code };
      }
      const { ticketId, value } = await write(m);
      // an expired row of this key still there (held by another request's clean-up that then rolled back) is replaced
      const written: unknown[] = await m.query(
        `INSERT INTO staff_idempotency_keys (user_id, key, request_hash, ticket_id, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, ticket_id = EXCLUDED.ticket_id, created_at = EXCLUDED.created_at
          WHERE staff_idempotency_keys.created_at < $6
         RETURNING 1`,
        [user.id, key, hash, ticketId, now, expired],
      );
      if (written.length !== 1) throw new Error(`staff idempotency key of user ${user.id} taken while its advisory lock was held`);
      return { created: true, value };
    });
  }
}
