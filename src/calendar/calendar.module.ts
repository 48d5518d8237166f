import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CalendarController } from './calendar.controller.js';
import { CalendarService } from './calendar.service.js';
import { DeadlineService } from './deadline.service.js';

/** Working time: office hours, days off and extra working days (with the Vietnamese holidays), and deadlines in it. */
@Module({
  imports: [AuditModule],
  controllers: [CalendarController],
  providers: [CalendarService, DeadlineService],
  exports: [CalendarService, DeadlineService],
})
export class CalendarModule {}
