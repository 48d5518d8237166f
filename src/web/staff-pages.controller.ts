import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/decorators.js';
import { AppError, notFound } from '../common/errors.js';
import { formValue } from '../intake/public/web-form.js';
import { normalizeTicketCode } from '../tickets/ticket-code.js';
import { formRefusal, TICKET_CONFLICT_NOTE } from './page-forms.js';
import { StaffPageErrorFilter } from './staff-page-error.filter.js';
import { actionDto, actionFormValues, FIELD_LABELS, isPageAction, listFilter } from './staff-forms.js';
import { StaffPagesService } from './staff-pages.service.js';
import { flashFor, listView, overdueView, ticketView } from './staff-views.js';
import { Views } from '../views/views.js';
import { CurrentSession, StaffSessionGuard, type StaffSession } from './staff-session.js';

const FULL_CODE = /^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;

const ticketPath = (code: string) => `/tickets/${encodeURIComponent(code)}`;


/**
 * Staff pages: the ticket list, one ticket with the forms of the actions allowed now, and the overdue list. Marked
 * @Public() for the API's bearer guard; StaffSessionGuard checks the session cookie and, on forms, the CSRF token.
 */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard)
@UseFilters(StaffPageErrorFilter)
@Controller()
export class StaffPagesController {
  constructor(private readonly pages: StaffPagesService, private readonly views: Views) {}

  /**
   * The tickets this person sees, by deadline, 50 a page, with filters; a received date that cannot be read answers
   * 400 with the reason next to its field (and the list without that bound).
   */
  @Get('tickets')
  async list(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const request = listFilter(query);
    const [page, counts] = await Promise.all([this.pages.list(s.user, request), this.pages.counts(s.user)]);
    const code = normalizeTicketCode(formValue(query, 'ma'));
    const flash = flashFor(formValue(query, 'da'), FULL_CODE.test(code) ? code : undefined);
    this.views.send(res, Object.keys(request.errors).length ? 400 : 200, 'staff/list.njk', listView(s, counts, request, page, flash));
  }

  /** The page e-mails link to (`${PUBLIC_URL}/tickets/<code>`); 404 alike for an unknown code and one this user may not read. */
  @Get('tickets/:code')
  async show(@CurrentSession() s: StaffSession, @Param('code') code: string, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const [page, counts] = await Promise.all([this.pages.ticketPage(s.user, code), this.pages.counts(s.user)]);
    this.views.send(res, 200, 'staff/ticket.njk', ticketView(s, counts, page, { flash: flashFor(formValue(query, 'da')) }));
  }

  /**
   * One form: applied through TicketsService (DeadlineExtensionService for "extend"), then Post/Redirect/Get back to the ticket (or to the list when the
   * ticket left this user's sight). A refused one (400, 403, 409, 422) shows the ticket as it is now, with the reason
   * and the typed values kept.
   */
  @Post('tickets/:code/:action')
  async act(
    @CurrentSession() s: StaffSession, @Param('code') code: string, @Param('action') action: string,
    @Body() body: Record<string, unknown>, @Res() res: Response,
  ): Promise<void> {
    if (!isPageAction(action)) throw notFound('Không tìm thấy trang được yêu cầu.');
    try {
      const done = await this.pages.submit(s.user, code, await actionDto(action, body));
      return res.redirect(303, done.stillVisible
        ? `${ticketPath(done.code)}?da=${action}`
        : `/tickets?da=${action}&ma=${encodeURIComponent(done.code)}`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status === 404 || e.status >= 500) throw e;
      const [page, counts] = await Promise.all([this.pages.ticketPage(s.user, code), this.pages.counts(s.user)]);
      const error = { ...formRefusal(e, FIELD_LABELS, { conflictNote: TICKET_CONFLICT_NOTE }), action, values: actionFormValues(action, body) };
      this.views.send(res, e.status, 'staff/ticket.njk', ticketView(s, counts, page, { error }));
    }
  }

  /** Leaders, coordinators and admins: every unit with tickets past their deadline now (a leader's subtree only). */
  @Get('tre-han')
  async overdue(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    // one unit's tickets, a page at a time (?don-vi=UB-29401&trang=2); a bad page number is the first page
    const unit = formValue(query, 'don-vi').slice(0, 32);
    const page = Number(formValue(query, 'trang'));
    const list = await this.pages.overdueNow(s.user, { unit: unit || undefined, page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1 });
    this.views.send(res, 200, 'staff/overdue.njk', overdueView(s, await this.pages.counts(s.user), list, unit || undefined));
  }
}
