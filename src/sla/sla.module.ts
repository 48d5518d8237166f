import { BullModule } from '@nestjs/bull';
import { Module, type DynamicModule } from '@nestjs/common';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { CalendarService } from './calendar.service.js';
import { DeadlineExtensionService } from './deadline-extension.service.js';
import { DeadlineService } from './deadline.service.js';
import { OverdueService } from './overdue.service.js';
import { SLA_QUEUE, SlaProcessor, SlaScheduler } from './sla.processor.js';
import { SlaController } from './sla.controller.js';

/** Deadlines in working time, the holiday calendar, the overdue sweep, warnings and digests. */
@Module({})
export class SlaModule {
  static forRoot(opts: { workers: boolean }): DynamicModule {
    return {
      module: SlaModule,
      global: true,
      imports: [BullModule.registerQueue({ name: SLA_QUEUE }), SchedulerModule],
      controllers: [SlaController],
      providers: [CalendarService, DeadlineService, OverdueService, DeadlineExtensionService, ...(opts.workers ? [SlaProcessor, SlaScheduler] : [])],
      exports: [CalendarService, DeadlineService, OverdueService, DeadlineExtensionService],
    };
  }
}
