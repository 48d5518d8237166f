import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { CalendarModule } from '../../calendar/calendar.module.js';
import { DirectoryModule } from '../../directory/directory.module.js';
import { RoutingModule } from '../../routing/routing.module.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { ViewsModule } from '../../views/views.module.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { StaffSessionGuard, StaffSessions } from '../staff-session.js';
import { CoordinationController, CoordinatorOnly } from './coordination.controller.js';
import { CoordinationService } from './coordination.service.js';

/** The coordinator's queue (/dieu-phoi): classify, assign, re-route, merge. */
@Module({
  imports: [TicketsModule, RoutingModule, DirectoryModule, CalendarModule, ViewsModule, AuthModule],
  controllers: [CoordinationController],
  providers: [CoordinationService, StaffSessions, StaffSessionGuard, StaffPageErrorFilter, CoordinatorOnly],
})
export class CoordinationModule {}
