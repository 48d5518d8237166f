import { Module } from '@nestjs/common';
import { Settings } from '../../config/settings.js';
import { AttachmentStore } from './attachment-store.js';
import { createAttachmentStore, StoredAttachments } from './stored-attachments.service.js';

/** The content of attachments: kept in PostgreSQL or in an S3-compatible object store (ATTACHMENT_STORAGE). */
@Module({
  providers: [{ provide: AttachmentStore, useFactory: createAttachmentStore, inject: [Settings] }, StoredAttachments],
  exports: [StoredAttachments],
})
export class AttachmentsModule {}
