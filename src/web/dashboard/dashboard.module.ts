import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { DirectoryModule } from '../../directory/directory.module.js';
import { NotificationsModule } from '../../notifications/notifications.module.js';
import { ReportsModule } from '../../reports/reports.module.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { ViewsModule } from '../../views/views.module.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { StaffSessionGuard, StaffSessions } from '../staff-session.js';
import { DashboardController, DashboardReaders } from './dashboard.controller.js';
import { DashboardService } from './dashboard.service.js';

/** The leadership dashboard (/bao-cao): the report's section, charts, downloads with the page session, sent reports. */
@Module({
  imports: [ReportsModule, NotificationsModule, TicketsModule, DirectoryModule, ViewsModule, AuthModule],
  controllers: [DashboardController],
  providers: [DashboardService, StaffSessions, StaffSessionGuard, StaffPageErrorFilter, DashboardReaders],
})
export class DashboardModule {}
