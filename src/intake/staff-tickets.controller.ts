import { Body, Controller, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser } from '../common/decorators.js';
import { CreateTicketDto } from '../tickets/dto/ticket.dto.js';
import { ApiStaffIdempotencyKey, IdempotencyKey } from './staff-idempotency.decorators.js';
import { IntakeService } from './intake.service.js';

/** The operators' channel (a call logged while the caller waits, a visit): a ticket written by staff. */
@ApiTags('tickets')
@ApiBearerAuth()
@Controller('api/tickets')
export class StaffTicketsController {
  constructor(private readonly intake: IntakeService) {}

  /**
   * Creates a ticket: 201. With `Idempotency-Key` (see StaffIdempotencyService), a repetition of the same request by
   * the same account creates nothing and answers 200 with the ticket as GET shows it now; the same key with another
   * body is a 409.
   */
  @Post()
  @ApiStaffIdempotencyKey()
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateTicketDto,
    @IdempotencyKey() idempotencyKey: string | null,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, ticket } = await this.intake.createForStaff(user, dto, idempotencyKey);
    if (!created) res.status(HttpStatus.OK);
    return ticket;
  }
}
