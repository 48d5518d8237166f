import { Injectable } from '@nestjs/common';
import type { ParsedMail } from 'mailparser';
import { parseMail } from '../common/parse-mail.js';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { CaughtMailEntry } from './caught-mail.entity.js';

/** A caught e-mail as the list shows it. */
export interface CaughtMailRow {
  id: string;
  caughtAt: Date;
  recipients: string[];
  subject: string;
  attachmentCount: number;
  sizeBytes: number;
}

/** One caught e-mail read back as its receiver's mail program would read it. */
export interface CaughtMail extends CaughtMailRow {
  from: string;
  to: string;
  cc: string;
  date: Date | null;
  messageId: string;
  text: string;
  /** The HTML part as sent (shown only in a sandboxed frame with its own CSP), or null. */
  html: string | null;
  attachments: Array<{ index: number; filename: string; contentType: string; size: number }>;
}

const rowOf = (m: CaughtMailEntry): CaughtMailRow =>
  ({ id: m.id, caughtAt: m.caughtAt, recipients: m.recipients, subject: m.subject, attachmentCount: m.attachmentCount, sizeBytes: m.sizeBytes });

const addresses = (a: ParsedMail['to']): string => (!a ? '' : Array.isArray(a) ? a.map((x) => x.text).join(', ') : a.text);

/**
 * The mail catcher's store (MAIL_CATCHER): each outgoing message whole, as the SMTP server would have received it,
 * so an admin reads the daily report exactly as leadership would, attachments included. Table `caught_mails`
 * (entity CaughtMailEntry).
 */
@Injectable()
export class CaughtMails {
  constructor(private readonly ds: DataSource, private readonly clock: Clock) {}

  private get repo() {
    return this.ds.getRepository(CaughtMailEntry);
  }

  async store(outboxId: string | null, recipients: string[], subject: string, attachmentCount: number, raw: Buffer): Promise<void> {
    await this.repo.insert({ caughtAt: this.clock.now(), outboxId, recipients, subject, attachmentCount, sizeBytes: raw.length, raw });
  }

  /** Newest first, one page. */
  async list(page: number, pageSize: number): Promise<{ items: CaughtMailRow[]; total: number }> {
    const [rows, total] = await this.repo.findAndCount({ order: { caughtAt: 'DESC', id: 'DESC' }, skip: (page - 1) * pageSize, take: pageSize });
    return { items: rows.map(rowOf), total };
  }

  private async raw(id: string): Promise<{ row: CaughtMailRow; raw: Buffer } | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    const found = await this.repo.createQueryBuilder('m').addSelect('m.raw').where('m.id = :id', { id }).getOne();
    return found ? { row: rowOf(found), raw: found.raw } : null;
  }

  /** The message as sent (RFC 5322, for a mail program), or null. */
  async source(id: string): Promise<Buffer | null> {
    return (await this.raw(id))?.raw ?? null;
  }

  /** The message read back: headers, text, HTML, the list of attachments; null for an unknown id. */
  async get(id: string): Promise<CaughtMail | null> {
    const found = await this.raw(id);
    if (!found) return null;
    const mail = await parseMail(found.raw);
    return {
      ...found.row,
      from: addresses(mail.from),
      to: addresses(mail.to),
      cc: addresses(mail.cc),
      date: mail.date ?? null,
      messageId: mail.messageId ?? '',
      text: mail.text ?? '',
      html: typeof mail.html === 'string' ? mail.html : null,
      attachments: mail.attachments.map((a, index) => ({ index, filename: a.filename ?? `tep-${index + 1}`, contentType: a.contentType, size: a.size })),
    };
  }

  /** One attachment's bytes as sent, or null. */
  async attachment(id: string, index: number): Promise<{ filename: string; contentType: string; content: Buffer } | null> {
    const found = await this.raw(id);
    if (!found) return null;
    const a = (await parseMail(found.raw)).attachments[index];
    return a ? { filename: a.filename ?? `tep-${index + 1}`, contentType: a.contentType, content: a.content } : null;
  }
}
