import { Module } from '@nestjs/common';
import { AuditLog } from './audit-log.js';

/** The log of administrative changes (table audit_entries): written by the services that make them, read by the admin pages. */
@Module({ providers: [AuditLog], exports: [AuditLog] })
export class AuditModule {}
