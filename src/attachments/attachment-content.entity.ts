import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Attachment } from '../tickets/attachment.entity.js';

/**
 * The bytes of an attachment kept in PostgreSQL (ATTACHMENT_STORAGE=postgres): one row per attachment, written in the
 * transaction that writes its `attachments` row, removed with it. Files are at most UPLOAD_MAX_BYTES (50 MB at the
 * most), well within what bytea holds and what one read brings into memory.
 */
@Entity('attachment_contents')
export class AttachmentContent {
  @PrimaryColumn('uuid')
  attachmentId: string;

  @OneToOne(() => Attachment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'attachment_id' })
  attachment?: Attachment;

  @Column({ type: 'bytea' })
  content: Buffer;
}
