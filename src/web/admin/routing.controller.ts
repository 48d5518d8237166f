import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/decorators.js';
import { badRequest, notFound } from '../../common/errors.js';
import { DirectoryService } from '../../directory/directory.service.js';
import { formValue } from '../../intake/public/web-form.js';
import { CreateRoutingRuleDto } from '../../routing/dto/routing-rule.dto.js';
import { RoutingService, type DescribedRule } from '../../routing/routing.service.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { CurrentSession, StaffSessionGuard, type StaffSession } from '../staff-session.js';
import { checked, formFields, isFormRefusal, refusalOf, type Refusal } from './admin-forms.js';
import { AdminOnly } from './admin-only.js';
import { AdminPages } from './admin-pages.js';
import { areaGroups } from './admin-views.js';

const FIELDS = ['categoryCode', 'areaCode', 'target', 'unitCode'] as const;
type RuleValues = Record<(typeof FIELDS)[number], string>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A rule in words: "Y tế, Huyện Châu Thành → Phòng Y tế huyện Châu Thành". */
export function ruleText(r: DescribedRule): { area: string; target: string } {
  const area = !r.area ? 'Toàn tỉnh' : r.area.districtName ? `${r.area.name} (${r.area.districtName})` : r.area.name;
  const target = r.toCommuneCommittee ? 'UBND xã, phường, thị trấn nơi phát sinh' : r.unit ? r.unit.displayName + (r.unit.active ? '' : ' (ngừng hoạt động)') : (r.unitCode ?? '');
  return { area, target };
}

/**
 * Routing rules (/quan-tri/phan-cong): the table by category and area, a new rule, removing one (tickets keep their
 * unit), and the tester: for a category and a commune, the unit a ticket would go to now and the rule that decided.
 */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard, AdminOnly)
@UseFilters(StaffPageErrorFilter)
@Controller('quan-tri/phan-cong')
export class AdminRoutingController {
  constructor(private readonly routing: RoutingService, private readonly directory: DirectoryService, private readonly pages: AdminPages) {}

  @Get()
  async list(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const done = formValue(query, 'da');
    const flash = done === 'them' ? 'Đã thêm quy tắc phân công.' : done === 'xoa' ? 'Đã xóa quy tắc phân công. Các phản ánh đã giao vẫn giữ đơn vị xử lý.' : '';
    await this.send(res, s, query, { flash });
  }

  private async send(res: Response, s: StaffSession, query: Record<string, unknown>, opts: { flash?: string; values?: RuleValues; error?: Refusal | null; status?: number }) {
    const filter = formValue(query, 'linhVuc').slice(0, 32);
    const test = { categoryCode: formValue(query, 'thuLinhVuc').slice(0, 32), areaCode: formValue(query, 'thuXa').slice(0, 10) };
    const [rules, categories, areas, units] = await Promise.all([
      this.routing.describedRules(), this.directory.listCategories(), this.directory.allAreas(), this.directory.listUnits({ active: 'true' }),
    ]);
    let tested = null;
    let testError = '';
    if (test.categoryCode || test.areaCode) {
      if (!test.categoryCode || !test.areaCode) testError = 'Hãy chọn cả lĩnh vực và xã, phường để thử.';
      else {
        const r = await this.routing.explain(test.categoryCode, test.areaCode);
        tested = {
          ...r,
          category: categories.find((c) => c.code === test.categoryCode) ?? null,
          area: areas.find((a) => a.code === test.areaCode) ?? null,
          rule: r.rule ? { ...r.rule, ...ruleText(r.rule) } : null,
        };
      }
    }
    const shown = rules.filter((r) => !filter || r.category.code === filter).map((r) => ({ ...r, ...ruleText(r) }));
    // grouped by category, in the order of the list
    const groups: Array<{ category: { code: string; name: string }; rules: typeof shown }> = [];
    for (const r of shown) {
      const last = groups[groups.length - 1];
      if (last && last.category.code === r.category.code) last.rules.push(r);
      else groups.push({ category: r.category, rules: [r] });
    }
    await this.pages.send(res, s, 'admin/routing.njk', {
      wide: true, groups, total: rules.length, shownCount: shown.length, filter, categories,
      allAreas: areaGroups(areas), communes: areaGroups(areas, { communesOnly: true }), units,
      test, tested, testError,
      values: opts.values ?? { categoryCode: filter, areaCode: '', target: 'unit', unitCode: '' },
      flash: opts.flash ?? '', error: opts.error ?? null,
    }, opts.status);
  }

  @Post()
  async create(@CurrentSession() s: StaffSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const values = formFields(body, FIELDS, 32);
    try {
      const toCommittee = values.target === 'xa';
      if (!toCommittee && !values.unitCode) throw badRequest([{ field: 'unitCode', reason: 'hãy chọn đơn vị xử lý, hoặc chọn giao cho UBND xã, phường nơi phát sinh' }]);
      if (!values.categoryCode) throw badRequest([{ field: 'categoryCode', reason: 'hãy chọn lĩnh vực' }]);
      const plain: Record<string, unknown> = { categoryCode: values.categoryCode, areaCode: values.areaCode || null };
      if (toCommittee) plain.toCommuneCommittee = true;
      else plain.unitCode = values.unitCode;
      await this.routing.createRule(await checked(CreateRoutingRuleDto, plain), s.user);
      res.redirect(303, `/quan-tri/phan-cong?da=them&linhVuc=${encodeURIComponent(values.categoryCode)}`);
    } catch (e) {
      if (!isFormRefusal(e)) throw e;
      await this.send(res, s, {}, { values, error: refusalOf(e), status: e.status });
    }
  }

  /**
   * Removing a rule takes two steps, without scripts: the list's button posts here and gets the confirmation (what
   * the rule says; nothing removed yet); the confirmation's button posts again with `xac-nhan=co` and removes it.
   */
  @Post(':id/xoa')
  async remove(@CurrentSession() s: StaffSession, @Param('id') id: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    if (!UUID.test(id)) throw notFound('Không tìm thấy quy tắc phân công.');
    const filter = formValue(body, 'linhVuc').slice(0, 32);
    const back = `/quan-tri/phan-cong${filter ? `?linhVuc=${encodeURIComponent(filter)}` : ''}`;
    if (formValue(body, 'xac-nhan') !== 'co') {
      const rule = (await this.routing.describedRules()).find((r) => r.id === id);
      if (!rule) throw notFound('Không tìm thấy quy tắc phân công (có thể đã được xóa).');
      const { area, target } = ruleText(rule);
      await this.pages.send(res, s, 'admin/remove-confirm.njk', {
        heading: `Xóa quy tắc ${rule.category.name} · ${area}?`,
        warning: 'Phản ánh mới thuộc lĩnh vực và địa bàn này sẽ không còn được giao theo quy tắc này. Các phản ánh đã giao vẫn giữ đơn vị xử lý.',
        facts: [{ label: 'Lĩnh vực', value: rule.category.name }, { label: 'Địa bàn', value: area }, { label: 'Giao cho', value: target }],
        action: `/quan-tri/phan-cong/${id}/xoa`, hidden: filter ? [{ name: 'linhVuc', value: filter }] : [],
        confirmLabel: 'Xóa quy tắc', cancelHref: back, backLabel: 'Quy tắc phân công',
      });
      return;
    }
    await this.routing.deleteRule(id, s.user);
    res.redirect(303, `/quan-tri/phan-cong?da=xoa${filter ? `&linhVuc=${encodeURIComponent(filter)}` : ''}`);
  }
}
