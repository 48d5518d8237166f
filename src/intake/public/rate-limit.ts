import { isIPv6 } from 'node:net';
import { HttpStatus, Injectable, Logger, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Settings } from '../../../config/settings.js';
import { AppRedis } from '../../common/app-redis.js';
import { AppError } from '../../common/errors.js';

const WINDOW_MS = 60_000;

/**
 * What a public request costs, and from which budget:
 * - `submission` (the default of every public route): a report sent (app or form), a tracking lookup (each one
 *   guesses a code and a phone number, so they stay scarce), an app installation. PUBLIC_RATE_LIMIT_PER_MINUTE of
 *   them per client and minute.
 * - `page_view`: showing the form, the confirmation or the tracking form. They do not touch the submissions'
 *   budget, so a family (or a village) behind one mobile carrier address can open the form as often as it likes
 *   and still send; a separate, much larger ceiling (pageViewLimit) only stops floods.
 */
export type PublicRequestKind = 'submission' | 'page_view';

const REQUEST_KIND = 'public-rate-limit:kind';

/** Marks a route (GET of a page) whose requests count as page views, not submissions. */
export const PageView = () => SetMetadata(REQUEST_KIND, 'page_view' satisfies PublicRequestKind);

/** Page views per client and minute: twenty times the submissions, and never fewer than 600 (ten a second). */
export const pageViewLimit = (submissionsPerMinute: number) => Math.max(600, 20 * submissionsPerMinute);

/** INCR with the window's expiry set by the first hit; answers [count, milliseconds left in the window]. */
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the window starts afresh. */
  resetMs: number;
}

/**
 * The one client identity of the limit: the address Express reports (behind the proxy that app.setup trusts), with
 * an IPv6 address cut to its /64, since one subscriber usually gets a whole /64 and could otherwise rotate addresses.
 */
export function clientKey(ip: string | undefined): string {
  const addr = (ip ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (!isIPv6(addr)) return addr;
  const [head, tail = ''] = addr.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const full = addr.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${full.slice(0, 4).map((h) => h.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Requests per minute and client on the public endpoints (citizen app API, web form, tracking), counted separately
 * for submissions and page views (see PublicRequestKind).
 *
 * Why Redis and not @nestjs/throttler's default in-memory store: the API runs as several instances behind the
 * proxy, and a per-process count would let a client multiply its allowance by the number of instances (and start
 * afresh on every restart). A fixed one-minute window per client in Redis (one INCR + PTTL in a Lua script, the
 * key expiring with its window) holds across instances and costs one round trip. The keys carry QUEUE_PREFIX, so
 * deployments and test runs sharing a Redis do not count each other's requests.
 *
 * The count goes through the application's one Redis client (AppRedis), which never waits for Redis: when Redis
 * does not answer, the limit falls back to a per-instance count of the same size rather than turning the
 * public form off or letting everything through; the outage is logged once.
 */
@Injectable()
export class PublicRateLimiter {
  private readonly logger = new Logger(PublicRateLimiter.name);
  private readonly prefixes: Record<PublicRequestKind, string>;
  private readonly local = new Map<string, { count: number; resetAt: number }>();
  private redisDown = false;

  constructor(private readonly settings: Settings, private readonly redis: AppRedis) {
    this.prefixes = { submission: `${settings.QUEUE_PREFIX}:public-rate:`, page_view: `${settings.QUEUE_PREFIX}:public-views:` };
  }

  limit(kind: PublicRequestKind = 'submission'): number {
    const submissions = this.settings.PUBLIC_RATE_LIMIT_PER_MINUTE;
    return kind === 'submission' ? submissions : pageViewLimit(submissions);
  }

  async hit(client: string, kind: PublicRequestKind = 'submission'): Promise<RateDecision> {
    const key = this.prefixes[kind] + client;
    const limit = this.limit(kind);
    let count: number;
    let resetMs: number;
    try {
      const [n, ttl] = (await this.redis.client.eval(HIT_SCRIPT, 1, key, WINDOW_MS)) as [number, number];
      count = Number(n);
      resetMs = Number(ttl);
      if (this.redisDown) this.logger.log('Redis answers again: the public rate limit is shared by all instances again');
      this.redisDown = false;
    } catch (e) {
      if (!this.redisDown) this.logger.warn(`Redis unavailable for the public rate limit (${(e as Error).message}); counting per instance meanwhile`);
      this.redisDown = true;
      ({ count, resetMs } = this.hitLocally(key));
    }
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetMs };
  }

  private hitLocally(key: string): { count: number; resetMs: number } {
    const now = Date.now();
    if (this.local.size > 50_000) {
      for (const [k, v] of this.local) if (v.resetAt <= now) this.local.delete(k);
    }
    let entry = this.local.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + WINDOW_MS };
      this.local.set(key, entry);
    }
    entry.count += 1;
    return { count: entry.count, resetMs: entry.resetAt - now };
  }
}

export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(HttpStatus.TOO_MANY_REQUESTS, 'TOO_MANY_REQUESTS',
    `Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Vui lòng thử lại sau ${retryAfterSeconds} giây.`,
    { retryAfterSeconds });

/**
 * Applies PublicRateLimiter to every route of the public controllers, from the budget of the route's kind
 * (submissions unless the route is marked @PageView()); sets the RateLimit-* and Retry-After headers of that budget.
 */
@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  constructor(private readonly limiter: PublicRateLimiter, private readonly reflector: Reflector) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const kind = this.reflector.getAllAndOverride<PublicRequestKind | undefined>(REQUEST_KIND, [ctx.getHandler(), ctx.getClass()]) ?? 'submission';
    const d = await this.limiter.hit(clientKey(req.ip), kind);
    const resetSeconds = Math.max(1, Math.ceil(d.resetMs / 1000));
    res.setHeader('RateLimit-Limit', String(d.limit));
    res.setHeader('RateLimit-Remaining', String(d.remaining));
    res.setHeader('RateLimit-Reset', String(resetSeconds));
    if (d.allowed) return true;
    res.setHeader('Retry-After', String(resetSeconds));
    throw tooManyRequests(resetSeconds);
  }
}

/**
 * The public endpoints take small bodies: a report is a few kilobytes of text. The application's parsers accept up
 * to 1 MB (and refuse more with 413 before any route runs); these routes refuse more than this with 413 as well.
 * Photos come as multipart/form-data, which multer limits itself (per file, number of files, fields).
 */
export const PUBLIC_BODY_MAX_BYTES = 64 * 1024;

export const payloadTooLarge = () =>
  new AppError(HttpStatus.PAYLOAD_TOO_LARGE, 'PAYLOAD_TOO_LARGE',
    `Dữ liệu gửi lên quá lớn (tối đa ${PUBLIC_BODY_MAX_BYTES / 1024} KB). Vui lòng rút gọn nội dung.`,
    { maxBytes: PUBLIC_BODY_MAX_BYTES });

@Injectable()
export class PublicBodyLimitGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request & { rawBody?: Buffer }>();
    if (req.is('multipart/form-data')) return true;
    const declared = Number(req.headers['content-length'] ?? 0);
    const received = req.rawBody?.length ?? 0;
    if (Math.max(declared, received) > PUBLIC_BODY_MAX_BYTES) throw payloadTooLarge();
    return true;
  }
}
