import { Module } from '@nestjs/common';
import { UsersService } from './users.service.js';

/** Accounts and their passwords (the admins' API to them is in src/auth, with the access rules). */
@Module({
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
