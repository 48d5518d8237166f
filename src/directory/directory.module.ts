import { Module } from '@nestjs/common';
import { DirectoryController } from './directory.controller.js';
import { DirectoryService } from './directory.service.js';
import { UnitChanges } from './unit-changes.js';

/** Areas, handling units (their tree and reorganisation) and categories. */
@Module({
  controllers: [DirectoryController],
  providers: [DirectoryService, UnitChanges],
  exports: [DirectoryService, UnitChanges],
})
export class DirectoryModule {}
