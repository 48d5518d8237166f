import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { Open311Module } from '../../open311/open311.module.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { ViewsModule } from '../../views/views.module.js';
import { AdminOnly } from '../admin/admin-only.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { StaffSessionGuard, StaffSessions } from '../staff-session.js';
import { ApiClientsController } from './api-clients.controller.js';

/** The admin's page of API clients (Open311 keys): /quan-tri/ung-dung. */
@Module({
  imports: [AuthModule, Open311Module, TicketsModule, ViewsModule],
  controllers: [ApiClientsController],
  providers: [StaffSessions, StaffSessionGuard, StaffPageErrorFilter, AdminOnly],
})
export class ApiClientsModule {}
