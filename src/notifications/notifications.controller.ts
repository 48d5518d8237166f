import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsOptional } from 'class-validator';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser, Roles } from '../common/decorators.js';
import { notFound } from '../common/errors.js';
import { OutboxService } from './outbox.service.js';
import { RecipientListsService } from './recipient-lists.service.js';

class OutboxQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'sending', 'sent', 'failed', 'cancelled'] }) @IsOptional() @IsIn(['pending', 'sending', 'sent', 'failed', 'cancelled'])
  status?: string;
}

class RecipientListDto {
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(100) @IsEmail({}, { each: true })
  emails: string[];
}

@ApiTags('notifications')
@ApiBearerAuth()
@Roles('admin')
@Controller('api')
export class NotificationsController {
  constructor(private readonly outbox: OutboxService, private readonly lists: RecipientListsService) {}

  /** Deliveries, e.g. `?status=failed` for those that kept failing. */
  @Get('outbox')
  list(@Query() q: OutboxQueryDto) {
    return this.outbox.list(q.status);
  }

  @Post('outbox/:id/retry')
  @HttpCode(202)
  async retry(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound('Không tìm thấy tin gửi.') })) id: string, @CurrentUser() actor: AuthUser) {
    await this.outbox.retry(id, actor);
    return { id, status: 'pending' };
  }

  @Get('recipient-lists')
  recipientLists() {
    return this.lists.list();
  }

  @Put('recipient-lists/:code')
  updateList(@Param('code') code: string, @Body() dto: RecipientListDto, @CurrentUser() actor: AuthUser) {
    return this.lists.update(code, dto.emails, actor);
  }
}
