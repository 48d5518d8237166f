import { Module } from '@nestjs/common';
import { TicketsModule } from '../../tickets/tickets.module.js';

/** Citizen app API, public web form and tracking pages. */
@Module({
  imports: [TicketsModule],
  controllers: [],
  providers: [],
})
export class PublicIntakeModule {}
