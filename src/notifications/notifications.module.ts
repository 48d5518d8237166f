import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { CaughtMails } from './caught-mails.js';
import { DeliveryService } from './delivery.service.js';
import { MailSender } from './mail.sender.js';
import { NotificationsController } from './notifications.controller.js';
import { OutboxProcessor, OutboxScheduler } from './outbox.processor.js';
import { OUTBOX_QUEUE, OutboxService } from './outbox.service.js';
import { RecipientListsService } from './recipient-lists.service.js';

/** The outbox's queue: the outbox wakes its relay through it, the relay works from it. */
const outboxQueue = BullModule.registerQueue({ name: OUTBOX_QUEUE });

/** The only place that sends mail or channel replies: the outbox, its queue and its senders. */
@Module({
  imports: [outboxQueue, SchedulerModule, AuditModule],
  controllers: [NotificationsController],
  providers: [OutboxService, MailSender, DeliveryService, RecipientListsService, CaughtMails],
  exports: [outboxQueue, OutboxService, DeliveryService, RecipientListsService, MailSender, CaughtMails],
})
export class NotificationsModule {}

/** The outbox relay (its queue's worker and schedule), on an instance that runs workers (WORKERS_ENABLED). */
@Module({
  imports: [NotificationsModule, SchedulerModule],
  providers: [OutboxProcessor, OutboxScheduler],
})
export class NotificationsWorkersModule {}
