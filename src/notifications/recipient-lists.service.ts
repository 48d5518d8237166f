import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import type { AuthUser } from '../common/auth-user.js';
import { notFound } from '../common/errors.js';
import { RecipientList } from './recipient-list.entity.js';

@Injectable()
export class RecipientListsService {
  constructor(private readonly ds: DataSource, private readonly audit: AuditLog) {}

  list() {
    return this.ds.getRepository(RecipientList).find({ order: { code: 'ASC' } });
  }

  async emails(code: string, m: EntityManager = this.ds.manager): Promise<string[]> {
    return (await m.findOneBy(RecipientList, { code }))?.emails ?? [];
  }

  /** Replaces a list's addresses (trimmed, lower-cased, each once); recorded in the audit log in the same transaction. */
  async update(code: string, emails: string[], actor: AuthUser | null = null) {
    return this.ds.transaction(async (m) => {
      const list = await m.findOne(RecipientList, { where: { code }, lock: { mode: 'pessimistic_write' } });
      if (!list) throw notFound(`Không có danh sách nhận thư "${code}".`);
      const before = { name: list.name, emails: [...list.emails] };
      list.emails = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
      const saved = await m.save(list);
      await this.audit.record(m, actor, { action: 'recipient_list.update', subjectType: 'recipient_list', subjectId: code, before, after: { name: saved.name, emails: saved.emails } });
      return saved;
    });
  }
}
