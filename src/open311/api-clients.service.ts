import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import { displayName, type AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { badRequest, notFound } from '../common/errors.js';
import { ApiClient } from './api-client.entity.js';

/** The key's visible start: "o311_" and four characters, enough to tell keys apart on the admin page. */
const PREFIX_LENGTH = 9;
export const API_CLIENT_NAME_MAX = 120;

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** What the admin page and the audit log show of a client (never the key or its hash). */
export interface ApiClientView {
  id: string;
  name: string;
  keyPrefix: string;
  createdAt: Date;
  createdByName: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  active: boolean;
}

const viewOf = (c: ApiClient): ApiClientView => ({
  id: c.id, name: c.name, keyPrefix: c.keyPrefix, createdAt: c.createdAt, createdByName: c.createdByName,
  lastUsedAt: c.lastUsedAt, revokedAt: c.revokedAt, active: c.revokedAt === null,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Open311 clients and their keys (table api_clients, owned here): a key is 32 random bytes, shown once at
 * creation; only its SHA-256 is kept, so a key found is one lookup by hash. Creation and revocation are audited in
 * their own transaction.
 */
@Injectable()
export class ApiClientsService {
  constructor(private readonly ds: DataSource, private readonly clock: Clock, private readonly audit: AuditLog) {}

  async list(): Promise<ApiClientView[]> {
    const rows = await this.ds.getRepository(ApiClient).find({ order: { createdAt: 'DESC', id: 'ASC' } });
    return rows.map(viewOf);
  }

  async get(id: string): Promise<ApiClientView> {
    const row = UUID.test(id) ? await this.ds.getRepository(ApiClient).findOneBy({ id }) : null;
    if (!row) throw notFound('Không tìm thấy ứng dụng này.');
    return viewOf(row);
  }

  /** Creates a client; the answer carries its key, which nothing else will ever show again. */
  async create(name: string, actor: AuthUser): Promise<{ client: ApiClientView; key: string }> {
    const clean = name.trim().replace(/\s+/g, ' ');
    if (!clean) throw badRequest([{ field: 'name', reason: 'là bắt buộc: tên ứng dụng hoặc hệ thống dùng khóa' }]);
    if (clean.length > API_CLIENT_NAME_MAX) throw badRequest([{ field: 'name', reason: `dài tối đa ${API_CLIENT_NAME_MAX} ký tự` }]);
    const key = `o311_${randomBytes(32).toString('base64url')}`;
    return this.ds.transaction(async (m) => {
      const client = await m.save(m.create(ApiClient, {
        name: clean, keyHash: hashApiKey(key), keyPrefix: key.slice(0, PREFIX_LENGTH), createdAt: this.clock.now(),
        createdByName: displayName(actor), lastUsedAt: null, revokedAt: null,
      }));
      const view = viewOf(client);
      await this.audit.record(m, actor, { action: 'api_client.create', subjectType: 'api_client', subjectId: client.id, before: null, after: view });
      return { client: view, key };
    });
  }

  /** Revokes a client's key at once (its next request answers 403); revoking twice changes nothing. */
  async revoke(id: string, actor: AuthUser): Promise<ApiClientView> {
    if (!UUID.test(id)) throw notFound('Không tìm thấy ứng dụng này.');
    return this.ds.transaction(async (m) => {
      const client = await m.getRepository(ApiClient).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!client) throw notFound('Không tìm thấy ứng dụng này.');
      if (client.revokedAt) return viewOf(client);
      const before = viewOf(client);
      client.revokedAt = this.clock.now();
      await m.save(client);
      const after = viewOf(client);
      await this.audit.record(m, actor, { action: 'api_client.revoke', subjectType: 'api_client', subjectId: client.id, before, after });
      return after;
    });
  }

  /** The active client a key belongs to, or null (unknown, revoked); marks it used. */
  async authenticate(key: string): Promise<ApiClientView | null> {
    if (!key || key.length > 200) return null;
    const now = this.clock.now();
    const rows: ApiClient[] = await this.ds.getRepository(ApiClient).createQueryBuilder()
      .update().set({ lastUsedAt: now })
      .where({ keyHash: hashApiKey(key), revokedAt: IsNull() })
      .returning('*').execute().then((r) => r.raw as ApiClient[]);
    const row = rows[0] as unknown as Record<string, unknown> | undefined;
    if (!row) return null;
    return {
      id: row.id as string, name: row.name as string, keyPrefix: row.key_prefix as string, createdAt: row.created_at as Date,
      createdByName: row.created_by_name as string, lastUsedAt: now, revokedAt: null, active: true,
    };
  }
}
