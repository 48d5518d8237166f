import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { AuthUser } from '../../common/auth-user.js';
import { Public } from '../../common/decorators.js';
import { AppError, forbidden, type FieldProblem } from '../../common/errors.js';
import { normalizeVietnamesePhone } from '../../common/phone.js';
import { CallsService } from '../../intake/calls/calls.service.js';
import { formValue } from '../../intake/public/web-form.js';
import { DeadlineExtensionService } from '../../sla/deadline-extension.service.js';
import { canCreateTickets } from '../../tickets/ticket-access.js';
import { normalizeTicketCode } from '../../tickets/ticket-code.js';
import { TicketsService } from '../../tickets/tickets.service.js';
import { Views } from '../../views/views.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { staffNav } from '../staff-nav.js';
import { staffPageNav } from '../staff-page-nav.js';
import { CurrentSession, StaffSessionGuard, type StaffSession } from '../staff-session.js';
import { ConsoleFeed } from './console-feed.js';
import {
  CONSOLE_CHANNELS, CONSOLE_FIELDS, PHONE_ERROR, checkConsoleForm, codeForReading, consoleFormValues, formKey, groupedPhone, typedPhone,
  type ConsoleErrors, type ConsoleValues,
} from './console-form.js';
import { ConsoleService, type ListedTicket } from './console.service.js';

const FULL_CODE = /^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
/** TicketsService.comment takes up to this many characters. */
const COMMENT_MAX = 5000;

/** What else the form page shows besides the form. */
interface PageExtras {
  status?: number;
  errors?: ConsoleErrors;
  notice?: string;
  history?: Awaited<ReturnType<ConsoleService['history']>>;
  duplicates?: ListedTicket[] | null;
  problem?: string;
}

/**
 * The operator's console (/tong-dai): log a call or a walk-in while the caller waits. Works without scripts (the
 * history, the duplicate check and "add to this ticket" are buttons of the form); static/js/console.js adds the call
 * announcements without reload (server-sent events), the history as the number is typed and the duplicate check as
 * the form is filled. For operators, coordinators and admins (those who create tickets).
 */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard)
@UseFilters(StaffPageErrorFilter)
@Controller('tong-dai')
export class ConsoleController {
  constructor(
    private readonly service: ConsoleService,
    private readonly calls: CallsService,
    private readonly tickets: TicketsService,
    private readonly deadlines: DeadlineExtensionService,
    private readonly feed: ConsoleFeed,
    private readonly views: Views,
  ) {}

  private allowed(user: AuthUser): void {
    if (!canCreateTickets(user)) throw forbidden('Chỉ tổng đài viên, điều phối viên và quản trị viên tiếp nhận cuộc gọi.');
  }

  /** The form, empty with a new key; `?cuoc-goi=<callId>` fills in an announced call's number and links the form to it. */
  @Get()
  async form(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    this.allowed(s.user);
    const values: ConsoleValues = { channel: 'hotline', idempotencyKey: randomUUID() };
    const callId = formValue(query, 'cuoc-goi').slice(0, 100);
    let notice: string | undefined;
    let history: PageExtras['history'];
    if (callId) {
      const call = await this.calls.find(callId);
      if (!call) notice = `Không tìm thấy cuộc gọi mã "${callId}".`;
      else if (call.ticketCode) notice = `Cuộc gọi từ số ${groupedPhone(call.callerNumber)} đã có phản ánh ${call.ticketCode}.`;
      else {
        values.callId = call.callId;
        values.reporterPhone = call.callerNumber;
        history = await this.service.history(call.callerNumber);
      }
    }
    await this.page(res, s, values, { notice, history });
  }

  /**
   * The form sent: "Lưu phản ánh" (the default: Enter), "Xem phản ánh trước đây", "Kiểm tra trùng", "Thêm vào phản
   * ánh …" (the call as a comment on an existing ticket), "Bỏ liên kết cuộc gọi". A save or an addition answers with
   * a redirect to its confirmation (the same one for a form sent twice); anything refused shows the form again with
   * the reason next to each field and the values kept, nothing written.
   */
  @Post()
  async submit(@CurrentSession() s: StaffSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    this.allowed(s.user);
    const values = consoleFormValues(body);
    if (!values.idempotencyKey) values.idempotencyKey = randomUUID();
    const step = formValue(body, 'buoc');
    const addTo = normalizeTicketCode(formValue(body, 'themVao'));
    let call = values.callId ? await this.calls.find(values.callId) : null;
    // a save of a call that has its ticket goes on: the same form sent again gets its confirmation (the key), another one a 409
    const saving = step === 'luu' || step === '' || !!addTo;
    if (values.callId && (!call || (call.ticketCode && !saving) || values.channel !== 'hotline' || step === 'bo-cuoc-goi')) {
      // the call is unknown, taken, or let go of: the form goes on without it
      const taken = call?.ticketCode ? `Cuộc gọi này đã có phản ánh ${call.ticketCode}; biểu mẫu không còn gắn với cuộc gọi.` : undefined;
      values.callId = '';
      call = null;
      if (step === 'bo-cuoc-goi' || taken) return this.page(res, s, values, { notice: taken ?? 'Đã bỏ liên kết với cuộc gọi. Phản ánh sẽ được lưu như một phản ánh thông thường.' });
    }
    const phoneFromCall = !!values.callId;
    if (phoneFromCall) values.reporterPhone = call!.callerNumber;

    if (step === 'lich-su') {
      const phone = typedPhone(values.reporterPhone);
      if (phone === false) return this.page(res, s, values, { status: 400, errors: { reporterPhone: PHONE_ERROR } });
      if (phone === null) return this.page(res, s, values, { status: 400, errors: { reporterPhone: 'Nhập số điện thoại để xem các phản ánh trước đây của số này.' } });
      return this.page(res, s, values, { history: await this.service.history(phone) });
    }

    const choices = await this.service.choices();
    const { errors, input } = checkConsoleForm(values, choices, phoneFromCall);
    const callE164 = phoneFromCall ? normalizeVietnamesePhone(call!.callerNumber) : null;
    const history = async () => (input?.reporterPhone || callE164 ? this.service.history(callE164 ?? input!.reporterPhone!) : null);
    if (step === 'kiem-tra') {
      // the check needs what it compares: the text, and the phone or the commune and category
      const partial = checkConsoleForm({ ...values, reporterName: values.reporterName || '-', content: values.content || '-' }, choices, phoneFromCall);
      if (!partial.input) return this.page(res, s, values, { status: 400, errors: partial.errors });
      const c = { ...partial.input, reporterPhone: callE164 ?? partial.input.reporterPhone, content: values.content ?? '' };
      return this.page(res, s, values, { duplicates: await this.service.duplicates(s.user, c), history: c.reporterPhone ? await this.service.history(c.reporterPhone) : null });
    }
    if (!input) return this.page(res, s, values, { status: 400, errors });

    try {
      if (addTo) {
        const text = this.service.commentText({ ...input, reporterPhone: callE164 ?? input.reporterPhone }, null);
        if (text.length > COMMENT_MAX) {
          return this.page(res, s, values, { status: 400, errors: { content: `Nội dung thêm vào phản ánh đã có dài tối đa khoảng ${(COMMENT_MAX - 200).toLocaleString('vi-VN')} ký tự; hãy rút gọn hoặc lưu thành phản ánh mới.` } });
        }
        const done = await this.service.addToTicket(s.user, addTo, text, values.callId || null, formKey(values));
        return res.redirect(303, `/tong-dai/phan-anh/${encodeURIComponent(done.code)}?da=them${values.callId ? `&cuoc-goi=${encodeURIComponent(values.callId)}` : ''}`);
      }
      const done = await this.service.save(s.user, input, values.callId || null, formKey(values));
      return res.redirect(303, `/tong-dai/phan-anh/${encodeURIComponent(done.code)}?da=tao${values.callId ? `&cuoc-goi=${encodeURIComponent(values.callId)}` : ''}`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500 || e.status === 403) throw e;
      if (e.code === 'CALL_HAS_TICKET') {
        // another form took the call meanwhile: this one goes on without it, nothing written
        values.callId = '';
        return this.page(res, s, values, {
          status: 409, problem: `${e.message} Biểu mẫu không còn gắn với cuộc gọi: lưu thành phản ánh mới, hoặc thêm vào phản ánh đó.`, history: await history(),
        });
      }
      // the services' refusals: a field (400), an unknown ticket (404), a call taken meanwhile or a reused key (409)
      const list = (e.details?.errors as FieldProblem[] | undefined) ?? [];
      const fieldErrors: ConsoleErrors = {};
      for (const p of list) {
        const field = (CONSOLE_FIELDS as readonly string[]).includes(p.field) ? (p.field as keyof ConsoleErrors) : 'content';
        fieldErrors[field] ??= `Không hợp lệ: ${p.reason}.`;
      }
      return this.page(res, s, values, {
        status: e.status, errors: fieldErrors, problem: list.length ? 'Chưa lưu được: vui lòng kiểm tra lại thông tin đã nhập.' : e.message,
        history: await history(),
      });
    }
  }

  /**
   * The confirmation: the tracking code large and in groups to read aloud, where the ticket went and its deadline.
   * `da=tao`: a new ticket; `da=them`: the call added to this ticket.
   */
  @Get('phan-anh/:code')
  async done(@CurrentSession() s: StaffSession, @Param('code') code: string, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    this.allowed(s.user);
    const c = normalizeTicketCode(code);
    const ticket = await this.tickets.get(s.user, FULL_CODE.test(c) ? c : code);
    const time = await this.deadlines.timeLeft(s.user, ticket.code);
    const callId = formValue(query, 'cuoc-goi').slice(0, 100);
    const call = callId ? await this.calls.find(callId) : null;
    const added = formValue(query, 'da') === 'them';
    this.views.send(res, 200, 'console/saved.njk', {
      title: added ? `Đã thêm vào phản ánh ${ticket.code}` : `Đã lưu phản ánh ${ticket.code}`,
      nav: await staffPageNav(this.tickets, s, '/tong-dai'),
      wide: true,
      added,
      ticket,
      reading: codeForReading(ticket.code),
      deadline: { dueAt: time.dueAt, minutesLeft: time.minutesLeft, mode: time.deadlineMode, overdue: time.overdue },
      call: call && call.ticketCode === ticket.code ? { ...call, display: groupedPhone(call.callerNumber) } : null,
      phoneDisplay: ticket.reporterPhone ? groupedPhone(ticket.reporterPhone) : null,
    });
  }

  /** The tickets of a number (any form), for the console's script as the number is typed: JSON. */
  @Get('lich-su')
  async history(@CurrentSession() s: StaffSession, @Query('so') so: unknown, @Res() res: Response): Promise<void> {
    this.allowed(s.user);
    const phone = typeof so === 'string' ? so.slice(0, 40) : '';
    const history = normalizeVietnamesePhone(phone) ? await this.service.history(phone) : null;
    res.set('Cache-Control', 'no-store');
    if (!history) {
      res.status(400).json({ message: PHONE_ERROR });
      return;
    }
    res.json(history);
  }

  /** The likely duplicates of the form as it is filled (the console's script, on leaving a field): JSON. */
  @Post('kiem-tra-trung')
  async duplicates(@CurrentSession() s: StaffSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    this.allowed(s.user);
    const values = consoleFormValues(body);
    const choices = await this.service.choices();
    const call = values.callId ? await this.calls.find(values.callId) : null;
    const phone = call ? normalizeVietnamesePhone(call.callerNumber) : typedPhone(values.reporterPhone) || null;
    const area = values.areaCode && choices.areaCodes.has(values.areaCode) ? values.areaCode : null;
    const category = values.categoryCode && choices.categoryCodes.has(values.categoryCode) ? values.categoryCode : null;
    const duplicates = await this.service.duplicates(s.user, { reporterPhone: phone, areaCode: area, categoryCode: category, content: (values.content ?? '').slice(0, 10_000) });
    res.set('Cache-Control', 'no-store').json({ duplicates });
  }

  /** The calls announced for this operator, as server-sent events (ConsoleFeed). */
  @Get('cuoc-goi')
  async events(@CurrentSession() s: StaffSession, @Res() res: Response): Promise<void> {
    this.allowed(s.user);
    await this.feed.open(s.user.username, res);
  }

  private async page(res: Response, s: StaffSession, values: ConsoleValues, extras: PageExtras): Promise<void> {
    const [choices, pendingCalls, counts] = await Promise.all([
      this.service.choices(), this.calls.pendingFor(s.user.username), this.tickets.waitingCounts(s.user),
    ]);
    const errors = extras.errors ?? {};
    const call = values.callId ? pendingCalls.find((c) => c.callId === values.callId) ?? { callId: values.callId, callerNumber: values.reporterPhone ?? '' } : null;
    this.views.send(res, extras.status ?? 200, 'console/form.njk', {
      title: 'Tiếp nhận cuộc gọi',
      nav: staffNav(s, '/tong-dai', counts),
      wide: true,
      csrf: s.csrf,
      values,
      errors,
      errorCount: Object.keys(errors).length,
      problem: extras.problem,
      notice: extras.notice,
      channels: CONSOLE_CHANNELS,
      choices,
      call: call ? { ...call, display: groupedPhone(call.callerNumber) } : null,
      pendingCalls: pendingCalls.map((c) => ({ ...c, display: groupedPhone(c.callerNumber) })),
      history: extras.history ?? null,
      duplicates: extras.duplicates ?? null,
    });
  }
}
