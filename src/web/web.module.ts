import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { StaffLoginController } from './staff-login.controller.js';
import { StaffPageErrorFilter } from './staff-page-error.filter.js';
import { StaffPagesController } from './staff-pages.controller.js';
import { StaffPagesService } from './staff-pages.service.js';
import { StaffSessionGuard, StaffSessions } from './staff-session.js';

/**
 * Server-rendered pages for staff (operators, coordinators, units, leadership): sign-in, the ticket list, one ticket
 * with its forms, the overdue list. Deadlines and the overdue list come from the global SlaModule.
 */
@Module({
  imports: [TicketsModule, DirectoryModule, AuthModule],
  controllers: [StaffLoginController, StaffPagesController],
  providers: [StaffPagesService, StaffSessions, StaffSessionGuard, StaffPageErrorFilter],
})
export class WebModule {}
