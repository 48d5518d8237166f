import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { CitizenReplyService } from './citizen-reply.service.js';
import { IntakeService } from './intake.service.js';

/** The intake pipeline shared by the channels (public/, mail/, chat/, calls/), and the replies to citizens. */
@Module({
  imports: [NotificationsModule, TicketsModule],
  providers: [IntakeService, CitizenReplyService],
  exports: [IntakeService, CitizenReplyService],
})
export class IntakeModule {}
