import { Controller, Get, Param, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/decorators.js';
import { sendAttachment } from '../attachments/attachment-response.js';
import { TicketAttachmentsService } from '../attachments/ticket-attachments.service.js';
import { StaffPageErrorFilter } from './staff-page-error.filter.js';
import { CurrentSession, StaffSessionGuard, type StaffSession } from './staff-session.js';

/**
 * A ticket's attachment for the staff pages, with the page session (cookie) instead of a bearer token: the same
 * answer as `GET /api/tickets/:code/attachments/:id`; without a session, the login page, back here after.
 */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard)
@UseFilters(StaffPageErrorFilter)
@Controller()
export class StaffAttachmentsController {
  constructor(private readonly attachments: TicketAttachmentsService) {}

  @Get('tickets/:code/tep-dinh-kem/:id')
  async download(@CurrentSession() s: StaffSession, @Param('code') code: string, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await sendAttachment(res, await this.attachments.open(s.user, code, id));
  }
}
