import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { DeadlineExtensionService } from './deadline-extension.service.js';
import { OverdueService } from './overdue.service.js';
import { SLA_QUEUE, SlaProcessor, SlaScheduler } from './sla.processor.js';
import { SlaController } from './sla.controller.js';

/** The deadline watch (overdue sweep, warnings, digests, the overdue list) and deadline extensions. */
@Module({
  imports: [CalendarModule, NotificationsModule, TicketsModule],
  controllers: [SlaController],
  providers: [OverdueService, DeadlineExtensionService],
  exports: [OverdueService, DeadlineExtensionService],
})
export class SlaModule {}

/** The deadline watch's tick (its queue's worker and schedule), on an instance that runs workers (WORKERS_ENABLED). */
@Module({
  imports: [BullModule.registerQueue({ name: SLA_QUEUE }), SchedulerModule, SlaModule],
  providers: [SlaProcessor, SlaScheduler],
})
export class SlaWorkersModule {}
