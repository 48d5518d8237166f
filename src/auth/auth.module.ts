import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersController } from '../users/users.controller.js';
import { UsersService } from '../users/users.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { TokenService } from './token.service.js';

@Module({
  controllers: [AuthController, UsersController],
  providers: [UsersService, TokenService, LoginThrottleService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [UsersService, TokenService, LoginThrottleService],
})
export class AuthModule {}
