import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/decorators.js';
import { notFound } from '../../common/errors.js';
import { DirectoryService } from '../../directory/directory.service.js';
import { CreateCategoryDto, UpdateCategoryDto } from '../../directory/dto/directory.dto.js';
import { formValue } from '../../intake/public/web-form.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { CurrentSession, StaffSessionGuard, type StaffSession } from '../staff-session.js';
import { checked, formFields, isFormRefusal, refusalOf, type Refusal } from './admin-forms.js';
import { AdminOnly } from './admin-only.js';
import { AdminPages } from './admin-pages.js';
import { deadlineText } from './admin-views.js';

const FIELDS = ['code', 'name', 'deadlineHours', 'deadlineMode', 'urgent', 'active'] as const;
type CategoryValues = Record<(typeof FIELDS)[number], string>;
const categoryHref = (code: string) => `/quan-tri/linh-vuc/${encodeURIComponent(code)}`;

/** A whole number typed in a form; the text itself when it is not one (the DTO then names the field). */
const hoursOf = (v: string) => (/^\s*\d{1,6}\s*$/.test(v) ? Number(v) : v);

/**
 * Categories (/quan-tri/linh-vuc): the list with each one's time limit, a new category, a category's form (name,
 * time limit in working or clock hours, urgent, in use). A category is never deleted (tickets refer to it): it is
 * taken out of use. Changes go through DirectoryService (recorded in the audit log).
 */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard, AdminOnly)
@UseFilters(StaffPageErrorFilter)
@Controller('quan-tri/linh-vuc')
export class AdminCategoriesController {
  constructor(private readonly directory: DirectoryService, private readonly pages: AdminPages) {}

  @Get()
  async list(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const code = formValue(query, 'ma').slice(0, 32);
    const done = formValue(query, 'da');
    const categories = await this.directory.listCategories();
    const named = categories.find((c) => c.code === code);
    const flash = named && done === 'them' ? `Đã thêm lĩnh vực ${named.name}.` : named && done === 'sua' ? `Đã lưu lĩnh vực ${named.name}.` : '';
    await this.sendList(res, s, { flash });
  }

  private async sendList(res: Response, s: StaffSession, opts: { flash?: string; values?: CategoryValues; error?: Refusal | null; status?: number }) {
    const categories = (await this.directory.listCategories()).map((c) => ({ ...c, deadline: deadlineText(c.deadlineHours, c.deadlineMode), href: categoryHref(c.code) }));
    await this.pages.send(res, s, 'admin/categories.njk', {
      categories, flash: opts.flash ?? '', error: opts.error ?? null,
      values: opts.values ?? { code: '', name: '', deadlineHours: '', deadlineMode: 'working', urgent: '', active: 'co' },
    }, opts.status);
  }

  @Post()
  async create(@CurrentSession() s: StaffSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const values = formFields(body, FIELDS, 1000);
    try {
      const urgent = values.urgent === 'co';
      const dto = await checked(CreateCategoryDto, {
        code: values.code.trim(), name: values.name, deadlineHours: hoursOf(values.deadlineHours),
        deadlineMode: values.deadlineMode || (urgent ? 'clock' : 'working'), urgent,
      });
      const created = await this.directory.createCategory(dto, s.user);
      res.redirect(303, `/quan-tri/linh-vuc?da=them&ma=${encodeURIComponent(created.code)}`);
    } catch (e) {
      if (!isFormRefusal(e)) throw e;
      await this.sendList(res, s, { values, error: refusalOf(e), status: e.status });
    }
  }

  @Get(':code')
  async edit(@CurrentSession() s: StaffSession, @Param('code') code: string, @Res() res: Response): Promise<void> {
    await this.sendEdit(res, s, code, {});
  }

  private async sendEdit(res: Response, s: StaffSession, code: string, opts: { values?: CategoryValues; error?: Refusal | null; status?: number }) {
    const category = (await this.directory.listCategories()).find((c) => c.code === code);
    if (!category) throw notFound(`Không tìm thấy lĩnh vực mã "${code}".`);
    const values: CategoryValues = opts.values ?? {
      code: category.code, name: category.name, deadlineHours: String(category.deadlineHours), deadlineMode: category.deadlineMode,
      urgent: category.urgent ? 'co' : '', active: category.active ? 'co' : '',
    };
    await this.pages.send(res, s, 'admin/category.njk', { category, values, error: opts.error ?? null, action: categoryHref(category.code) }, opts.status);
  }

  @Post(':code')
  async update(@CurrentSession() s: StaffSession, @Param('code') code: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const values = { ...formFields(body, FIELDS, 1000), code };
    try {
      const dto = await checked(UpdateCategoryDto, {
        name: values.name, deadlineHours: hoursOf(values.deadlineHours), deadlineMode: values.deadlineMode,
        urgent: values.urgent === 'co', active: values.active === 'co',
      });
      await this.directory.updateCategory(code, dto, s.user);
      res.redirect(303, `/quan-tri/linh-vuc?da=sua&ma=${encodeURIComponent(code)}`);
    } catch (e) {
      if (!isFormRefusal(e)) throw e;
      await this.sendEdit(res, s, code, { values, error: refusalOf(e), status: e.status });
    }
  }
}
