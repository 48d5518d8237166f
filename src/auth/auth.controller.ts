import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { unauthorized } from '../common/errors.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser, Public } from '../common/decorators.js';
import { LoginDto } from './dto/login.dto.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { TokenService } from './token.service.js';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly users: UsersService, private readonly tokens: TokenService, private readonly throttle: LoginThrottleService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() dto: LoginDto, @Ip() ip: string) {
    await this.throttle.check(ip, dto.username);
    const user = await this.users.authenticate(dto.username, dto.password);
    if (!user) {
      await this.throttle.failed(ip, dto.username);
      throw unauthorized('Tên đăng nhập hoặc mật khẩu không đúng.');
    }
    return {
      accessToken: await this.tokens.sign(user.id),
      user: { username: user.username, fullName: user.fullName, role: user.role, unitCode: user.unitCode },
    };
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() user: AuthUser) {
    return { username: user.username, fullName: user.fullName, role: user.role, unitCode: user.unitCode };
  }
}
