import { parse as parseCookie } from 'cookie';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { Settings } from '../../config/settings.js';
import type { AuthUser } from '../common/auth-user.js';
import { TokenService } from '../auth/token.service.js';
import { formValue } from '../intake/public/web-form.js';

/**
 * The staff pages' session: the access token (the same JWT the API takes as a bearer token) in an HttpOnly,
 * SameSite=Lax cookie, and a CSRF token bound to it on every form.
 */

export const SESSION_COOKIE = 'tongdai1022_phien';
export const CSRF_FIELD = '_csrf';
/** The same token, sent by the pages' scripts on their fetch() calls (read from the form's hidden field). */
export const CSRF_HEADER = 'X-CSRF-Token';

export interface StaffSession {
  user: AuthUser;
  /** The access token from the cookie. */
  token: string;
  /** The token every form of this session carries. */
  csrf: string;
}

export type StaffRequest = Request & { staffSession?: StaffSession };

/** The session StaffSessionGuard found (the guard runs before every route of a staff page controller). */
export const CurrentSession = createParamDecorator((_: unknown, ctx: ExecutionContext): StaffSession =>
  ctx.switchToHttp().getRequest<StaffRequest>().staffSession!);

/** A page needs a signed-in user: the filter answers with a redirect to the login page, back to `next` after. */
export class LoginRequired extends Error {
  constructor(readonly next: string) {
    super('login required');
  }
}

/** A form whose CSRF token does not belong to the session (forged, from another session, or missing). */
export class CsrfRejected extends Error {
  constructor() {
    super('csrf token rejected');
  }
}

/** Reads one cookie from the Cookie header (the `cookie` package's parser; a value it cannot decode is kept as sent). */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  return parseCookie(header)[name] ?? null;
}

/**
 * Where to go after signing in: only a path of this site ("/tickets/PA-…"), never another origin ("//evil.example",
 * "/\\evil.example", "https://…"), nor the login or logout pages themselves.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 1000) return '/tickets';
  if (!/^\/(?![/\\])/.test(next) || /[\\\x00-\x1f\x7f]/.test(next)) return '/tickets';
  if (/^\/(dang-nhap|dang-xuat)(?:[/?#]|$)/.test(next)) return '/tickets';
  return next;
}

@Injectable()
export class StaffSessions {
  constructor(private readonly tokens: TokenService, private readonly settings: Settings) {}

  /** The session of the cookie, or null when there is none, or its token is bad or expired, or the account is off. */
  async fromRequest(req: Request): Promise<StaffSession | null> {
    const token = readCookie(req, SESSION_COOKIE);
    if (!token) return null;
    // the same check as the API's AuthGuard: a deactivated account, a new password or role ends the pages at once
    const user = await this.tokens.userOf(token);
    if (!user) return null;
    return {
      user: { id: user.id, username: user.username, fullName: user.fullName, role: user.role, unitCode: user.unitCode },
      token,
      csrf: this.csrfFor(token),
    };
  }

  /**
   * HMAC of a fixed label keyed with the session's token: only someone who holds the token (the HttpOnly cookie,
   * which another site can neither read nor compute from) can produce it; nothing to store, any instance can check
   * it, and it changes with every login.
   */
  csrfFor(token: string): string {
    return createHmac('sha256', token).update('tongdai1022 staff form').digest('base64url');
  }

  checkCsrf(session: StaffSession, given: string): boolean {
    const a = Buffer.from(session.csrf);
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private cookieOptions(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.settings.PUBLIC_URL.startsWith('https:'), path: '/' };
  }

  setCookie(res: Response, token: string): void {
    res.cookie(SESSION_COOKIE, token, { ...this.cookieOptions(), maxAge: this.settings.TOKEN_TTL_HOURS * 3600_000 });
  }

  clearCookie(res: Response): void {
    res.clearCookie(SESSION_COOKIE, this.cookieOptions());
  }
}

/** Where a signed-out visitor comes back to: the page asked for, or for a form sent, the ticket it was about. */
function returnPath(req: Request): string {
  if (req.method === 'GET' || req.method === 'HEAD') return req.originalUrl;
  const ticket = /^(\/tickets\/[^/?#]+)\/[^/?#]+$/.exec(req.path);
  return ticket ? ticket[1] : '/tickets';
}

/**
 * For the staff pages (marked @Public() for the API's bearer guard): a valid session cookie, else a redirect to the
 * login page; and on every form sent, the session's CSRF token, else 403 with nothing done.
 */
@Injectable()
export class StaffSessionGuard implements CanActivate {
  constructor(private readonly sessions: StaffSessions) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<StaffRequest>();
    const session = await this.sessions.fromRequest(req);
    if (!session) throw new LoginRequired(returnPath(req));
    req.staffSession = session;
    if (req.method !== 'GET' && req.method !== 'HEAD' && !this.sessions.checkCsrf(session, formValue(req.body, CSRF_FIELD) || req.get(CSRF_HEADER) || '')) {
      throw new CsrfRejected();
    }
    return true;
  }
}
