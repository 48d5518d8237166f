import { Module } from '@nestjs/common';

/** The coordinator's queue (/dieu-phoi): classify, assign, re-route, merge. */
@Module({})
export class CoordinationModule {}
