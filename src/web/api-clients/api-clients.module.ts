import { Module } from '@nestjs/common';

/** The admin's page of API clients (Open311 keys). */
@Module({})
export class ApiClientsModule {}
