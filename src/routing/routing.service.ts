import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { badRequest, conflict, notFound } from '../common/errors.js';
import { Area } from '../directory/area.entity.js';
import { Category } from '../directory/category.entity.js';
import { Unit } from '../directory/unit.entity.js';
import { RULE_TARGET_REASON, type CreateRoutingRuleDto } from './dto/routing-rule.dto.js';
import { RoutingRule } from './routing-rule.entity.js';

export interface RoutingDecision {
  unitCode: string | null;
  ruleId: string | null;
  /** Why, in Vietnamese, for the ticket's history. */
  reason: string;
}

const ruleView = (r: RoutingRule) => ({
  id: r.id, categoryCode: r.categoryCode, areaCode: r.areaCode, unitCode: r.unitCode, toCommuneCommittee: r.toCommuneCommittee,
});

/**
 * The only place that chooses a handling unit. The rule whose area is the most specific among the ticket's
 * commune, its district and the whole province wins; a rule may name a unit or "the commune's People's Committee".
 * Units merged away are followed to their successor.
 */
@Injectable()
export class RoutingService {
  constructor(private readonly ds: DataSource) {}

  async route(m: EntityManager, input: { categoryCode: string | null; areaCode: string | null }): Promise<RoutingDecision> {
    if (!input.categoryCode) return { unitCode: null, ruleId: null, reason: 'Chưa có lĩnh vực: chờ điều phối viên phân loại.' };
    const rules: Array<{ id: string; unit_code: string | null; to_commune_committee: boolean; depth: number }> = await m.query(
      `WITH RECURSIVE chain AS (
         SELECT code, parent_code, 0 AS depth FROM areas WHERE code = $2
         UNION ALL
         SELECT a.code, a.parent_code, c.depth + 1 FROM areas a JOIN chain c ON a.code = c.parent_code)
       SELECT r.id, r.unit_code, r.to_commune_committee, COALESCE(c.depth, 1000) AS depth
         FROM routing_rules r LEFT JOIN chain c ON c.code = r.area_code
        WHERE r.category_code = $1 AND (r.area_code IS NULL OR c.code IS NOT NULL)
        ORDER BY depth ASC
        LIMIT 1`,
      [input.categoryCode, input.areaCode],
    );
    const rule = rules[0];
    if (!rule) return { unitCode: null, ruleId: null, reason: 'Không có quy tắc phân công phù hợp: chờ điều phối viên.' };
    let unitCode = rule.unit_code;
    if (rule.to_commune_committee) {
      unitCode = input.areaCode ? await this.communeCommittee(m, input.areaCode) : null;
      if (!unitCode) return { unitCode: null, ruleId: rule.id, reason: 'Chưa xác định được xã, phường: chờ điều phối viên.' };
    }
    const active = unitCode ? await this.lockActive(m, unitCode) : null;
    if (!active) return { unitCode: null, ruleId: rule.id, reason: 'Đơn vị theo quy tắc không còn hoạt động: chờ điều phối viên.' };
    return { unitCode: active, ruleId: rule.id, reason: 'Phân công tự động theo quy tắc.' };
  }

  /** The People's Committee answering for a commune-level area, or null. */
  private async communeCommittee(m: EntityManager, areaCode: string): Promise<string | null> {
    const rows: Array<{ code: string }> = await m.query(
      `SELECT u.code FROM units u JOIN areas a ON a.code = u.area_code
        WHERE u.area_code = $1 AND a.level = 'commune' AND u.level = 'commune'
        ORDER BY u.active DESC, u.code LIMIT 1`, [areaCode]);
    return rows[0]?.code ?? null;
  }

  /**
   * The unit to give a ticket to: the unit itself when active, else its successor after a merge; null when none.
   * The row is locked (FOR SHARE) until the caller's transaction ends, so a merge cannot deactivate it between this
   * choice and the ticket's insert: a concurrent merge either finishes first (and is followed here) or waits.
   */
  async lockActive(m: EntityManager, unitCode: string): Promise<string | null> {
    let code: string | null = unitCode;
    for (let hops = 0; code && hops < 20; hops++) {
      const rows: Array<{ active: boolean; merged_into_code: string | null }> = await m.query(
        `SELECT active, merged_into_code FROM units WHERE code = $1 FOR SHARE`, [code]);
      if (!rows.length) return null;
      if (rows[0].active) return code;
      code = rows[0].merged_into_code;
    }
    return null;
  }

  listRules() {
    return this.ds.getRepository(RoutingRule).find({ order: { categoryCode: 'ASC', areaCode: 'ASC' } }).then((r) => r.map(ruleView));
  }

  async createRule(dto: CreateRoutingRuleDto) {
    const toCommittee = dto.toCommuneCommittee ?? false;
    const unitCode = dto.unitCode ?? null;
    if (toCommittee === !!unitCode) throw badRequest([{ field: 'unitCode', reason: RULE_TARGET_REASON }]);
    return this.ds.transaction(async (m) => {
      const problems = [];
      if (!(await m.existsBy(Category, { code: dto.categoryCode }))) problems.push({ field: 'categoryCode', reason: `không có lĩnh vực mã "${dto.categoryCode}"` });
      const area = dto.areaCode ? await m.findOneBy(Area, { code: dto.areaCode }) : null;
      if (dto.areaCode && !area) problems.push({ field: 'areaCode', reason: `không có khu vực mã "${dto.areaCode}"` });
      if (unitCode && !(await m.existsBy(Unit, { code: unitCode, active: true }))) problems.push({ field: 'unitCode', reason: `không có đơn vị đang hoạt động mã "${unitCode}"` });
      if (problems.length) throw badRequest(problems);
      // the province's own code means the whole province: the same rule as no area
      const areaCode = area && area.level !== 'province' ? area.code : null;
      // one rule per category and area, even when two admins add it at once
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`routing-rule:${dto.categoryCode}:${areaCode ?? ''}`]);
      const clash = await m.createQueryBuilder(RoutingRule, 'r')
        .where('r.categoryCode = :c', { c: dto.categoryCode })
        .andWhere(areaCode ? 'r.areaCode = :a' : 'r.areaCode IS NULL', { a: areaCode })
        .getOne();
      if (clash) throw conflict('RULE_EXISTS', 'Đã có quy tắc cho lĩnh vực và khu vực này; hãy xóa quy tắc cũ trước.', { existingId: clash.id });
      const saved = await m.save(m.create(RoutingRule, { categoryCode: dto.categoryCode, areaCode, unitCode, toCommuneCommittee: toCommittee }));
      return ruleView(saved);
    });
  }

  async deleteRule(id: string) {
    const res = await this.ds.getRepository(RoutingRule).delete({ id });
    if (!res.affected) throw notFound('Không tìm thấy quy tắc phân công.');
  }
}
