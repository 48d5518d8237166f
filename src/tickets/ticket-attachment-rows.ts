import type { EntityManager } from 'typeorm';
import { Attachment } from './attachment.entity.js';

/** Attachment `id` of the ticket `ticketId`, or null (another ticket's attachment is not this one's). */
export function findTicketAttachment(m: EntityManager, ticketId: string, id: string): Promise<Attachment | null> {
  return m.findOneBy(Attachment, { id, ticketId });
}

/** A file that an earlier version kept under UPLOAD_DIR, as `import-attachment-files` reads its row. */
export interface LegacyAttachmentRow {
  id: string;
  storage_path: string;
  size_bytes: number | null;
  content_type: string | null;
  sha256: string | null;
}

/** The next `limit` rows (by id, after `after`) naming a file under UPLOAD_DIR instead of a store. */
export function legacyAttachmentRows(m: EntityManager, after: string, limit: number): Promise<LegacyAttachmentRow[]> {
  return m.query(
    `SELECT id, storage_path, size_bytes, content_type, data->>'sha256' AS sha256 FROM attachments
        WHERE storage IS NULL AND storage_path IS NOT NULL AND id > $1 ORDER BY id LIMIT ${limit}`, [after]);
}

/**
 * Locks the row of a file still to import, in the caller's transaction `m`; false when it was imported meanwhile or
 * is being imported elsewhere (skipped, not waited for).
 */
export async function claimLegacyAttachment(m: EntityManager, id: string): Promise<boolean> {
  const [mine] = await m.query(`SELECT id FROM attachments WHERE id = $1 AND storage IS NULL FOR UPDATE SKIP LOCKED`, [id]);
  return Boolean(mine);
}

/** The row of an imported file names the store that now keeps its content instead of the path. */
export async function markAttachmentStored(m: EntityManager, id: string, storage: NonNullable<Attachment['storage']>): Promise<void> {
  await m.query(`UPDATE attachments SET storage = $2, storage_path = NULL WHERE id = $1`, [id, storage]);
}
