import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module.js';
import { DemoDataService } from './demo-data.service.js';

/** The demo tickets `npm start` loads into an empty embedded database. */
@Module({
  imports: [TicketsModule],
  providers: [DemoDataService],
  exports: [DemoDataService],
})
export class DemoModule {}
