import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser, Public, Roles } from '../../auth/decorators.js';
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

  /** The ticket typed during the call (the body of POST /api/tickets without the phone; channel defaults to hotline). */
  @Post(':callId/ticket')
  @ApiBearerAuth()
  @Roles('operator', 'coordinator', 'admin')
  createTicket(@CurrentUser() user: AuthUser, @Param('callId') callId: string, @Body() dto: CallTicketDto) {
    return this.calls.createTicket(user, callId, dto);
  }

  /** The call and its ticket, for those who take calls (the caller's number is not for every unit's staff). */
  @Get(':callId')
  @ApiBearerAuth()
  @Roles('operator', 'coordinator', 'admin')
  get(@CurrentUser() user: AuthUser, @Param('callId') callId: string) {
    return this.calls.get(user, callId);
  }
}
