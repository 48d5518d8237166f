import { Module } from '@nestjs/common';
import { RoutingController } from '../routing/routing.controller.js';
import { RoutingService } from '../routing/routing.service.js';
import { DirectoryController } from './directory.controller.js';
import { DirectoryService } from './directory.service.js';

@Module({
  controllers: [DirectoryController, RoutingController],
  providers: [DirectoryService, RoutingService],
  exports: [DirectoryService, RoutingService],
})
export class DirectoryModule {}
