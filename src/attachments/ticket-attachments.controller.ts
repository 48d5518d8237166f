import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser } from '../common/decorators.js';
import { sendAttachment } from './attachment-response.js';
import { TicketAttachmentsService } from './ticket-attachments.service.js';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('api/tickets')
export class TicketAttachmentsController {
  constructor(private readonly attachments: TicketAttachmentsService) {}

  /** The content of an attachment the ticket lists (`attachments[].downloadUrl`): an image shown in place, any other file downloaded. */
  @Get(':code/attachments/:id')
  @ApiProduces('image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/octet-stream')
  async download(@CurrentUser() user: AuthUser, @Param('code') code: string, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await sendAttachment(res, await this.attachments.open(user, code, id));
  }
}
