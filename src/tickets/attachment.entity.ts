import { Column, Entity } from 'typeorm';
import { TicketLinkedRow } from './ticket-row-columns.js';

/**
 * A photo or file sent with a complaint: its metadata. The content is never in this row: it is in the attachment
 * store named by `storage` (src/attachments/), or only linked to (`url`, for Zalo and Facebook).
 */
@Entity('attachments')
export class Attachment extends TicketLinkedRow {
  @Column({ type: 'varchar', length: 16 })
  kind: 'image' | 'file' | 'location' | 'sticker';

  @Column({ type: 'varchar', length: 255, nullable: true })
  filename: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  contentType: string | null;

  @Column({ type: 'integer', nullable: true })
  sizeBytes: number | null;

  /** Where its content is kept (ATTACHMENT_STORAGE when it was written); null for links and for files not yet imported. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  storage: 'postgres' | 's3' | null;

  /**
   * A file that an earlier version kept on disk, relative to UPLOAD_DIR, and that `import-attachment-files` has not
   * moved into the store yet (then null).
   */
  @Column({ type: 'varchar', length: 300, nullable: true })
  storagePath: string | null;

  /** The platform's URL for attachments we only link to (Zalo, Facebook). */
  @Column({ type: 'text', nullable: true })
  url: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
