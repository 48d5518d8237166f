import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { AnswersService } from './answers.service.js';

/** Published answers (hỏi đáp): a resolved ticket's question and answer, redacted for the public. */
@Module({
  imports: [TicketsModule, AuditModule],
  providers: [AnswersService],
  exports: [AnswersService],
})
export class AnswersModule {}
