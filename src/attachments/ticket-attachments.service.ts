import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../common/auth-user.js';
import type { AttachmentDownload } from './attachment-response.js';
import { StoredAttachments } from './stored-attachments.service.js';
import { notFound } from '../common/errors.js';
import { findVisibleTicketId } from '../tickets/ticket-access.js';
import { findTicketAttachment } from '../tickets/ticket-attachment-rows.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const attachmentNotFound = () => notFound('Không tìm thấy tệp đính kèm này của phản ánh.');

/** The attachments of a ticket, for those who may read the ticket. */
@Injectable()
export class TicketAttachmentsService {
  private readonly logger = new Logger(TicketAttachmentsService.name);

  constructor(private readonly ds: DataSource, private readonly stored: StoredAttachments) {}

  /**
   * Attachment `id` of ticket `code` with its content. Read exactly as the ticket is (ticket-access.ts): a ticket
   * this user may not read, an attachment of another ticket, one we only link to and an unknown one all answer 404.
   */
  async open(user: AuthUser, code: string, id: string): Promise<AttachmentDownload> {
    if (!UUID.test(id)) throw attachmentNotFound();
    const ticketId = await findVisibleTicketId(this.ds.manager, user, code);
    if (!ticketId) throw notFound(`Không tìm thấy phản ánh mã "${code}".`);
    const attachment = await findTicketAttachment(this.ds.manager, ticketId, id);
    if (!attachment) throw attachmentNotFound();
    const content = await this.stored.open(attachment);
    if (!content) {
      if (attachment.storagePath) {
        this.logger.warn(`attachment ${id} is still a file under UPLOAD_DIR (${attachment.storagePath}): run \`npm run cli -- import-attachment-files\``);
      } else if (attachment.storage) {
        this.logger.error(`attachment ${id} has no content in ${attachment.storage}`);
      }
      throw attachmentNotFound();
    }
    return { filename: attachment.filename, contentType: attachment.contentType, content };
  }
}
