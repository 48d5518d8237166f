import { Module } from '@nestjs/common';
import { AnswersModule } from '../../answers/answers.module.js';
import { AuthModule } from '../../auth/auth.module.js';
import { PublicPageErrorFilter } from '../../intake/public/public-pages.controller.js';
import { PublicRateLimiter, PublicRateLimitGuard } from '../../intake/public/rate-limit.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { ViewsModule } from '../../views/views.module.js';
import { CoordinatorOnly } from '../coordination/coordination.controller.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { StaffSessionGuard, StaffSessions } from '../staff-session.js';
import { AnswersPagesController } from './answers-pages.controller.js';
import { PublicAnswersController } from './public-answers.controller.js';

/** Pages of published answers: the coordinator's publishing page and the public /hoi-dap. */
@Module({
  imports: [AnswersModule, TicketsModule, ViewsModule, AuthModule],
  controllers: [AnswersPagesController, PublicAnswersController],
  providers: [StaffSessions, StaffSessionGuard, StaffPageErrorFilter, CoordinatorOnly, PublicPageErrorFilter, PublicRateLimiter, PublicRateLimitGuard],
})
export class AnswersPagesModule {}
