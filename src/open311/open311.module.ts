import { Module } from '@nestjs/common';

/** Open311 GeoReport v2: services, requests in (through intake) and out (no personal data). */
@Module({})
export class Open311Module {}
