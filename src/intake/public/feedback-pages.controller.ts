import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/decorators.js';
import { AppError } from '../../common/errors.js';
import { Views } from '../../views/views.js';
import { CitizenFeedbackService, type FeedbackAnswer } from '../citizen-feedback.service.js';
import { PublicPageErrorFilter } from './public-pages.controller.js';
import { PageView, PublicBodyLimitGuard, PublicRateLimitGuard } from './rate-limit.js';
import { formValue } from './web-form.js';

const STARS = [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: `${n} sao` }));

/**
 * The citizen's page to say whether the answer settled it and to rate it, reached by the signed link sent with the
 * answer (or shown on the tracking page): no sign-in, works without JavaScript and on a phone. One answer per ticket.
 */
@ApiExcludeController()
@Public()
@UseGuards(PublicRateLimitGuard, PublicBodyLimitGuard)
@UseFilters(PublicPageErrorFilter)
@Controller('danh-gia')
export class FeedbackPagesController {
  constructor(private readonly feedback: CitizenFeedbackService, private readonly views: Views) {}

  @Get(':code')
  @PageView()
  async form(@Param('code') code: string, @Query('k') key: unknown, @Res() res: Response): Promise<void> {
    const k = typeof key === 'string' ? key : '';
    const state = await this.feedback.formState(code, k);
    this.views.send(res, 200, 'public/feedback-form.njk', { state, key: k, stars: STARS, values: { settled: '', rating: '', reason: '' }, errors: {} });
  }

  @Post(':code')
  async submit(@Param('code') code: string, @Query('k') key: unknown, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const k = typeof key === 'string' ? key : '';
    const values: FeedbackAnswer = { settled: formValue(body, 'settled'), rating: formValue(body, 'rating'), reason: formValue(body, 'reason').slice(0, 2000) };
    let recorded: boolean;
    try {
      recorded = await this.feedback.submitByCitizen(code, k, values);
    } catch (e) {
      const problems = e instanceof AppError && e.status === 400 ? (e.details?.errors as Array<{ field: string; reason: string }> | undefined) : undefined;
      if (!problems) throw e;
      const state = await this.feedback.formState(code, k);
      const errors = Object.fromEntries(problems.map((p) => [p.field, `${p.reason.charAt(0).toUpperCase()}${p.reason.slice(1)}.`]));
      return this.views.send(res, 400, 'public/feedback-form.njk', { state, key: k, stars: STARS, values, errors });
    }
    const state = await this.feedback.formState(code, k);
    this.views.send(res, 200, 'public/feedback-done.njk', { state, recorded });
  }
}
