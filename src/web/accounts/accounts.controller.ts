import { Body, Controller, Get, Injectable, Param, Post, Query, Res, UseFilters, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/decorators.js';
import { AppError, notFound } from '../../common/errors.js';
import { contentDisposition } from '../../common/content-disposition.js';
import { formValue } from '../../intake/public/web-form.js';
import { CaughtMails } from '../../notifications/caught-mails.js';
import { OutboxService } from '../../notifications/outbox.service.js';
import { RecipientListsService } from '../../notifications/recipient-lists.service.js';
import { ReportScheduleService } from '../../reports/report-schedule.js';
import { TicketsService } from '../../tickets/tickets.service.js';
import { CHANNEL_LABELS } from '../../tickets/channels.js';
import { publicUser, UsersService } from '../../users/users.service.js';
import { PAGE_HEADERS, Views } from '../../views/views.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { staffPageNav } from '../staff-page-nav.js';
import { CurrentSession, StaffSessionGuard, type StaffRequest, type StaffSession } from '../staff-session.js';
import {
  AUDIT_PAGE_SIZE, DELIVERIES_PAGE_SIZE, generatePassword, MAILS_PAGE_SIZE, pageOf, parseEmails, ROLE_CHOICES, roleOf, USERS_PAGE_SIZE,
  userFormProblems, userFormValues, type UserFormValues,
} from './accounts-forms.js';
import { AccountsService, requireAdmin } from './accounts.service.js';

/** Runs after StaffSessionGuard: the administration is for admins; anyone else gets the 403 page. */
@Injectable()
export class AdminOnly implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    requireAdmin(ctx.switchToHttp().getRequest<StaffRequest>().staffSession!.user);
    return true;
  }
}

const RECIPIENT_LIST_HINTS: Record<string, string> = {
  leadership: 'Nhận báo cáo ngày (và báo cáo tuần) qua thư điện tử vào giờ chốt số liệu.',
  coordinators: 'Nhận thông báo phản ánh trễ hạn.',
};

const WEEKDAYS = ['', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'];

/** A refused form: the sentence, the list of reasons, each field's reason. */
interface Refusal { message: string; problems: string[]; fields: Record<string, string> }

const refusal = (fields: Record<string, string>, message = 'Chưa lưu được: vui lòng kiểm tra lại.'): Refusal => ({ message, problems: Object.values(fields), fields });

/** A service's refusal (400 with fields, 409, 404) as the form shows it. */
function refusalOf(e: unknown): Refusal | null {
  if (!(e instanceof AppError) || e.status >= 500 || e.status === 403) return null;
  const body = e.details as { errors?: Array<{ field: string; reason: string }> } | undefined;
  const fields: Record<string, string> = {};
  for (const f of body?.errors ?? []) fields[f.field] = f.field === 'unitCode' ? `Đơn vị: ${f.reason}.` : `${f.reason}.`;
  return { message: e.message || 'Chưa lưu được.', problems: Object.values(fields).length ? Object.values(fields) : [e.message], fields };
}

/**
 * The administration of people and deliveries: accounts (/quan-tri/tai-khoan), the report recipients
 * (/quan-tri/nguoi-nhan), failed deliveries and the channels' state (/quan-tri/gui-tin), the audit log
 * (/quan-tri/nhat-ky) and the mail catcher's messages (/quan-tri/thu). Every change goes through the service that owns
 * it, which records it in the audit log in the change's transaction.
 */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard, AdminOnly)
@UseFilters(StaffPageErrorFilter)
@Controller('quan-tri')
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService, private readonly users: UsersService, private readonly lists: RecipientListsService,
    private readonly outbox: OutboxService, private readonly caught: CaughtMails, private readonly tickets: TicketsService,
    private readonly views: Views, private readonly schedule: ReportScheduleService,
  ) {}

  private nav(s: StaffSession) {
    return staffPageNav(this.tickets, s, '/quan-tri');
  }

  // ---- accounts ----

  @Get('tai-khoan')
  async usersPage(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const q = formValue(query, 'q').trim().slice(0, 100);
    const role = roleOf(formValue(query, 'vai-tro'));
    const page = pageOf(formValue(query, 'trang'));
    const [list, units, nav] = await Promise.all([this.users.search({ search: q, role: role ?? undefined, page, pageSize: USERS_PAGE_SIZE }), this.accounts.units(), this.nav(s)]);
    const unitNames = new Map(units.map((u) => [u.code, u.displayName]));
    const pages = Math.max(1, Math.ceil(list.total / USERS_PAGE_SIZE));
    const href = (p: number) => `/quan-tri/tai-khoan?${new URLSearchParams({ ...(q ? { q } : {}), ...(role ? { 'vai-tro': role } : {}), trang: String(p) })}`;
    const done = formValue(query, 'da');
    const who = formValue(query, 'ten').slice(0, 64);
    const flash = done === 'luu' ? `Đã lưu thay đổi của tài khoản ${who}.` : done === 'khoa' ? `Đã khóa tài khoản ${who}: mọi phiên đăng nhập của tài khoản này đã kết thúc.` : done === 'mo' ? `Đã mở lại tài khoản ${who}.` : '';
    this.views.send(res, 200, 'accounts/users.njk', {
      nav, wide: true, q, role, roles: ROLE_CHOICES, total: list.total, flash,
      items: list.items.map((u) => ({ ...publicUser(u), roleLabel: this.accounts.roleLabel(u.role), unitName: u.unitCode ? unitNames.get(u.unitCode) ?? u.unitCode : '', href: `/quan-tri/tai-khoan/${encodeURIComponent(u.username)}` })),
      pager: { page, pages, prevHref: page > 1 ? href(page - 1) : null, nextHref: page < pages ? href(page + 1) : null },
    });
  }

  @Get('tai-khoan/moi')
  async newUser(@CurrentSession() s: StaffSession, @Res() res: Response): Promise<void> {
    await this.sendNewUser(res, s, { username: '', fullName: '', role: '', unitCode: '', passwordMode: 'tu-dong', password: '' });
  }

  private async sendNewUser(res: Response, s: StaffSession, values: UserFormValues, error: Refusal | null = null, status = 200): Promise<void> {
    const [units, nav] = await Promise.all([this.accounts.units(), this.nav(s)]);
    this.views.send(res, status, 'accounts/user-new.njk', { nav, csrf: s.csrf, values: { ...values, password: '' }, roles: ROLE_CHOICES, units, error, errors: error?.fields ?? {} });
  }

  /** Creates the account; the page that answers shows its initial password, once (never stored readable, never shown again). */
  @Post('tai-khoan/moi')
  async createUser(@CurrentSession() s: StaffSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const values = userFormValues(body);
    const fields = userFormProblems(values, true);
    if (Object.keys(fields).length) return this.sendNewUser(res, s, values, refusal(fields, 'Chưa tạo được tài khoản: vui lòng kiểm tra lại.'), 400);
    const password = values.passwordMode === 'tu-dat' ? values.password : generatePassword();
    try {
      const user = await this.users.createUser({ username: values.username, fullName: values.fullName, role: roleOf(values.role)!, unitCode: values.unitCode || null, password }, s.user);
      await this.sendPassword(res, s, user.username, password, 'created', values.passwordMode === 'tu-dong');
    } catch (e) {
      const r = refusalOf(e);
      if (!r) throw e;
      if ((e as AppError).status === 409) r.fields.username = r.message;
      return this.sendNewUser(res, s, values, r, (e as AppError).status);
    }
  }

  private async sendPassword(res: Response, s: StaffSession, username: string, password: string, kind: 'created' | 'reset', generated: boolean): Promise<void> {
    const user = await this.users.get(username);
    this.views.send(res, 200, 'accounts/password.njk', {
      nav: await this.nav(s), kind, generated, password,
      user: user ? { ...publicUser(user), roleLabel: this.accounts.roleLabel(user.role) } : { username },
      href: `/quan-tri/tai-khoan/${encodeURIComponent(username)}`,
    });
  }

  @Get('tai-khoan/:username')
  async userPage(@CurrentSession() s: StaffSession, @Param('username') username: string, @Res() res: Response): Promise<void> {
    await this.sendUser(res, s, username);
  }

  private async sendUser(res: Response, s: StaffSession, username: string, opts: { values?: UserFormValues; error?: Refusal; resetError?: Refusal; status?: number } = {}): Promise<void> {
    const user = await this.users.get(username);
    if (!user) throw notFound(`Không tìm thấy tài khoản "${username}".`);
    const [units, nav] = await Promise.all([this.accounts.units(), this.nav(s)]);
    const values: UserFormValues = opts.values ?? { username: user.username, fullName: user.fullName, role: user.role, unitCode: user.unitCode ?? '', passwordMode: 'tu-dong', password: '' };
    this.views.send(res, opts.status ?? 200, 'accounts/user.njk', {
      nav, csrf: s.csrf, roles: ROLE_CHOICES, units,
      user: { ...publicUser(user), roleLabel: this.accounts.roleLabel(user.role), createdAt: user.createdAt, sessionsValidFrom: user.sessionsValidFrom, unitName: units.find((u) => u.code === user.unitCode)?.displayName ?? user.unitCode },
      self: user.id === s.user.id,
      values: { ...values, password: '' }, error: opts.error ?? null, errors: opts.error?.fields ?? {},
      resetError: opts.resetError ?? null, resetErrors: opts.resetError?.fields ?? {},
      base: `/quan-tri/tai-khoan/${encodeURIComponent(user.username)}`,
      auditHref: `/quan-tri/nhat-ky?loai=user`,
    });
  }

  @Post('tai-khoan/:username/sua')
  async updateUser(@CurrentSession() s: StaffSession, @Param('username') username: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const values = { ...userFormValues(body), username, passwordMode: 'tu-dong', password: '' };
    const fields = userFormProblems(values, false);
    if (Object.keys(fields).length) return this.sendUser(res, s, username, { values, error: refusal(fields), status: 400 });
    try {
      await this.users.update(username, { fullName: values.fullName, role: roleOf(values.role)!, unitCode: values.unitCode || null }, s.user);
    } catch (e) {
      const r = refusalOf(e);
      if (!r || (e as AppError).status === 404) throw e;
      return this.sendUser(res, s, username, { values, error: r, status: (e as AppError).status });
    }
    res.redirect(303, `/quan-tri/tai-khoan?da=luu&ten=${encodeURIComponent(username)}`);
  }

  /** Deactivates (every session and token of the account ends at once) or reactivates an account; never one's own. */
  @Post('tai-khoan/:username/trang-thai')
  async setActive(@CurrentSession() s: StaffSession, @Param('username') username: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const active = formValue(body, 'active') === 'co';
    if (!active && username === s.user.username) {
      return this.sendUser(res, s, username, { error: refusal({ active: 'Không thể tự khóa tài khoản của chính mình.' }, 'Chưa khóa được tài khoản.'), status: 400 });
    }
    await this.users.update(username, { active }, s.user);
    res.redirect(303, `/quan-tri/tai-khoan?da=${active ? 'mo' : 'khoa'}&ten=${encodeURIComponent(username)}`);
  }

  /** A new password, generated or typed by the admin, shown once; the account's sessions and tokens end. */
  @Post('tai-khoan/:username/mat-khau')
  async resetPassword(@CurrentSession() s: StaffSession, @Param('username') username: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const mode = formValue(body, 'passwordMode') === 'tu-dat' ? 'tu-dat' : 'tu-dong';
    const typed = formValue(body, 'password').slice(0, 200);
    if (mode === 'tu-dat' && typed.length < 8) {
      return this.sendUser(res, s, username, { resetError: refusal({ password: 'Mật khẩu phải dài ít nhất 8 ký tự.' }, 'Chưa đặt lại được mật khẩu.'), status: 400 });
    }
    const password = mode === 'tu-dat' ? typed : generatePassword();
    await this.users.update(username, { password }, s.user);
    await this.sendPassword(res, s, username, password, 'reset', mode === 'tu-dong');
  }

  // ---- report recipients ----

  @Get('nguoi-nhan')
  async recipientsPage(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const saved = formValue(query, 'da') === 'luu' ? formValue(query, 'ds').slice(0, 32) : '';
    const flash = formValue(query, 'da') === 'luu-tuan' ? 'Đã lưu ngày gửi báo cáo tuần.'
      : saved ? `Đã lưu danh sách “${(await this.lists.list()).find((l) => l.code === saved)?.name ?? saved}”.` : '';
    await this.sendRecipients(res, s, { flash });
  }

  private async sendRecipients(res: Response, s: StaffSession, opts: { flash?: string; code?: string; text?: string; error?: Refusal; status?: number } = {}): Promise<void> {
    const [lists, nav, weekday] = await Promise.all([this.lists.list(), this.nav(s), this.schedule.weeklyWeekday()]);
    this.views.send(res, opts.status ?? 200, 'accounts/recipients.njk', {
      nav, csrf: s.csrf, flash: opts.flash, error: opts.error ?? null,
      // leadership first: the daily report's list is the one most often edited
      lists: [...lists].sort((a, b) => Number(b.code === 'leadership') - Number(a.code === 'leadership') || a.name.localeCompare(b.name, 'vi')).map((l) => ({
        code: l.code, name: l.name, hint: RECIPIENT_LIST_HINTS[l.code] ?? '', count: l.emails.length,
        text: opts.code === l.code ? opts.text : l.emails.join('\n'),
        error: opts.code === l.code ? opts.error?.fields.emails : undefined,
      })),
      weekly: weekday ? WEEKDAYS[weekday] : null,
      weekday,
      weekdays: WEEKDAYS.map((label, value) => ({ value, label: value === 0 ? 'Không gửi báo cáo tuần' : label })),
      cutoffHour: this.accounts.settings.REPORT_CUTOFF_HOUR,
    });
  }

  /** The weekly report's weekday (ReportScheduleService; recorded in the audit log). */
  @Post('nguoi-nhan/bao-cao-tuan')
  async saveWeekday(@CurrentSession() s: StaffSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const value = formValue(body, 'weeklyWeekday');
    try {
      await this.schedule.setWeeklyWeekday(/^[0-7]$/.test(value) ? Number(value) : NaN, s.user);
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 400) throw e;
      return this.sendRecipients(res, s, { error: refusal({ weeklyWeekday: 'Vui lòng chọn một ngày trong tuần hoặc “Không gửi báo cáo tuần”.' }, 'Chưa lưu được ngày gửi báo cáo tuần.'), status: 400 });
    }
    res.redirect(303, '/quan-tri/nguoi-nhan?da=luu-tuan');
  }

  @Post('nguoi-nhan/:code')
  async saveRecipients(@CurrentSession() s: StaffSession, @Param('code') code: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const text = formValue(body, 'emails').slice(0, 20_000);
    const { emails, bad } = parseEmails(text);
    if (bad.length || emails.length > 100) {
      const reason = bad.length ? `Không phải địa chỉ thư điện tử hợp lệ: ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? '…' : ''}.` : 'Tối đa 100 địa chỉ.';
      return this.sendRecipients(res, s, { code, text, error: refusal({ emails: reason }, 'Chưa lưu được danh sách: vui lòng kiểm tra lại.'), status: 400 });
    }
    await this.lists.update(code, emails, s.user);
    res.redirect(303, `/quan-tri/nguoi-nhan?da=luu&ds=${encodeURIComponent(code)}`);
  }

  // ---- deliveries and channels ----

  @Get('gui-tin')
  async deliveriesPage(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const page = pageOf(formValue(query, 'trang'));
    const done = formValue(query, 'da');
    const n = Number(formValue(query, 'so')) || 0;
    const flash = done === 'gui-lai' ? 'Đã đưa tin vào hàng đợi để gửi lại.' : done === 'gui-lai-het' ? `Đã đưa ${n} tin vào hàng đợi để gửi lại.` : '';
    const [failed, counts, channels, nav] = await Promise.all([this.outbox.failed(page, DELIVERIES_PAGE_SIZE), this.outbox.counts(), this.accounts.channels(), this.nav(s)]);
    const pages = Math.max(1, Math.ceil(failed.total / DELIVERIES_PAGE_SIZE));
    this.views.send(res, 200, 'accounts/deliveries.njk', {
      nav, wide: true, csrf: s.csrf, flash, counts, channels, mail: this.accounts.mailRoute(),
      failed: failed.items.map((f) => ({ ...f, channelLabel: f.channel === 'email' ? 'Thư điện tử' : CHANNEL_LABELS[f.channel] })), total: failed.total,
      pager: { page, pages, prevHref: page > 1 ? `/quan-tri/gui-tin?trang=${page - 1}` : null, nextHref: page < pages ? `/quan-tri/gui-tin?trang=${page + 1}` : null },
    });
  }

  @Post('gui-tin/gui-lai')
  async retryAll(@CurrentSession() s: StaffSession, @Res() res: Response): Promise<void> {
    const n = await this.outbox.retryAll(s.user);
    res.redirect(303, `/quan-tri/gui-tin?da=gui-lai-het&so=${n}`);
  }

  @Post('gui-tin/:id/gui-lai')
  async retryOne(@CurrentSession() s: StaffSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('Không tìm thấy tin gửi lỗi với mã này.');
    try {
      await this.outbox.retry(id, s.user);
    } catch (e) {
      // already retried (another admin, or this form sent twice): nothing to do, the list shows the state
      if (!(e instanceof AppError && e.status === 404)) throw e;
    }
    res.redirect(303, '/quan-tri/gui-tin?da=gui-lai');
  }

  // ---- audit log ----

  @Get('nhat-ky')
  async auditPage(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const types = await this.accounts.subjectTypes();
    const wanted = formValue(query, 'loai');
    const type = types.some((t) => t.value === wanted) ? wanted : '';
    const page = pageOf(formValue(query, 'trang'));
    const [log, nav] = await Promise.all([this.accounts.auditPage(type || undefined, page, AUDIT_PAGE_SIZE), this.nav(s)]);
    const href = (p: number) => `/quan-tri/nhat-ky?${new URLSearchParams({ ...(type ? { loai: type } : {}), trang: String(p) })}`;
    this.views.send(res, 200, 'accounts/audit.njk', {
      nav, wide: true, types, type, items: log.items,
      pager: { page, pages: null, prevHref: page > 1 ? href(page - 1) : null, nextHref: log.hasNext ? href(page + 1) : null },
    });
  }

  // ---- the mail catcher ----

  @Get('thu')
  async mailsPage(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const page = pageOf(formValue(query, 'trang'));
    const [list, nav] = await Promise.all([this.caught.list(page, MAILS_PAGE_SIZE), this.nav(s)]);
    const pages = Math.max(1, Math.ceil(list.total / MAILS_PAGE_SIZE));
    this.views.send(res, 200, 'accounts/mails.njk', {
      nav, wide: true, mail: this.accounts.mailRoute(), total: list.total,
      items: list.items.map((m) => ({ ...m, href: `/quan-tri/thu/${m.id}` })),
      pager: { page, pages, prevHref: page > 1 ? `/quan-tri/thu?trang=${page - 1}` : null, nextHref: page < pages ? `/quan-tri/thu?trang=${page + 1}` : null },
    });
  }

  /** One caught mail: its headers, its text, its HTML in a sandboxed frame (served by the next route), its attachments. */
  @Get('thu/:id')
  async mailPage(@CurrentSession() s: StaffSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const mail = await this.caught.get(id);
    if (!mail) throw notFound('Không tìm thấy thư này.');
    const html = this.views.render('accounts/mail.njk', { nav: await this.nav(s), mail, base: `/quan-tri/thu/${mail.id}` });
    // the page's own policy, plus a frame of this origin for the HTML body (which has a stricter policy of its own)
    res.status(200).set({ ...PAGE_HEADERS, 'Content-Security-Policy': `${PAGE_HEADERS['Content-Security-Policy']}; frame-src 'self'` }).send(html);
  }

  /**
   * The HTML body as the mail program would show it, in a frame: its own policy runs no script at all (no script-src
   * under default-src 'none', inline ones included), loads nothing from outside (inline styles and embedded images
   * only), sends no form, and `sandbox` gives it an opaque origin of its own (no cookies, no reach into this page).
   * The sandbox allows scripts only so that tools (the accessibility check) can read the frame: the policy still
   * runs none of the mail's.
   */
  @Get('thu/:id/noi-dung')
  async mailHtml(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const mail = await this.caught.get(id);
    if (!mail?.html) throw notFound('Thư này không có phần HTML.');
    res.status(200).set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "sandbox allow-scripts; default-src 'none'; style-src 'unsafe-inline'; img-src data: cid:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'SAMEORIGIN',
    }).send(mail.html);
  }

  /** One attachment as sent (always downloaded, never shown in place). */
  @Get('thu/:id/tep/:index')
  async mailAttachment(@Param('id') id: string, @Param('index') index: string, @Res() res: Response): Promise<void> {
    const n = /^\d{1,3}$/.test(index) ? Number(index) : -1;
    const a = n >= 0 ? await this.caught.attachment(id, n) : null;
    if (!a) throw notFound('Không tìm thấy tệp đính kèm này.');
    res.status(200).set({
      'Content-Type': a.contentType || 'application/octet-stream',
      'Content-Disposition': contentDisposition('attachment', a.filename),
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    }).send(a.content);
  }

  /** The whole message (.eml), for a mail program. */
  @Get('thu/:id/thu.eml')
  async mailSource(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const raw = await this.caught.source(id);
    if (!raw) throw notFound('Không tìm thấy thư này.');
    res.status(200).set({
      'Content-Type': 'message/rfc822',
      'Content-Disposition': contentDisposition('attachment', `thu-${id.slice(0, 8)}.eml`),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    }).send(raw);
  }
}
