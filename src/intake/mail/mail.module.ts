import { Module } from '@nestjs/common';
import { TicketsModule } from '../../tickets/tickets.module.js';

/** Citizens' e-mail received by the built-in SMTP listener. */
@Module({
  imports: [TicketsModule],
  controllers: [],
  providers: [],
})
export class MailIntakeModule {}
