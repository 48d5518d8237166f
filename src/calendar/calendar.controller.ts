import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser, Roles } from '../common/decorators.js';
import { CalendarService } from './calendar.service.js';
import { CalendarDayDto, CalendarQueryDto } from './dto/calendar.dto.js';

@ApiTags('deadlines')
@ApiBearerAuth()
@Controller('api')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  /** Days off and extra working days of a year, and the office hours. */
  @Get('calendar')
  list(@Query() q: CalendarQueryDto) {
    return this.calendar.list(q.year);
  }

  @Put('calendar/:date')
  @Roles('admin')
  put(@Param('date') date: string, @Body() dto: CalendarDayDto, @CurrentUser() user: AuthUser) {
    return this.calendar.put(date, dto.kind, dto.name, user);
  }

  @Delete('calendar/:date')
  @Roles('admin')
  @HttpCode(204)
  remove(@Param('date') date: string, @CurrentUser() user: AuthUser) {
    return this.calendar.remove(date, user);
  }
}
