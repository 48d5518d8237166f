import { Controller, Get, Param, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AnswersService } from '../../answers/answers.service.js';
import { Public } from '../../common/decorators.js';
import { PublicPageErrorFilter } from '../../intake/public/public-pages.controller.js';
import { PageView, PublicRateLimitGuard } from '../../intake/public/rate-limit.js';
import { Views } from '../../views/views.js';
import { answerSearch, answersHref } from './answers-forms.js';

/**
 * The public answers (/hoi-dap), no sign-in: the list newest first, searched without diacritics and filtered by
 * commune and category (a GET form: works without scripts, and each search has its address), one page per answer.
 * Page views count against the public pages' flood ceiling.
 */
@ApiExcludeController()
@Public()
@UseGuards(PublicRateLimitGuard)
@UseFilters(PublicPageErrorFilter)
@Controller('hoi-dap')
export class PublicAnswersController {
  constructor(private readonly answers: AnswersService, private readonly views: Views) {}

  @Get()
  @PageView()
  async list(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const search = answerSearch(query);
    const [result, choices] = await Promise.all([this.answers.search(search), this.answers.filterChoices()]);
    const filtered = !!(search.q || search.area || search.category);
    this.views.send(res, 200, 'answers/public-list.njk', {
      search, choices, filtered, items: result.items, total: result.total,
      pager: {
        page: result.page, pages: result.pages,
        prevHref: result.page > 1 ? answersHref(search, result.page - 1) : null,
        nextHref: result.page < result.pages ? answersHref(search, result.page + 1) : null,
      },
    });
  }

  @Get(':id')
  @PageView()
  async answer(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const a = await this.answers.publicAnswer(id);
    this.views.send(res, 200, 'answers/public-answer.njk', { a });
  }
}
