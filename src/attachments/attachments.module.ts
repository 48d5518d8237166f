import { Module } from '@nestjs/common';
import { Settings } from '../../config/settings.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { AttachmentStore } from './attachment-store.js';
import { createAttachmentStore, StoredAttachments } from './stored-attachments.service.js';
import { TicketAttachmentsController } from './ticket-attachments.controller.js';
import { TicketAttachmentsService } from './ticket-attachments.service.js';

/**
 * The content of attachments, kept in PostgreSQL or in an S3-compatible object store (ATTACHMENT_STORAGE), and its
 * download by staff (`GET /api/tickets/:code/attachments/:id`), read as the ticket is.
 */
@Module({
  imports: [TicketsModule],
  controllers: [TicketAttachmentsController],
  providers: [{ provide: AttachmentStore, useFactory: createAttachmentStore, inject: [Settings] }, StoredAttachments, TicketAttachmentsService],
  exports: [StoredAttachments, TicketAttachmentsService],
})
export class AttachmentsModule {}
