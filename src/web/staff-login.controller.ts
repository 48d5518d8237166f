import { Body, Controller, Get, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { LoginThrottleService } from '../auth/login-throttle.service.js';
import { Public } from '../common/decorators.js';
import { TokenService } from '../auth/token.service.js';
import { formValue } from '../intake/public/web-form.js';
import { UsersService } from '../users/users.service.js';
import { StaffPageErrorFilter } from './staff-page-error.filter.js';
import { Views } from '../views/views.js';
import { CSRF_FIELD, CsrfRejected, safeNext, StaffSessions } from './staff-session.js';

/** Sign-in and sign-out of the staff pages: the API's access token, kept in an HttpOnly cookie. */
@ApiExcludeController()
@Public()
@UseFilters(StaffPageErrorFilter)
@Controller()
export class StaffLoginController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly sessions: StaffSessions,
    private readonly views: Views,
    private readonly throttle: LoginThrottleService,
  ) {}

  @Get('dang-nhap')
  async form(@Req() req: Request, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const next = safeNext(formValue(query, 'next'));
    // already signed in (a second tab, the back button): straight on
    if (await this.sessions.fromRequest(req)) return res.redirect(303, next);
    this.views.send(res, 200, 'staff/login.njk', { next });
  }

  @Post('dang-nhap')
  async login(@Req() req: Request, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const username = formValue(body, 'username').trim();
    const password = formValue(body, 'password');
    const next = safeNext(formValue(body, 'next'));
    const again = (status: number, error: string) => this.views.send(res, status, 'staff/login.njk', { next, username, error });
    if (!username || !password) return again(400, 'Vui lòng nhập tên đăng nhập và mật khẩu.');
    try {
      await this.throttle.check(req.ip, username);
    } catch (e) {
      return again(429, (e as Error).message);
    }
    const user = username.length <= 64 && password.length <= 200 ? await this.users.authenticate(username, password) : null;
    if (!user) {
      await this.throttle.failed(req.ip, username);
      return again(401, 'Tên đăng nhập hoặc mật khẩu không đúng.');
    }
    this.sessions.setCookie(res, await this.tokens.sign(user.id));
    res.redirect(303, next);
  }

  /** Clears the cookie. A signed-in session must send its CSRF token (another site cannot sign a person out). */
  @Post('dang-xuat')
  async logout(@Req() req: Request, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const session = await this.sessions.fromRequest(req);
    if (session && !this.sessions.checkCsrf(session, formValue(body, CSRF_FIELD))) throw new CsrfRejected();
    this.sessions.clearCookie(res);
    res.redirect(303, '/dang-nhap');
  }
}
