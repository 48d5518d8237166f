import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { CalendarModule } from '../../calendar/calendar.module.js';
import { DirectoryModule } from '../../directory/directory.module.js';
import { RoutingModule } from '../../routing/routing.module.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { ViewsModule } from '../../views/views.module.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { StaffSessionGuard, StaffSessions } from '../staff-session.js';
import { AdminOnly } from './admin-only.js';
import { AdminPages } from './admin-pages.js';
import { AdminCalendarController } from './calendar.controller.js';
import { AdminCategoriesController } from './categories.controller.js';
import { AdminRoutingController } from './routing.controller.js';
import { AdminUnitsController } from './units.controller.js';

/** The administration of the directory (/quan-tri): its index, units, categories, routing rules, the holiday calendar. */
@Module({
  imports: [TicketsModule, RoutingModule, DirectoryModule, CalendarModule, ViewsModule, AuthModule],
  controllers: [AdminUnitsController, AdminCategoriesController, AdminRoutingController, AdminCalendarController],
  providers: [AdminPages, AdminOnly, StaffSessions, StaffSessionGuard, StaffPageErrorFilter],
})
export class AdminModule {}
