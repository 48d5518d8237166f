import { BullModule } from '@nestjs/bull';
import { Module, type DynamicModule } from '@nestjs/common';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { DeliveryService } from './delivery.service.js';
import { MailSender } from './mail.sender.js';
import { NotificationsController } from './notifications.controller.js';
import { OutboxProcessor, OutboxScheduler } from './outbox.processor.js';
import { OUTBOX_QUEUE, OutboxService } from './outbox.service.js';
import { RecipientListsService } from './recipient-lists.service.js';

/** The only place that sends mail or channel replies: the outbox, its queue and its senders. */
@Module({})
export class NotificationsModule {
  static forRoot(opts: { workers: boolean }): DynamicModule {
    return {
      module: NotificationsModule,
      global: true,
      imports: [BullModule.registerQueue({ name: OUTBOX_QUEUE }), SchedulerModule],
      controllers: [NotificationsController],
      providers: [OutboxService, MailSender, DeliveryService, RecipientListsService, ...(opts.workers ? [OutboxProcessor, OutboxScheduler] : [])],
      exports: [OutboxService, DeliveryService, RecipientListsService, MailSender],
    };
  }
}
