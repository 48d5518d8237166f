import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden, unauthorized } from '../common/errors.js';
import type { Role } from '../users/user.entity.js';
import type { AuthUser } from '../common/auth-user.js';
import { IS_PUBLIC, ROLES } from '../common/decorators.js';
import { TokenService } from './token.service.js';

/** Global guard: every route needs a valid token of an active user, unless marked @Public(); @Roles() narrows further. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly tokens: TokenService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest();
    const header: string | undefined = req.headers.authorization;
    const token = header?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!token) throw unauthorized();
    const user = await this.tokens.userOf(token);
    if (!user) throw unauthorized('Phiên đăng nhập không hợp lệ, đã hết hạn hoặc đã bị kết thúc, vui lòng đăng nhập lại.');
    const authUser: AuthUser = { id: user.id, username: user.username, fullName: user.fullName, role: user.role, unitCode: user.unitCode };
    req.user = authUser;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(user.role)) throw forbidden();
    return true;
  }
}
