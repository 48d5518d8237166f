import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { RoutingModule } from '../routing/routing.module.js';
import { TicketImportController } from './ticket-import.controller.js';
import { TicketImportService } from './ticket-import.service.js';
import { TicketLifecycle } from './ticket-lifecycle.js';
import { TicketListeners } from './ticket-listeners.js';
import { TicketUnitChanges } from './ticket-unit-changes.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsService } from './tickets.service.js';

/** The ticket and everything written about it: its one owner (see README "Layout"). */
@Module({
  imports: [DirectoryModule, RoutingModule, CalendarModule],
  controllers: [TicketImportController, TicketsController],
  providers: [TicketsService, TicketImportService, TicketLifecycle, TicketListeners, TicketUnitChanges],
  exports: [TicketsService, TicketImportService, TicketLifecycle, TicketListeners],
})
export class TicketsModule {}
