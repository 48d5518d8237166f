import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AnswersModule } from '../answers/answers.module.js';
import { PublicIntakeModule } from '../intake/public/public.module.js';
import { ApiClientsService } from './api-clients.service.js';
import { Open311Controller } from './open311.controller.js';
import { Open311Service } from './open311.service.js';

/**
 * Open311 GeoReport v2: services, requests in (through the citizen app's intake) and out (no personal data); and
 * the API clients whose keys may send requests (table api_clients, administered on /quan-tri/ung-dung).
 */
@Module({
  imports: [PublicIntakeModule, AuditModule, AnswersModule],
  controllers: [Open311Controller],
  providers: [Open311Service, ApiClientsService],
  exports: [ApiClientsService],
})
export class Open311Module {}
