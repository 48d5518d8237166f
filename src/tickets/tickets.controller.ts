import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser } from '../common/decorators.js';
import {
  AssignDto, CommentDto, MergeTicketDto, NoteDto, ReasonDto, RejectDto, ResolveDto, TicketQueryDto,
} from './dto/ticket.dto.js';
import { TicketsService } from './tickets.service.js';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('api/tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Query() q: TicketQueryDto) {
    return this.tickets.list(user, q);
  }

  @Get(':code')
  get(@CurrentUser() user: AuthUser, @Param('code') code: string) {
    return this.tickets.get(user, code);
  }

  @Post(':code/assign') @HttpCode(200)
  assign(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: AssignDto) {
    return this.tickets.act(user, code, { action: 'assign', dto });
  }

  @Post(':code/accept') @HttpCode(200)
  accept(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: NoteDto) {
    return this.tickets.act(user, code, { action: 'accept', dto });
  }

  @Post(':code/return') @HttpCode(200)
  giveBack(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: ReasonDto) {
    return this.tickets.act(user, code, { action: 'return', dto });
  }

  @Post(':code/resolve') @HttpCode(200)
  resolve(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: ResolveDto) {
    return this.tickets.act(user, code, { action: 'resolve', dto });
  }

  @Post(':code/close') @HttpCode(200)
  close(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: NoteDto) {
    return this.tickets.act(user, code, { action: 'close', dto });
  }

  @Post(':code/reject') @HttpCode(200)
  reject(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: RejectDto) {
    return this.tickets.act(user, code, { action: 'reject', dto });
  }

  /** Marks this ticket as a duplicate of another (a rejection with reason "duplicate"): counted as received, neither
   *  handled nor open; its citizen gets the other ticket's answer. */
  @Post(':code/merge') @HttpCode(200)
  merge(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: MergeTicketDto) {
    return this.tickets.act(user, code, { action: 'reject', dto: { reason: 'duplicate', duplicateOf: dto.intoCode, note: dto.note, version: dto.version } });
  }

  @Post(':code/reopen') @HttpCode(200)
  reopen(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: ReasonDto) {
    return this.tickets.act(user, code, { action: 'reopen', dto });
  }

  @Post(':code/comments')
  comment(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: CommentDto) {
    return this.tickets.comment(user, code, dto);
  }
}
