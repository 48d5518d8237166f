import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { RoutingController } from './routing.controller.js';
import { RoutingUnitChanges } from './routing-unit-changes.js';
import { RoutingService } from './routing.service.js';

/** Routing rules and the routing decision (the only place that chooses a handling unit). */
@Module({
  imports: [AuditModule, DirectoryModule],
  controllers: [RoutingController],
  providers: [RoutingService, RoutingUnitChanges],
  exports: [RoutingService],
})
export class RoutingModule {}
