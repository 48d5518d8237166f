import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { DirectoryController } from './directory.controller.js';
import { DirectoryService } from './directory.service.js';
import { UnitChanges } from './unit-changes.js';

/** Areas, handling units (their tree and reorganisation) and categories. */
@Module({
  imports: [AuditModule],
  controllers: [DirectoryController],
  providers: [DirectoryService, UnitChanges],
  exports: [DirectoryService, UnitChanges],
})
export class DirectoryModule {}
