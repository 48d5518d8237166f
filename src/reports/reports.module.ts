import { BullModule } from '@nestjs/bull';
import { Module, type DynamicModule } from '@nestjs/common';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { ReportMailerService } from './report-mailer.service.js';
import { ReportService } from './report.service.js';
import { ReportsController } from './reports.controller.js';
import { REPORTS_QUEUE, ReportsProcessor, ReportsScheduler } from './reports.processor.js';

/** The official report as of any instant, its renderings, and the daily and weekly e-mails to leadership. */
@Module({})
export class ReportsModule {
  static forRoot(opts: { workers: boolean }): DynamicModule {
    return {
      module: ReportsModule,
      imports: [BullModule.registerQueue({ name: REPORTS_QUEUE }), SchedulerModule],
      controllers: [ReportsController],
      providers: [ReportService, ReportMailerService, ...(opts.workers ? [ReportsProcessor, ReportsScheduler] : [])],
      exports: [ReportService, ReportMailerService],
    };
  }
}
