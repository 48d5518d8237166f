import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser, Roles } from '../common/decorators.js';
import { Clock } from '../common/clock.js';
import { parseTimeBound } from '../common/time-bound.js';
import { DeadlineExtensionService } from './deadline-extension.service.js';
import { ExtendDeadlineDto, OverdueQueryDto } from './dto/sla.dto.js';
import { OverdueService } from './overdue.service.js';

@ApiTags('deadlines')
@ApiBearerAuth()
@Controller('api')
export class SlaController {
  constructor(
    private readonly overdue: OverdueService,
    private readonly extensions: DeadlineExtensionService,
    private readonly clock: Clock,
  ) {}

  /**
   * The per-unit overdue list at any instant (default: now). `at` without an offset is Viet Nam time; a bare date is
   * the end of that day in Viet Nam (24:00), i.e. "overdue on 12/01/2022" as that day ended. Each unit lists one
   * page of its tickets (`page`, `pageSize`); `unit` narrows the list to one unit, to page through its tickets.
   */
  @Get('overdue')
  @Roles('admin', 'coordinator', 'leader')
  overdueList(@Query() q: OverdueQueryDto, @CurrentUser() user: AuthUser) {
    return this.overdue.overdueAt(q.at ? parseTimeBound(q.at, 'to')! : this.clock.now(), user, {
      unit: q.unit === 'none' ? '' : q.unit, page: q.page, pageSize: q.pageSize,
    });
  }

  @Get('tickets/:code/deadline')
  timeLeft(@CurrentUser() user: AuthUser, @Param('code') code: string) {
    return this.extensions.timeLeft(user, code);
  }

  @Post('tickets/:code/extend')
  @HttpCode(200)
  extend(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: ExtendDeadlineDto) {
    return this.extensions.extend(user, code, dto);
  }
}
