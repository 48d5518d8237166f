import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Public, Roles } from '../../common/decorators.js';
import { ApiStaffIdempotencyKey, IdempotencyKey } from '../staff-idempotency.decorators.js';
import { CallsSecretGuard } from './calls-secret.guard.js';
import { CallsService } from './calls.service.js';
import { AnnounceCallDto, CallTicketDto } from './dto/call.dto.js';

@ApiTags('calls')
@Controller('api/calls')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  /** The telephone exchange announces a call; the answer shows the caller's earlier tickets. */
  @Post()
  @Public()
  @UseGuards(CallsSecretGuard)
  @HttpCode(200)
  @ApiHeader({ name: 'X-Calls-Secret', required: true, description: 'CALLS_SHARED_SECRET' })
  announce(@Body() dto: AnnounceCallDto) {
    return this.calls.announce(dto);
  }

  /**
   * The ticket typed during the call (the body of POST /api/tickets without the phone; channel defaults to hotline):
   * 201. With `Idempotency-Key`, a repetition of the same request by the same account creates nothing and answers 200
   * with the same ticket as it is now; the same key with another body or call is a 409.
   */
  @Post(':callId/ticket')
  @ApiBearerAuth()
  @Roles('operator', 'coordinator', 'admin')
  @ApiStaffIdempotencyKey()
  async createTicket(
    @CurrentUser() user: AuthUser,
    @Param('callId') callId: string,
    @Body() dto: CallTicketDto,
    @IdempotencyKey() idempotencyKey: string | null,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, ticket } = await this.calls.createTicket(user, callId, dto, idempotencyKey);
    if (!created) res.status(HttpStatus.OK);
    return ticket;
  }

  /** The call and its ticket, for those who take calls (the caller's number is not for every unit's staff). */
  @Get(':callId')
  @ApiBearerAuth()
  @Roles('operator', 'coordinator', 'admin')
  get(@CurrentUser() user: AuthUser, @Param('callId') callId: string) {
    return this.calls.get(user, callId);
  }
}
