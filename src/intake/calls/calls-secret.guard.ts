import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Settings } from '../../../config/settings.js';
import { notFound, unauthorized } from '../../common/errors.js';

export const CALLS_SECRET_HEADER = 'x-calls-secret';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * The telephone exchange has no user token: it proves itself with the shared secret in X-Calls-Secret (compared in
 * constant time). While CALLS_SHARED_SECRET is unset the integration is switched off and the route answers 404.
 */
@Injectable()
export class CallsSecretGuard implements CanActivate {
  constructor(private readonly settings: Settings) {}

  canActivate(ctx: ExecutionContext): boolean {
    const secret = this.settings.CALLS_SHARED_SECRET;
    if (!secret) throw notFound('Không tìm thấy địa chỉ được yêu cầu.');
    const given = ctx.switchToHttp().getRequest().headers[CALLS_SECRET_HEADER];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), digest(secret))) {
      throw unauthorized('Thiếu hoặc sai khóa bí mật của tổng đài (X-Calls-Secret).');
    }
    return true;
  }
}
