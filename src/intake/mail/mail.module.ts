import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../../attachments/attachments.module.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { IntakeModule } from '../intake.module.js';
import { InboundMailService } from './inbound-mail.service.js';
import { MailListener } from './mail-listener.js';

/** Citizens' e-mail received by the built-in SMTP listener (started when MAIL_INBOUND_PORT is not 0). */
@Module({
  imports: [TicketsModule, IntakeModule, AttachmentsModule],
  controllers: [],
  providers: [InboundMailService, MailListener],
})
export class MailIntakeModule {}
