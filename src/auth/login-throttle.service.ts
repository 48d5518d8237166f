import { HttpStatus, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Settings } from '../../config/settings.js';
import { AppError } from '../common/errors.js';

/** Failed logins allowed per client address and per username in a window, before logins are refused for a while. */
export const LOGIN_MAX_FAILURES = 10;
const WINDOW_SECONDS = 15 * 60;

/**
 * Slows password guessing: failed logins are counted in Redis per client address and per username (so that
 * several instances share the count); past LOGIN_MAX_FAILURES in 15 minutes the login answers 429 without checking
 * the password (which also spares the CPU the memory-hard hash). When Redis does not answer, logins go on.
 */
@Injectable()
export class LoginThrottleService implements OnModuleDestroy {
  private readonly logger = new Logger(LoginThrottleService.name);
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(settings: Settings) {
    this.prefix = `${settings.QUEUE_PREFIX}:login-failures:`;
    this.redis = new Redis(settings.REDIS_URL, {
      lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 1000,
    });
    this.redis.on('error', () => undefined);
  }

  private keys(ip: string | undefined, username: string): string[] {
    return [`${this.prefix}ip:${ip ?? 'unknown'}`, `${this.prefix}user:${username.toLowerCase().slice(0, 64)}`];
  }

  private async ready(): Promise<boolean> {
    if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect().catch(() => undefined);
    return this.redis.status === 'ready';
  }

  /** Throws 429 while the address or the username has too many recent failures. */
  async check(ip: string | undefined, username: string): Promise<void> {
    if (!(await this.ready())) return;
    try {
      const counts = await this.redis.mget(...this.keys(ip, username));
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
    if (!(await this.ready())) return;
    const multi = this.redis.multi();
    for (const key of this.keys(ip, username)) multi.incr(key).expire(key, WINDOW_SECONDS, 'NX');
    await multi.exec().catch((e) => this.logger.warn(`login throttle unavailable: ${(e as Error).message}`));
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
