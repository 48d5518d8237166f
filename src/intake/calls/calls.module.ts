import { Module } from '@nestjs/common';
import { TicketsModule } from '../../tickets/tickets.module.js';

/** Calls announced by the telephone exchange. */
@Module({
  imports: [TicketsModule],
  controllers: [],
  providers: [],
})
export class CallsModule {}
