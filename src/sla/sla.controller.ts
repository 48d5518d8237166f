import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser, Roles } from '../common/decorators.js';
import { Clock } from '../common/clock.js';
import { parseTimeBound } from '../common/time-bound.js';
import { DeadlineExtensionService } from './deadline-extension.service.js';
import { ApproveExtensionDto, DeclineExtensionDto, ExtendDeadlineDto, OverdueQueryDto } from './dto/sla.dto.js';
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
      unit: q.unit === 'none' ? '' : q.unit, page: q.page, pageSize: q.pageSize, current: !q.at,
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

  /** The handling unit asks for a new deadline, with a reason (a coordinator approves or declines it). */
  @Post('tickets/:code/extension-requests')
  @Roles('unit_staff')
  requestExtension(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: ExtendDeadlineDto) {
    return this.extensions.requestExtension(user, code, dto);
  }

  @Get('tickets/:code/extension-requests')
  extensionRequests(@CurrentUser() user: AuthUser, @Param('code') code: string) {
    return this.extensions.extensionRequests(user, code);
  }

  /** The pending request approved: the deadline asked (or `dueAt`) is granted and the citizen is told the new date. */
  @Post('tickets/:code/extension-requests/approve')
  @HttpCode(200)
  @Roles('coordinator', 'admin')
  approveExtension(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: ApproveExtensionDto) {
    return this.extensions.approveExtension(user, code, dto);
  }

  @Post('tickets/:code/extension-requests/decline')
  @HttpCode(200)
  @Roles('coordinator', 'admin')
  declineExtension(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: DeclineExtensionDto) {
    return this.extensions.declineExtension(user, code, dto);
  }
}
