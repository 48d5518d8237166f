import { Module } from '@nestjs/common';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { HealthController } from './health.controller.js';

/** `GET /health`: the database, Redis (through the application's one client, AppRedis) and the repeating jobs' last outcomes. */
@Module({
  imports: [SchedulerModule],
  controllers: [HealthController],
})
export class HealthModule {}
