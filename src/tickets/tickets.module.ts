import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { CitizenReplyService } from '../intake/citizen-reply.service.js';
import { IntakeService } from '../intake/intake.service.js';
import { DemoDataService } from '../demo/demo-data.service.js';
import { StaffIdempotencyService } from './staff-idempotency.service.js';
import { TicketAttachmentsModule } from './ticket-attachments.module.js';
import { TicketImportController } from './ticket-import.controller.js';
import { TicketImportService } from './ticket-import.service.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsService } from './tickets.service.js';

@Module({
  imports: [DirectoryModule, TicketAttachmentsModule, CalendarModule],
  controllers: [TicketImportController, TicketsController],
  providers: [TicketsService, TicketImportService, IntakeService, CitizenReplyService, DemoDataService, StaffIdempotencyService],
  exports: [TicketsService, IntakeService, CitizenReplyService, DemoDataService, StaffIdempotencyService],
})
export class TicketsModule {}
