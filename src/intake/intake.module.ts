import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { CitizenReplyService } from './citizen-reply.service.js';
import { IntakeService } from './intake.service.js';
import { StaffIdempotencyService } from './staff-idempotency.service.js';
import { CitizenFeedbackService } from './citizen-feedback.service.js';
import { CitizenFeedbackController } from './citizen-feedback.controller.js';
import { FeedbackLinks } from './public/feedback-link.js';
import { StaffTicketsController } from './staff-tickets.controller.js';

/**
 * The intake pipeline shared by the channels (public/, mail/, chat/, calls/, and staff's POST /api/tickets) with its
 * check of repeated staff requests (`staff_idempotency_keys`), and the replies to citizens and their answers about
 * the replies.
 */
@Module({
  imports: [NotificationsModule, TicketsModule],
  controllers: [StaffTicketsController, CitizenFeedbackController],
  // StaffIdempotencyService is not exported: a keyed staff write reaches it through IntakeService.onceForStaff
  providers: [IntakeService, CitizenReplyService, CitizenFeedbackService, FeedbackLinks, StaffIdempotencyService],
  exports: [IntakeService, CitizenReplyService, CitizenFeedbackService, FeedbackLinks],
})
export class IntakeModule {}
