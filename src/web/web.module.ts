import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module.js';

/** Server-rendered pages for staff (operators, coordinators, units, leadership). */
@Module({
  imports: [TicketsModule],
  controllers: [],
  providers: [],
})
export class WebModule {}
