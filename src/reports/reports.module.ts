import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CalendarModule } from '../calendar/calendar.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { ReportMailerService } from './report-mailer.service.js';
import { ReportResendService } from './report-resend.js';
import { ReportScheduleService } from './report-schedule.js';
import { ReportService } from './report.service.js';
import { ReportsController } from './reports.controller.js';
import { REPORTS_QUEUE, ReportsProcessor, ReportsScheduler } from './reports.processor.js';

/** The official report as of any instant, its renderings, and the daily and weekly e-mails to leadership. */
@Module({
  imports: [NotificationsModule, CalendarModule, AuditModule],
  controllers: [ReportsController],
  providers: [ReportService, ReportMailerService, ReportResendService, ReportScheduleService],
  exports: [ReportService, ReportMailerService, ReportResendService, ReportScheduleService],
})
export class ReportsModule {}

/** The report mail's tick (its queue's worker and schedule), on an instance that runs workers (WORKERS_ENABLED). */
@Module({
  imports: [BullModule.registerQueue({ name: REPORTS_QUEUE }), SchedulerModule, ReportsModule],
  providers: [ReportsProcessor, ReportsScheduler],
})
export class ReportsWorkersModule {}
