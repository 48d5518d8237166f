import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Settings } from '../../config/settings.js';
import { AppRedis } from '../common/app-redis.js';
import { AppError } from '../common/errors.js';

/** Failed logins allowed per client address and per username in a window, before logins are refused for a while. */
export const LOGIN_MAX_FAILURES = 10;
const WINDOW_SECONDS = 15 * 60;

/**
 * Slows password guessing: failed logins are counted in Redis per client address and per username (so that
 * several instances share the count), through the application's one client (AppRedis); past LOGIN_MAX_FAILURES in
 * 15 minutes the login answers 429 without checking the password (which also spares the CPU the memory-hard hash).
 * When Redis does not answer, logins go on.
 */
@Injectable()
export class LoginThrottleService {
  private readonly logger = new Logger(LoginThrottleService.name);
  private readonly prefix: string;

  constructor(settings: Settings, private readonly redis: AppRedis) {
    this.prefix = `${settings.QUEUE_PREFIX}:login-failures:`;
  }

  private keys(ip: string | undefined, username: string): string[] {
    return [`${this.prefix}ip:${ip ?? 'unknown'}`, `${this.prefix}user:${username.toLowerCase().slice(0, 64)}`];
  }

  /** Throws 429 while the address or the username has too many recent failures. */
  async check(ip: string | undefined, username: string): Promise<void> {
    if (!(await this.redis.ready())) return;
    try {
      const counts = await this.redis.client.mget(...this.keys(ip, username));
      if (counts.some((c) => Number(c ?? 0) >= LOGIN_MAX_FAILURES)) {
        throw new AppError(HttpStatus.TOO_MANY_REQUESTS, 'TOO_MANY_LOGIN_FAILURES',
          'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút hoặc liên hệ quản trị hệ thống.');
      }
    } catch (e) {
      if (e instanceof AppError) throw e;
      this.logger.warn(`login throttle unavailable: ${(e as Error).message}`);
    }
  }

  async failed(ip: string | undefined, username: string): Promise<void> {
    if (!(await this.redis.ready())) return;
    const multi = this.redis.client.multi();
    for (const key of this.keys(ip, username)) multi.incr(key).expire(key, WINDOW_SECONDS, 'NX');
    await multi.exec().catch((e) => this.logger.warn(`login throttle unavailable: ${(e as Error).message}`));
  }
}
