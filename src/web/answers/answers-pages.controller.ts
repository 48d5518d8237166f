import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AnswersService, TEXT_LIMITS, type AnswerText } from '../../answers/answers.service.js';
import { REDACTED } from '../../answers/redaction.js';
import { Public } from '../../common/decorators.js';
import { AppError } from '../../common/errors.js';
import { formValue } from '../../intake/public/web-form.js';
import { TicketsService } from '../../tickets/tickets.service.js';
import { Views } from '../../views/views.js';
import { CoordinatorOnly } from '../coordination/coordination.controller.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { staffPageNav } from '../staff-page-nav.js';
import { CurrentSession, StaffSessionGuard, type StaffSession } from '../staff-session.js';
import { answerText, codeOf, fieldErrors } from './answers-forms.js';

const HOME = '/dieu-phoi/hoi-dap';

/**
 * The coordinator's publishing of answers (/dieu-phoi/hoi-dap): the publications with their withdrawal, the tickets
 * lately answered; a ticket's form pre-filled with its texts, personal details hidden; the preview of exactly what
 * the public will see; the publication. Forms without scripts; each change is one AnswersService call.
 */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard, CoordinatorOnly)
@UseFilters(StaffPageErrorFilter)
@Controller('dieu-phoi/hoi-dap')
export class AnswersPagesController {
  constructor(private readonly answers: AnswersService, private readonly tickets: TicketsService, private readonly views: Views) {}

  private async nav(s: StaffSession) {
    const nav = await staffPageNav(this.tickets, s, HOME);
    // the queue's link (/dieu-phoi) is not this page, though this page's address is under it
    for (const l of nav.links) l.current = l.href === HOME;
    return nav;
  }

  @Get()
  async index(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const done = formValue(query, 'da');
    const flash = done === 'cong-bo' ? 'Đã công bố bài hỏi đáp.' : done === 'go' ? 'Đã gỡ bài hỏi đáp khỏi trang công khai.' : '';
    await this.sendIndex(res, s, 200, { flash, publishedId: done === 'cong-bo' ? formValue(query, 'so').slice(0, 15) : '' });
  }

  private async sendIndex(res: Response, s: StaffSession, status: number, o: { flash?: string; publishedId?: string; typed?: string; ticketError?: string }) {
    const [items, recent, nav] = await Promise.all([this.answers.staffList(s.user), this.answers.recentlyAnswered(s.user), this.nav(s)]);
    this.views.send(res, status, 'answers/staff-list.njk', {
      nav, csrf: s.csrf, flash: o.flash ?? '', publishedId: o.publishedId ?? '',
      items, recent, typed: o.typed ?? '', errors: o.ticketError ? { ticket: o.ticketError } : {},
    });
  }

  /** The form of a ticket's publication; a code that is not one comes back to the list with the field's error. */
  @Get('moi')
  async form(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const typed = formValue(query, 'ticket').slice(0, 40);
    const code = codeOf(typed);
    if (!code) {
      return this.sendIndex(res, s, 400, { typed, ticketError: typed ? 'Mã phản ánh có dạng PA-XXXX-XXXX.' : 'Vui lòng nhập mã phản ánh.' });
    }
    const draft = await this.answers.draft(s.user, code);
    await this.sendForm(res, s, 200, code, draft.text, {}, draft);
  }

  private async sendForm(
    res: Response, s: StaffSession, status: number, code: string, text: AnswerText, errors: Record<string, string>,
    draft?: Awaited<ReturnType<AnswersService['draft']>>,
  ): Promise<void> {
    const [d, nav] = await Promise.all([draft ?? this.answers.draft(s.user, code), this.nav(s)]);
    this.views.send(res, status, 'answers/form.njk', {
      nav, csrf: s.csrf, code, t: d.ticket, facts: d.facts, existing: d.existing, hidden: d.hidden, text, errors,
      errorCount: Object.keys(errors).length, limits: TEXT_LIMITS, redacted: REDACTED,
    });
  }

  /**
   * The form sent: `buoc` = xem-truoc (check, then the preview), sua (back to the form with the texts), cong-bo
   * (publish, checked again). A refusal brings the form back with each field's reason (400), nothing kept.
   */
  @Post('moi')
  async submit(@CurrentSession() s: StaffSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const code = codeOf(formValue(body, 'ticket'));
    if (!code) return this.sendIndex(res, s, 400, { typed: formValue(body, 'ticket').slice(0, 40), ticketError: 'Mã phản ánh có dạng PA-XXXX-XXXX.' });
    const text = answerText(body);
    const step = formValue(body, 'buoc');
    if (step === 'sua') return this.sendForm(res, s, 200, code, text, {});
    try {
      if (step === 'cong-bo') {
        const saved = await this.answers.publish(s.user, code, text);
        return res.redirect(303, `${HOME}?da=cong-bo&so=${saved.id}`);
      }
      const { ticket, facts } = await this.answers.preview(s.user, code, text);
      const nav = await this.nav(s);
      this.views.send(res, 200, 'answers/preview.njk', {
        nav, csrf: s.csrf, code, t: ticket, text,
        a: { ...facts, title: text.title.trim(), question: text.question.trim(), answer: text.answer.trim() },
      });
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 400) throw e;
      await this.sendForm(res, s, 400, code, text, fieldErrors(e));
    }
  }

  @Post(':id/go')
  async withdraw(@CurrentSession() s: StaffSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.answers.withdraw(s.user, id);
    res.redirect(303, `${HOME}?da=go`);
  }
}
