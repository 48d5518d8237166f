import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { EntityManager } from 'typeorm';
import { AttachmentStore, type StoredContent } from './attachment-store.js';

/**
 * Attachments in PostgreSQL (ATTACHMENT_STORAGE=postgres, the default): the bytes in `attachment_contents`, written in
 * the caller's transaction, so the ticket, the attachment's row and its content commit together or not at all, and a
 * backup of the database holds them. A file is at most UPLOAD_MAX_BYTES: it is read and written whole.
 */
export class PostgresAttachmentStore extends AttachmentStore {
  readonly kind = 'postgres' as const;
  readonly writesOutsideTransaction = false;

  async put(m: EntityManager, id: string, content: Buffer | Readable): Promise<void> {
    const bytes = Buffer.isBuffer(content) ? content : await buffer(content);
    await m.query(`INSERT INTO attachment_contents (attachment_id, content) VALUES ($1, $2)`, [id, bytes]);
  }

  async get(m: EntityManager, id: string): Promise<StoredContent | null> {
    const rows: Array<{ content: Buffer }> = await m.query(`SELECT content FROM attachment_contents WHERE attachment_id = $1`, [id]);
    if (!rows.length) return null;
    return { body: Readable.from([rows[0].content]), size: rows[0].content.length };
  }

  async delete(m: EntityManager, id: string): Promise<void> {
    await m.query(`DELETE FROM attachment_contents WHERE attachment_id = $1`, [id]);
  }
}
