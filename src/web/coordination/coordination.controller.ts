import { Body, Controller, Get, Injectable, Param, Post, Query, Res, UseFilters, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/decorators.js';
import { AppError, badRequest } from '../../common/errors.js';
import { formValue } from '../../intake/public/web-form.js';
import { QUEUE_VIEWS, type QueueView } from '../../tickets/ticket-queue.js';
import { TicketsService } from '../../tickets/tickets.service.js';
import { Views } from '../../views/views.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { staffPageNav } from '../staff-page-nav.js';
import { CurrentSession, StaffSessionGuard, type StaffRequest, type StaffSession } from '../staff-session.js';
import {
  assignDto, assignValues, bulkSelection, codeOf, mergeHref, pageOf, QUEUE_PAGE_SIZE, queueHref, refusalOf, REJECT_CHOICES, rejectDto,
  rejectValues, ticketHref, VIEW_EMPTY, VIEW_LABELS, VIEW_SLUGS, viewOf, type AssignValues, type Refusal, type RejectValues,
} from './coordination-forms.js';
import { CoordinationService, requireCoordinator, type BulkResult } from './coordination.service.js';

/** Runs after StaffSessionGuard: the queue is for coordinators and admins; anyone else gets the 403 page. */
@Injectable()
export class CoordinatorOnly implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    requireCoordinator(ctx.switchToHttp().getRequest<StaffRequest>().staffSession!.user);
    return true;
  }
}

/**
 * The coordinators' queue (/dieu-phoi): its views as tabs, a ticket's classify-and-assign page with the routing
 * preview and the rejection, assigning several tickets at once, merging two tickets side by side. Every form works
 * without scripts (js/combobox.js and js/coordination.js only add to them); every change goes through TicketsService.
 */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard, CoordinatorOnly)
@UseFilters(StaffPageErrorFilter)
@Controller('dieu-phoi')
export class CoordinationController {
  constructor(private readonly coordination: CoordinationService, private readonly tickets: TicketsService, private readonly views: Views) {}

  private nav(s: StaffSession) {
    return staffPageNav(this.tickets, s, '/dieu-phoi');
  }

  /** The tabs with their counts, the list of the view chosen (a table on a PC, cards on a phone), the bulk form. */
  @Get()
  async queue(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const view = viewOf(formValue(query, 'xem'));
    const page = pageOf(formValue(query, 'trang'));
    const flash = await this.flash(s, formValue(query, 'da'), codeOf(formValue(query, 'ma')));
    await this.sendQueue(res, s, view, page, { flash });
  }

  private async flash(s: StaffSession, done: string, code: string): Promise<string> {
    if (!code) return '';
    if (done === 'phan-cong') {
      const t = await this.tickets.get(s.user, code).catch(() => null);
      return t?.assignedUnit ? `Đã phân công phản ánh ${code} cho ${t.assignedUnit.name}.` : `Đã phân công phản ánh ${code}.`;
    }
    if (done === 'tu-choi') return `Đã từ chối phản ánh ${code}.`;
    return '';
  }

  private async sendQueue(
    res: Response, s: StaffSession, view: QueueView, page: number,
    extra: { flash?: string; bulk?: { results: BulkResult[]; unitCode: string }; error?: Refusal; status?: number } = {},
  ): Promise<void> {
    const [list, choices, nav] = await Promise.all([this.coordination.queue(view, page), this.coordination.choices(), this.nav(s)]);
    const pages = Math.max(1, Math.ceil(list.total / QUEUE_PAGE_SIZE));
    this.views.send(res, extra.status ?? 200, 'coordination/queue.njk', {
      nav, wide: true, csrf: s.csrf,
      view, viewSlug: VIEW_SLUGS[view], viewLabel: VIEW_LABELS[view], empty: VIEW_EMPTY[view],
      tabs: QUEUE_VIEWS.map((v) => ({ view: v, label: VIEW_LABELS[v], href: queueHref(v), count: list.counts[v], current: v === view })),
      // a request for more time is decided on the ticket's page, where its forms are
      items: list.items.map((i) => ({ ...i, href: view === 'extensions' ? `/tickets/${encodeURIComponent(i.code)}#de-nghi-gia-han`
        : view === 'disputed' ? `/tickets/${encodeURIComponent(i.code)}#danh-gia-nguoi-dan` : `${ticketHref(i.code)}?tu=${VIEW_SLUGS[view]}`, mergeHrefs: i.duplicates.map((d) => ({ ...d, href: mergeHref(d.code, i.code) })) })),
      total: list.total,
      pager: {
        page, pages,
        prevHref: page > 1 ? queueHref(view, page - 1) : null,
        nextHref: page < pages ? queueHref(view, page + 1) : null,
      },
      units: choices.units,
      flash: extra.flash,
      bulk: extra.bulk ? { ...extra.bulk, succeeded: extra.bulk.results.filter((r) => r.ok).length, refused: extra.bulk.results.filter((r) => !r.ok).length } : null,
      error: extra.error,
    });
  }

  /**
   * Several tickets to one unit: each ticked ticket through the assignment with the version its row showed; the
   * list comes back with what happened to each (reloading it sends nothing again: the versions have moved on).
   */
  @Post('phan-cong')
  async bulkAssign(@CurrentSession() s: StaffSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const view = viewOf(formValue(body, 'xem'));
    const page = pageOf(formValue(body, 'trang'));
    const selection = bulkSelection(body);
    const unitCode = formValue(body, 'unitCode').slice(0, 32);
    const fields: Record<string, string> = {};
    if (!selection.length) fields.ma = 'Hãy chọn ít nhất một phản ánh trong danh sách.';
    if (!unitCode) fields.unitCode = 'Hãy chọn đơn vị xử lý.';
    if (Object.keys(fields).length) {
      const error = { message: 'Chưa phân công được: vui lòng kiểm tra lại.', problems: Object.values(fields), fields };
      return this.sendQueue(res, s, view, page, { error, status: 400 });
    }
    const results = await this.coordination.bulkAssign(s.user, selection, unitCode);
    await this.sendQueue(res, s, view, page, { bulk: { results, unitCode } });
  }

  /** Where the rules would send a ticket of this category and commune (js/coordination.js asks it as they change). */
  @Get('tuyen')
  async preview(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const preview = await this.coordination.preview(
      formValue(query, 'categoryCode').slice(0, 32), formValue(query, 'areaCode').slice(0, 10), formValue(query, 'traLai').slice(0, 32) || null);
    res.set('Cache-Control', 'no-store').json(preview);
  }

  @Get('phan-anh/:code')
  async ticket(@CurrentSession() s: StaffSession, @Param('code') code: string, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    await this.sendTicket(res, s, code, { from: viewOf(formValue(query, 'tu')) });
  }

  private async sendTicket(
    res: Response, s: StaffSession, code: string,
    opts: { from: QueueView; status?: number; assign?: { values: AssignValues; error: Refusal }; reject?: { values: RejectValues; error: Refusal } },
  ): Promise<void> {
    const [page, choices, nav] = await Promise.all([this.coordination.ticket(s.user, code), this.coordination.choices(), this.nav(s)]);
    const t = page.ticket;
    const values: AssignValues = opts.assign?.values ?? { categoryCode: t.category?.code ?? '', areaCode: t.area?.code ?? '', unitCode: '', note: '' };
    const returnedBy = page.returned?.unitCode ?? null;
    const preview = await this.coordination.preview(values.categoryCode, values.areaCode, returnedBy);
    this.views.send(res, opts.status ?? 200, 'coordination/ticket.njk', {
      nav, csrf: s.csrf, t, page, choices, values, preview, returnedBy,
      from: VIEW_SLUGS[opts.from], backHref: queueHref(opts.from), backLabel: VIEW_LABELS[opts.from],
      canAssign: page.open, canReject: page.open,
      duplicates: t.likelyDuplicates.map((d: { code: string }) => ({ ...d, href: mergeHref(d.code, t.code) })),
      rejectChoices: REJECT_CHOICES,
      rejectValues: opts.reject?.values ?? { reason: '', note: '' },
      assignError: opts.assign?.error ?? null,
      rejectError: opts.reject?.error ?? null,
      mergeIntoOtherHref: `/dieu-phoi/gop?bo=${encodeURIComponent(t.code)}`,
      mergeOtherHref: mergeHref(t.code),
    });
  }

  @Post('phan-anh/:code/phan-cong')
  async assign(@CurrentSession() s: StaffSession, @Param('code') code: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const from = viewOf(formValue(body, 'tu'));
    const values = assignValues(body);
    try {
      const after = await this.coordination.assign(s.user, code, await assignDto(values, body));
      res.redirect(303, `${queueHref(from)}${from === 'new' ? '?' : '&'}da=phan-cong&ma=${encodeURIComponent(after.code)}`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status === 404 || e.status >= 500) throw e;
      await this.sendTicket(res, s, code, { from, status: e.status, assign: { values, error: refusalOf(e) } });
    }
  }

  /**
   * A rejection, in two steps: the form (no reason chosen in advance: none chosen is a field error), then a page
   * asking to confirm; only the confirmation (xac-nhan=co) rejects.
   */
  @Post('phan-anh/:code/tu-choi')
  async reject(@CurrentSession() s: StaffSession, @Param('code') code: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const from = viewOf(formValue(body, 'tu'));
    const values = rejectValues(body);
    try {
      const dto = await rejectDto(values, body);
      if (formValue(body, 'xac-nhan') !== 'co') {
        const [page, nav] = await Promise.all([this.coordination.ticket(s.user, code), this.nav(s)]);
        return this.views.send(res, 200, 'coordination/reject-confirm.njk', {
          nav, csrf: s.csrf, t: page.ticket, values, reasonLabel: this.coordination.rejectLabel(dto.reason), from: VIEW_SLUGS[from],
          version: formValue(body, 'version'), backHref: `${ticketHref(page.ticket.code)}?tu=${VIEW_SLUGS[from]}`,
        });
      }
      const after = await this.coordination.reject(s.user, code, dto);
      res.redirect(303, `${queueHref(from)}${from === 'new' ? '?' : '&'}da=tu-choi&ma=${encodeURIComponent(after.code)}`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status === 404 || e.status >= 500) throw e;
      await this.sendTicket(res, s, code, { from, status: e.status, reject: { values, error: refusalOf(e) } });
    }
  }

  /**
   * Two tickets side by side (giu: the one kept, bo: the one merged into it), each with the tickets already merged
   * into it; with only `giu`, the kept ticket and a box for the code of the other.
   */
  @Get('gop')
  async mergePage(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const keep = codeOf(formValue(query, 'giu'));
    const drop = codeOf(formValue(query, 'bo'));
    const done = formValue(query, 'da') === 'gop' ? codeOf(formValue(query, 'ma')) : '';
    // the code typed in the box of the side not known yet, kept to show it again when it is not a code
    const typed = (keep && (!drop || drop === keep) ? formValue(query, 'bo') : !keep && drop ? formValue(query, 'giu') : '').slice(0, 40);
    await this.sendMerge(res, s, keep, drop, { flash: done ? `Đã gộp phản ánh ${done} vào phản ánh ${keep}.` : '', typed });
  }

  private async sendMerge(res: Response, s: StaffSession, keep: string, drop: string, opts: { status?: number; flash?: string; error?: Refusal; note?: string; typed?: string }): Promise<void> {
    if (!keep && !drop) throw badRequest([{ field: 'giu', reason: 'thiếu mã phản ánh' }], 'Hãy mở trang gộp từ một phản ánh trong hàng đợi.');
    const same = keep === drop;
    const [kept, dropped, nav] = await Promise.all([
      keep ? this.coordination.mergeSide(s.user, keep) : null, drop && !same ? this.coordination.mergeSide(s.user, drop) : null, this.nav(s),
    ]);
    // one side known: a box asks for the code of the other
    const missing = !kept ? 'giu' : !dropped ? 'bo' : null;
    const typedError = missing && opts.typed ? (same ? 'Hãy nhập mã của một phản ánh khác.' : 'Mã phản ánh không đúng dạng PA-XXXX-XXXX.') : '';
    this.views.send(res, opts.status ?? 200, 'coordination/merge.njk', {
      nav, wide: true, csrf: s.csrf, kept, dropped, flash: opts.flash, error: opts.error ?? null, note: opts.note ?? '',
      missing, typed: opts.typed ?? '', typedError,
      swapHref: kept && dropped ? mergeHref(dropped.code, kept.code) : null,
      canMerge: !!kept && !!dropped && dropped.open && kept.status !== 'rejected',
    });
  }

  @Post('gop')
  async merge(@CurrentSession() s: StaffSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const keep = codeOf(formValue(body, 'giu'));
    const drop = codeOf(formValue(body, 'bo'));
    const note = formValue(body, 'note');
    const v = formValue(body, 'version');
    try {
      if (!keep || !drop) throw badRequest([{ field: 'duplicateOf', reason: 'thiếu mã phản ánh' }]);
      await this.coordination.merge(s.user, keep, drop, /^\d{1,9}$/.test(v) ? Number(v) : undefined, note);
      res.redirect(303, `${mergeHref(keep)}&da=gop&ma=${encodeURIComponent(drop)}`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status === 404 || e.status >= 500 || (!keep && !drop)) throw e;
      await this.sendMerge(res, s, keep, drop, { status: e.status, error: refusalOf(e), note });
    }
  }
}
