import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { claimLegacyAttachment, legacyAttachmentRows, markAttachmentStored } from '../tickets/ticket-attachment-rows.js';
import type { AttachmentStore } from './attachment-store.js';

/** What `import-attachment-files` did, file by file for the ones it could not take. */
export interface ImportReport {
  imported: number;
  /** Files the rows name that are not on disk (or not under UPLOAD_DIR). */
  missing: Array<{ id: string; path: string }>;
  /** Files whose size or SHA-256 is not the one recorded when they were received. */
  changed: Array<{ id: string; path: string; reason: string }>;
}

const BATCH = 100;

/**
 * Moves the files that earlier versions kept under UPLOAD_DIR (rows with a storage_path) into the attachment store:
 * per file, in one transaction, the content is put and the row then names the store instead of the path; once that
 * has committed, the file is removed (unless keepFiles). A file that is missing, or whose size or SHA-256 is not
 * the one recorded, is left as it is and reported. Safe to run again, and from several machines at once (a row
 * being imported elsewhere is skipped).
 */
export async function importAttachmentFiles(ds: DataSource, store: AttachmentStore, uploadDir: string, opts: { keepFiles?: boolean } = {}): Promise<ImportReport> {
  const root = resolve(uploadDir);
  const report: ImportReport = { imported: 0, missing: [], changed: [] };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await legacyAttachmentRows(ds.manager, after, BATCH);
    if (!rows.length) return report;
    after = rows[rows.length - 1].id;
    for (const row of rows) {
      const path = resolve(root, row.storage_path);
      const inside = relative(root, path);
      const content = inside && !inside.startsWith('..') && !isAbsolute(inside) ? await readFile(path).catch(() => null) : null;
      if (!content) {
        report.missing.push({ id: row.id, path });
        continue;
      }
      const problem = row.size_bytes !== null && row.size_bytes !== content.length
        ? `${content.length} bytes, ${row.size_bytes} recorded`
        : row.sha256 && createHash('sha256').update(content).digest('hex') !== row.sha256 ? 'SHA-256 differs from the one recorded' : null;
      if (problem) {
        report.changed.push({ id: row.id, path, reason: problem });
        continue;
      }
      const moved = await ds.transaction(async (m) => {
        if (!(await claimLegacyAttachment(m, row.id))) return false;
        await store.put(m, row.id, content, { contentType: row.content_type ?? 'application/octet-stream', size: content.length });
        await markAttachmentStored(m, row.id, store.kind);
        return true;
      });
      if (!moved) continue;
      report.imported += 1;
      if (!opts.keepFiles) await rm(path, { force: true });
    }
  }
}
