import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { TokenService } from './token.service.js';
import { UsersController } from './users.controller.js';

/** Sign-in, tokens and the guard every request passes (roles, sessions ended by account changes). */
@Module({
  imports: [UsersModule],
  controllers: [AuthController, UsersController],
  providers: [TokenService, LoginThrottleService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [UsersModule, TokenService, LoginThrottleService],
})
export class AuthModule {}
