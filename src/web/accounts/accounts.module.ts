import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module.js';
import { AuthModule } from '../../auth/auth.module.js';
import { DirectoryModule } from '../../directory/directory.module.js';
import { NotificationsModule } from '../../notifications/notifications.module.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { ViewsModule } from '../../views/views.module.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { StaffSessionGuard, StaffSessions } from '../staff-session.js';
import { AccountsController, AdminOnly } from './accounts.controller.js';
import { AccountsService } from './accounts.service.js';
import { ReportsModule } from '../../reports/reports.module.js';

/** The administration of people and deliveries (/quan-tri/…): accounts, report recipients, deliveries and channels, the audit log, caught mail. */
@Module({
  imports: [AuthModule, AuditModule, DirectoryModule, NotificationsModule, ReportsModule, TicketsModule, ViewsModule],
  controllers: [AccountsController],
  providers: [AccountsService, StaffSessions, StaffSessionGuard, StaffPageErrorFilter, AdminOnly],
})
export class AccountsModule {}
