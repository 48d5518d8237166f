import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { DirectoryModule } from '../../directory/directory.module.js';
import { CallsModule } from '../../intake/calls/calls.module.js';
import { IntakeModule } from '../../intake/intake.module.js';
import { SlaModule } from '../../sla/sla.module.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { ViewsModule } from '../../views/views.module.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { StaffSessionGuard, StaffSessions } from '../staff-session.js';
import { ConsoleFeed } from './console-feed.js';
import { ConsoleController } from './console.controller.js';
import { ConsoleService } from './console.service.js';

/**
 * The operator's console (/tong-dai): log a call or a walk-in while the caller waits, with the caller's earlier
 * tickets, the likely duplicates, and the calls the exchange announces shown without reload.
 */
@Module({
  imports: [AuthModule, TicketsModule, IntakeModule, CallsModule, DirectoryModule, SlaModule, ViewsModule],
  controllers: [ConsoleController],
  providers: [ConsoleService, ConsoleFeed, StaffSessions, StaffSessionGuard, StaffPageErrorFilter],
})
export class ConsoleModule {}
