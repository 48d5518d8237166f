import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { isEmail } from 'class-validator';
import type { Response } from 'express';
import { Public } from '../../common/decorators.js';
import { badRequest, notFound } from '../../common/errors.js';
import { DirectoryService } from '../../directory/directory.service.js';
import { CreateUnitDto, UpdateUnitDto } from '../../directory/dto/directory.dto.js';
import { formValue } from '../../intake/public/web-form.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { CurrentSession, StaffSessionGuard, type StaffSession } from '../staff-session.js';
import { ADMIN_PAGES, checked, formFields, isFormRefusal, refusalOf, unitCodeOf, type Refusal } from './admin-forms.js';
import { AdminOnly } from './admin-only.js';
import { AdminPages } from './admin-pages.js';
import { areaGroups, LEVEL_LABELS, searchUnits, unitTree, type UnitRow } from './admin-views.js';

const UNIT_FIELDS = ['code', 'name', 'level', 'parentCode', 'areaCode', 'emails'] as const;
const LINK_FIELDS = ['parentCode', 'areaCode', 'emails'] as const;
type LinkField = (typeof LINK_FIELDS)[number];
const noSuccessor = () => badRequest([{ field: 'intoCode', reason: 'hãy chọn đơn vị tiếp nhận' }]);
const unitHref = (code: string) => `/quan-tri/don-vi/${encodeURIComponent(code)}`;

/**
 * The administration's index (/quan-tri) and the units (/quan-tri/don-vi): the tree with a search that ignores
 * diacritics, a unit's page (rename, deactivate, reactivate, merge with a preview of what moves), a new unit. Every
 * change goes through DirectoryService, which records it in the audit log.
 */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard, AdminOnly)
@UseFilters(StaffPageErrorFilter)
@Controller('quan-tri')
export class AdminUnitsController {
  constructor(private readonly directory: DirectoryService, private readonly pages: AdminPages) {}

  @Get()
  async index(@CurrentSession() s: StaffSession, @Res() res: Response): Promise<void> {
    await this.pages.send(res, s, 'admin/index.njk', { pages: ADMIN_PAGES });
  }

  @Get('don-vi')
  async units(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const q = formValue(query, 'q').slice(0, 100).trim();
    const units = (await this.directory.listUnits({})) as UnitRow[];
    const results = q ? searchUnits(units, q) : null;
    await this.pages.send(res, s, 'admin/units.njk', {
      q, results, tree: results ? null : unitTree(units), levelLabels: LEVEL_LABELS,
      total: units.length, activeCount: units.filter((u) => u.active).length,
      flash: await this.flash(formValue(query, 'da'), unitCodeOf(formValue(query, 'ma'))),
    });
  }

  private async flash(done: string, code: string): Promise<string> {
    if (!code) return '';
    const unit = await this.directory.getUnit(code).catch(() => null);
    if (!unit) return '';
    return ({
      them: `Đã thêm đơn vị ${unit.displayName}.`,
      'doi-ten': `Đã đổi tên đơn vị thành “${unit.name}”.`,
      ngung: `Đơn vị ${unit.displayName} đã ngừng hoạt động.`,
      'hoat-dong': `Đơn vị ${unit.displayName} đã hoạt động trở lại.`,
      'sap-nhap': `Đã sáp nhập vào ${unit.displayName}.`,
      'thong-tin': `Đã lưu đơn vị cấp trên, địa bàn và địa chỉ thư của ${unit.displayName}.`,
    } as Record<string, string>)[done] ?? '';
  }

  private async formChoices() {
    const [units, areas] = await Promise.all([this.directory.listUnits({ active: 'true' }), this.directory.allAreas()]);
    return { units, areaGroups: areaGroups(areas), levels: Object.entries(LEVEL_LABELS).map(([code, label]) => ({ code, label })) };
  }

  @Get('don-vi/them')
  async newUnit(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const values = formFields(query, UNIT_FIELDS);
    await this.pages.send(res, s, 'admin/unit-new.njk', { values: { ...values, level: values.level || 'province' }, ...(await this.formChoices()), error: null });
  }

  @Post('don-vi/them')
  async createUnit(@CurrentSession() s: StaffSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const values = formFields(body, UNIT_FIELDS, 1000);
    try {
      const plain: Record<string, unknown> = { code: values.code.trim(), name: values.name, level: values.level };
      if (values.parentCode) plain.parentCode = values.parentCode;
      if (values.areaCode) plain.areaCode = values.areaCode;
      const emails = values.emails.split(/[\s,;]+/).filter(Boolean);
      if (emails.length) plain.emails = emails;
      const created = await this.directory.createUnit(await checked(CreateUnitDto, plain), s.user);
      res.redirect(303, `${unitHref(created.code)}?da=them`);
    } catch (e) {
      if (!isFormRefusal(e)) throw e;
      await this.pages.send(res, s, 'admin/unit-new.njk', { values, ...(await this.formChoices()), error: refusalOf(e) }, e.status);
    }
  }

  @Get('don-vi/:code')
  async unit(@CurrentSession() s: StaffSession, @Param('code') code: string, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const done = formValue(query, 'da');
    const from = unitCodeOf(formValue(query, 'tu'));
    let flash = await this.flash(done, unitCodeOf(code));
    if (done === 'sap-nhap' && from) {
      const merged = await this.directory.getUnit(from).catch(() => null);
      if (merged) flash = `Đã sáp nhập ${merged.displayName} vào ${(await this.directory.getUnit(code)).displayName}.`;
    }
    await this.sendUnit(res, s, code, { flash });
  }

  private async sendUnit(res: Response, s: StaffSession, code: string, opts: {
    status?: number; flash?: string; error?: Refusal | null; form?: string; name?: string; intoCode?: string; links?: Record<LinkField, string>;
  }): Promise<void> {
    const c = unitCodeOf(code);
    if (!c) throw notFound(`Không tìm thấy đơn vị mã "${code}".`);
    const unit = await this.directory.getUnit(c);
    const all = (await this.directory.listUnits({})) as UnitRow[];
    const byCode = new Map(all.map((u) => [u.code, u]));
    const areas = await this.directory.allAreas();
    const area = unit.areaCode ? areas.find((a) => a.code === unit.areaCode) ?? null : null;
    // the parent's choices: the active units but itself, and its present parent whatever its state (saving keeps it)
    const parents = all.filter((u) => u.code !== unit.code && (u.active || u.code === unit.parentCode));
    await this.pages.send(res, s, 'admin/unit.njk', {
      unit, levelLabel: LEVEL_LABELS[unit.level] ?? unit.level,
      parent: unit.parentCode ? byCode.get(unit.parentCode) ?? null : null,
      mergedInto: unit.mergedIntoCode ? byCode.get(unit.mergedIntoCode) ?? null : null,
      area,
      children: all.filter((u) => u.parentCode === unit.code).sort((a, b) => a.displayName.localeCompare(b.displayName, 'vi')),
      successors: all.filter((u) => u.active && u.code !== unit.code),
      flash: opts.flash ?? '', error: opts.error ?? null, form: opts.form ?? '',
      name: opts.name ?? unit.name, intoCode: opts.intoCode ?? '',
      parents, areaGroups: areaGroups(areas),
      links: opts.links ?? { parentCode: unit.parentCode ?? '', areaCode: unit.areaCode ?? '', emails: unit.emails.join(', ') },
    }, opts.status);
  }

  @Post('don-vi/:code/doi-ten')
  async rename(@CurrentSession() s: StaffSession, @Param('code') code: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const name = formValue(body, 'name').slice(0, 1000);
    try {
      await this.directory.updateUnit(code, await checked(UpdateUnitDto, { name }), s.user);
      res.redirect(303, `${unitHref(code)}?da=doi-ten`);
    } catch (e) {
      if (!isFormRefusal(e)) throw e;
      await this.sendUnit(res, s, code, { status: e.status, error: refusalOf(e), form: 'doi-ten', name });
    }
  }

  /**
   * The unit's parent, area and notification addresses (the PATCH API's rules through DirectoryService: a parent below
   * the unit, an unknown unit or area refused at the field; recorded in the audit log). An empty choice clears it.
   */
  @Post('don-vi/:code/thong-tin')
  async updateLinks(@CurrentSession() s: StaffSession, @Param('code') code: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const links = formFields(body, LINK_FIELDS, 1000);
    try {
      const emails = links.emails.split(/[\s,;]+/).filter(Boolean);
      const bad = emails.filter((e) => !isEmail(e));
      if (bad.length) throw badRequest([{ field: 'emails', reason: `${bad.map((e) => `“${e}”`).join(', ')} không phải là địa chỉ thư hợp lệ (ví dụ: vanthu@travinh.gov.vn)` }]);
      const dto = await checked(UpdateUnitDto, { parentCode: links.parentCode.trim() || null, areaCode: links.areaCode.trim() || null, emails });
      await this.directory.updateUnit(code, dto, s.user);
      res.redirect(303, `${unitHref(code)}?da=thong-tin`);
    } catch (e) {
      if (!isFormRefusal(e)) throw e;
      await this.sendUnit(res, s, code, { status: e.status, error: refusalOf(e), form: 'thong-tin', links });
    }
  }

  @Post('don-vi/:code/ngung')
  async deactivate(@CurrentSession() s: StaffSession, @Param('code') code: string, @Res() res: Response): Promise<void> {
    await this.setActive(s, code, false, res);
  }

  @Post('don-vi/:code/hoat-dong')
  async reactivate(@CurrentSession() s: StaffSession, @Param('code') code: string, @Res() res: Response): Promise<void> {
    await this.setActive(s, code, true, res);
  }

  private async setActive(s: StaffSession, code: string, active: boolean, res: Response): Promise<void> {
    try {
      await this.directory.updateUnit(code, { active }, s.user);
      res.redirect(303, `${unitHref(code)}?da=${active ? 'hoat-dong' : 'ngung'}`);
    } catch (e) {
      if (!isFormRefusal(e)) throw e;
      await this.sendUnit(res, s, code, { status: e.status, error: refusalOf(e), form: active ? 'hoat-dong' : 'ngung' });
    }
  }

  /** The preview: what would move to the successor (each owner counts its rows), and the confirmation. */
  @Get('don-vi/:code/sap-nhap')
  async mergePreview(@CurrentSession() s: StaffSession, @Param('code') code: string, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const intoCode = formValue(query, 'intoCode').slice(0, 32);
    try {
      if (!intoCode) throw noSuccessor();
      const preview = await this.directory.mergePreview(code, intoCode);
      await this.pages.send(res, s, 'admin/merge-preview.njk', { ...preview });
    } catch (e) {
      if (!isFormRefusal(e)) throw e;
      await this.sendUnit(res, s, code, { status: e.status, error: refusalOf(e), form: 'sap-nhap', intoCode });
    }
  }

  @Post('don-vi/:code/sap-nhap')
  async merge(@CurrentSession() s: StaffSession, @Param('code') code: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const intoCode = formValue(body, 'intoCode').slice(0, 32);
    try {
      if (!intoCode) throw noSuccessor();
      await this.directory.mergeUnit(code, intoCode, s.user);
      res.redirect(303, `${unitHref(intoCode)}?da=sap-nhap&tu=${encodeURIComponent(code)}`);
    } catch (e) {
      if (!isFormRefusal(e)) throw e;
      await this.sendUnit(res, s, code, { status: e.status, error: refusalOf(e), form: 'sap-nhap', intoCode });
    }
  }
}
