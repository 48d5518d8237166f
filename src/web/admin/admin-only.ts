import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { forbidden } from '../../common/errors.js';
import type { StaffRequest } from '../staff-session.js';

/** Runs after StaffSessionGuard: the administration is for admins; anyone else gets the 403 page. */
@Injectable()
export class AdminOnly implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.switchToHttp().getRequest<StaffRequest>().staffSession!.user.role !== 'admin') {
      throw forbidden('Trang quản trị chỉ dành cho quản trị viên hệ thống.');
    }
    return true;
  }
}
