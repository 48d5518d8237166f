import { Module } from '@nestjs/common';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { IntakeModule } from '../intake.module.js';
import { CallAnnouncements } from './call-announcements.js';
import { CallsSecretGuard } from './calls-secret.guard.js';
import { CallsController } from './calls.controller.js';
import { CallsService } from './calls.service.js';

/** Calls announced by the telephone exchange, told to the operators' consoles (CallAnnouncements). */
@Module({
  imports: [TicketsModule, IntakeModule],
  controllers: [CallsController],
  providers: [CallsService, CallsSecretGuard, CallAnnouncements],
  exports: [CallsService, CallAnnouncements],
})
export class CallsModule {}
