import { Module } from '@nestjs/common';
import { AttachmentsModule } from './attachments.module.js';
import { TicketAttachmentsController } from './ticket-attachments.controller.js';
import { TicketAttachmentsService } from './ticket-attachments.service.js';

/** Downloading a ticket's attachments (`GET /api/tickets/:code/attachments/:id`), read as the ticket is. */
@Module({
  imports: [AttachmentsModule],
  controllers: [TicketAttachmentsController],
  providers: [TicketAttachmentsService],
  exports: [TicketAttachmentsService],
})
export class TicketAttachmentsModule {}
