import { BullModule } from '@nestjs/bull';
import { Module, type DynamicModule } from '@nestjs/common';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { CalendarModule } from '../calendar/calendar.module.js';
import { DeadlineExtensionService } from './deadline-extension.service.js';
import { OverdueService } from './overdue.service.js';
import { SLA_QUEUE, SlaProcessor, SlaScheduler } from './sla.processor.js';
import { SlaController } from './sla.controller.js';

/** The deadline watch (overdue sweep, warnings, digests, the overdue list) and deadline extensions. */
@Module({})
export class SlaModule {
  static forRoot(opts: { workers: boolean }): DynamicModule {
    return {
      module: SlaModule,
      global: true,
      imports: [BullModule.registerQueue({ name: SLA_QUEUE }), SchedulerModule, CalendarModule],
      controllers: [SlaController],
      providers: [OverdueService, DeadlineExtensionService, ...(opts.workers ? [SlaProcessor, SlaScheduler] : [])],
      exports: [OverdueService, DeadlineExtensionService],
    };
  }
}
