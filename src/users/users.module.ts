import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { UserUnitChanges } from './user-unit-changes.js';
import { UsersService } from './users.service.js';

/** Accounts and their passwords (the admins' API to them is in src/auth, with the access rules). */
@Module({
  imports: [DirectoryModule, AuditModule],
  providers: [UsersService, UserUnitChanges],
  exports: [UsersService],
})
export class UsersModule {}
