import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { notFound } from '../common/errors.js';
import { RecipientList } from './recipient-list.entity.js';

@Injectable()
export class RecipientListsService {
  constructor(private readonly ds: DataSource) {}

  list() {
    return this.ds.getRepository(RecipientList).find({ order: { code: 'ASC' } });
  }

  async emails(code: string, m: EntityManager = this.ds.manager): Promise<string[]> {
    return (await m.findOneBy(RecipientList, { code }))?.emails ?? [];
  }

  async update(code: string, emails: string[]) {
    const list = await this.ds.getRepository(RecipientList).findOneBy({ code });
    if (!list) throw notFound(`Không có danh sách nhận thư "${code}".`);
    list.emails = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
    return this.ds.getRepository(RecipientList).save(list);
  }
}
