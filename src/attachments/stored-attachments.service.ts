import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Settings } from '../../config/settings.js';
import type { Attachment } from '../tickets/attachment.entity.js';
import { TicketLifecycle } from '../tickets/ticket-lifecycle.js';
import { AttachmentStore, type AttachmentStorage, type StoredContent } from './attachment-store.js';
import { PostgresAttachmentStore } from './postgres-attachment.store.js';
import { S3AttachmentStore } from './s3-attachment.store.js';

/** The store ATTACHMENT_STORAGE names. */
export function createAttachmentStore(settings: Settings): AttachmentStore {
  return settings.ATTACHMENT_STORAGE === 's3' ? new S3AttachmentStore(settings) : new PostgresAttachmentStore();
}

/** An attachment to keep with a ticket: its row's fields and its content (bytes, or a stream of sizeBytes bytes). */
export interface NewAttachmentFile {
  ticketId: string;
  kind: 'image' | 'file';
  filename: string | null;
  contentType: string;
  sizeBytes: number;
  data: Record<string, unknown>;
  createdAt: Date;
  content: Buffer | Readable;
}

/** Records attachments, rows and content, in the transaction it was handed with; resolves to their ids. */
export type KeepFiles = (files: NewAttachmentFile[]) => Promise<string[]>;

/**
 * Attachments whose content we keep: written with the ticket's transaction, read from the store their row names.
 * The one place that pairs an `attachments` row with its content.
 */
@Injectable()
export class StoredAttachments implements OnModuleDestroy {
  private readonly logger = new Logger(StoredAttachments.name);
  /** PostgreSQL can always be read: attachments written before a move to S3 stay readable. */
  private readonly postgres = new PostgresAttachmentStore();

  constructor(private readonly ds: DataSource, private readonly store: AttachmentStore, private readonly tickets: TicketLifecycle) {}

  /**
   * Runs `work` in one transaction and hands it `keep`, which records attachments in that transaction. Nothing is
   * half-written: in PostgreSQL the content commits or vanishes with the rows; in S3 each object is written before
   * the commit, and the objects of a transaction that did not commit are deleted again.
   */
  async transaction<T>(work: (m: EntityManager, keep: KeepFiles) => Promise<T>): Promise<T> {
    const outside: string[] = [];
    try {
      return await this.ds.transaction((m) => work(m, (files) => this.keep(m, files, outside)));
    } catch (e) {
      await Promise.all(outside.map((id) => this.store.delete(this.ds.manager, id).catch((err: Error) =>
        this.logger.warn(`could not delete the content of attachment ${id}, whose transaction did not commit: ${err.message}`))));
      throw e;
    }
  }

  /** The content of a stored attachment, from the store its row names; null when there is none. */
  async open(row: Pick<Attachment, 'id' | 'storage'>): Promise<StoredContent | null> {
    if (!row.storage) return null;
    return this.storeOf(row.storage).get(this.ds.manager, row.id);
  }

  onModuleDestroy(): void {
    this.store.close();
  }

  private storeOf(kind: AttachmentStorage): AttachmentStore {
    if (kind === this.store.kind) return this.store;
    if (kind === 'postgres') return this.postgres;
    throw new Error(`an attachment is kept in ${kind}, but ATTACHMENT_STORAGE=${this.store.kind}: set the S3_* settings of that store again`);
  }

  private async keep(m: EntityManager, files: NewAttachmentFile[], outside: string[]): Promise<string[]> {
    try {
      const rows = files.map(({ content: _content, data, ...f }) => ({
        ...f, data: data as never, id: randomUUID(), storage: this.store.kind, storagePath: null, url: null,
      }));
      if (!rows.length) return [];
      // the rows first: the content's row refers to its attachment
      await this.tickets.recordStoredAttachments(m, rows);
      for (const [i, f] of files.entries()) {
        if (this.store.writesOutsideTransaction) outside.push(rows[i].id);
        await this.store.put(m, rows[i].id, f.content, { contentType: f.contentType, size: f.sizeBytes });
      }
      return rows.map((r) => r.id);
    } finally {
      // a stream not read (an earlier file failed) closes its file now
      for (const f of files) if (!Buffer.isBuffer(f.content)) f.content.destroy();
    }
  }
}
