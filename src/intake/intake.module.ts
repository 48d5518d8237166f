import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { CitizenReplyService } from './citizen-reply.service.js';
import { IntakeService } from './intake.service.js';
import { StaffTicketsController } from './staff-tickets.controller.js';

/** The intake pipeline shared by the channels (public/, mail/, chat/, calls/, and staff's POST /api/tickets), and the replies to citizens. */
@Module({
  imports: [NotificationsModule, TicketsModule],
  controllers: [StaffTicketsController],
  providers: [IntakeService, CitizenReplyService],
  exports: [IntakeService, CitizenReplyService],
})
export class IntakeModule {}
