import { Module } from '@nestjs/common';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { HealthController } from './health.controller.js';
import { RedisHealth } from './redis-health.js';

/** `GET /health`: the database, Redis and the repeating jobs' last outcomes. */
@Module({
  imports: [SchedulerModule],
  controllers: [HealthController],
  providers: [RedisHealth],
  exports: [RedisHealth],
})
export class HealthModule {}
