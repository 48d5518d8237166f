import { Injectable } from '@nestjs/common';
import { simpleParser, type ParsedMail } from 'mailparser';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';

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

const addresses = (a: ParsedMail['to']): string => (!a ? '' : Array.isArray(a) ? a.map((x) => x.text).join(', ') : a.text);

/**
 * The mail catcher's store (MAIL_CATCHER): each outgoing message whole, as the SMTP server would have received it,
 * so an admin reads the daily report exactly as leadership would, attachments included. Table `caught_mails`.
 */
@Injectable()
export class CaughtMails {
  constructor(private readonly ds: DataSource, private readonly clock: Clock) {}

  async store(outboxId: string | null, recipients: string[], subject: string, attachmentCount: number, raw: Buffer): Promise<void> {
    await this.ds.query(
      `INSERT INTO caught_mails (caught_at, outbox_id, recipients, subject, attachment_count, size_bytes, raw) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [this.clock.now(), outboxId, recipients, subject, attachmentCount, raw.length, raw]);
  }

  /** Newest first, one page. */
  async list(page: number, pageSize: number): Promise<{ items: CaughtMailRow[]; total: number }> {
    const [items, [{ n }]] = await Promise.all([
      this.ds.query(
        `SELECT id, caught_at AS "caughtAt", recipients, subject, attachment_count AS "attachmentCount", size_bytes AS "sizeBytes"
           FROM caught_mails ORDER BY caught_at DESC, id DESC OFFSET $1 LIMIT $2`, [(page - 1) * pageSize, pageSize]),
      this.ds.query(`SELECT count(*)::int AS n FROM caught_mails`),
    ]);
    return { items, total: n };
  }

  private async raw(id: string): Promise<{ row: CaughtMailRow; raw: Buffer } | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    const [row] = await this.ds.query(
      `SELECT id, caught_at AS "caughtAt", recipients, subject, attachment_count AS "attachmentCount", size_bytes AS "sizeBytes", raw
         FROM caught_mails WHERE id = $1`, [id]);
    if (!row) return null;
    const { raw, ...rest } = row;
    return { row: rest, raw };
  }

  /** The message as sent (RFC 5322, for a mail program), or null. */
  async source(id: string): Promise<Buffer | null> {
    return (await this.raw(id))?.raw ?? null;
  }

  /** The message read back: headers, text, HTML, the list of attachments; null for an unknown id. */
  async get(id: string): Promise<CaughtMail | null> {
    const found = await this.raw(id);
    if (!found) return null;
    const mail = await simpleParser(found.raw);
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
    const a = (await simpleParser(found.raw)).attachments[index];
    return a ? { filename: a.filename ?? `tep-${index + 1}`, contentType: a.contentType, content: a.content } : null;
  }
}
