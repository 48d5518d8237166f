import { Module } from '@nestjs/common';

/** The administration of people and deliveries (/quan-tri/…): accounts, report recipients, deliveries and channels, the audit log, caught mail. */
@Module({})
export class AccountsModule {}
