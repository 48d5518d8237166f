import { Module } from '@nestjs/common';
import { SlaModule } from '../sla/sla.module.js';
import { CalendarModule } from '../calendar/calendar.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { RoutingModule } from '../routing/routing.module.js';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { IntakeModule } from '../intake/intake.module.js';
import { ViewsModule } from '../views/views.module.js';
import { AccountsModule } from './accounts/accounts.module.js';
import { AdminModule } from './admin/admin.module.js';
import { ConsoleModule } from './console/console.module.js';
import { CoordinationModule } from './coordination/coordination.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { ApiClientsModule } from './api-clients/api-clients.module.js';
import { AnswersPagesModule } from './answers/answers-pages.module.js';
import { HomeController } from './home.controller.js';
import { StaffAttachmentsController } from './staff-attachments.controller.js';
import { StaffLoginController } from './staff-login.controller.js';
import { StaffPageErrorFilter } from './staff-page-error.filter.js';
import { StaffPagesController } from './staff-pages.controller.js';
import { StaffPagesService } from './staff-pages.service.js';
import { StaffSessionGuard, StaffSessions } from './staff-session.js';

/**
 * Server-rendered pages for staff: sign-in, `/` by role, the ticket list, one ticket with its forms (and its
 * attachments), the overdue list; and, each in its folder, the operator's console, the coordinator's queue, the
 * leadership dashboard, and the administration (directory; accounts and deliveries).
 */
@Module({
  imports: [SlaModule, TicketsModule, IntakeModule, AttachmentsModule, DirectoryModule, RoutingModule, AuthModule, CalendarModule, ViewsModule, ConsoleModule, CoordinationModule, DashboardModule, AdminModule, AccountsModule, ApiClientsModule, AnswersPagesModule],
  controllers: [HomeController, StaffLoginController, StaffPagesController, StaffAttachmentsController],
  providers: [StaffPagesService, StaffSessions, StaffSessionGuard, StaffPageErrorFilter],
})
export class WebModule {}
