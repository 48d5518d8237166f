import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import type { AuthUser } from '../common/auth-user.js';
import { badRequest, conflict, notFound } from '../common/errors.js';
import { compareVietnamese } from '../common/text.js';
import { Area } from '../directory/area.entity.js';
import { Category } from '../directory/category.entity.js';
import { loadUnitRefs, UNIT_LABEL_SQL, unitDisplayName, type UnitRef } from '../directory/unit-label.js';
import { Unit } from '../directory/unit.entity.js';
import { RULE_TARGET_REASON, type CreateRoutingRuleDto } from './dto/routing-rule.dto.js';
import { RoutingRule } from './routing-rule.entity.js';

export interface RoutingDecision {
  unitCode: string | null;
  ruleId: string | null;
  /** Why, in Vietnamese, for the ticket's history. */
  reason: string;
}

/** The area, category and unit a routing decision was made on, named as the ticket view names them. */
export interface RoutedReferences {
  area: { code: string; name: string; districtName: string | null } | null;
  category: { code: string; name: string; active: boolean; urgent: boolean; deadlineHours: number; deadlineMode: 'working' | 'clock' } | null;
  /** The unit chosen (held until commit unless asked not to), or null when the ticket waits for a coordinator. */
  unit: UnitRef | null;
  decision: RoutingDecision;
}

interface RoutingRow {
  rule_id: string | null; to_commune_committee: boolean | null; target_code: string | null; chosen_code: string | null; held_code: string | null;
  unit_name: string | null; unit_level: string | null; unit_district_name: string | null; unit_ambiguous: boolean | null; unit_same_district: boolean | null;
  area_code: string | null; area_name: string | null; area_district_name: string | null;
  category_code: string | null; category_name: string | null; category_active: boolean | null; category_urgent: boolean | null;
  category_deadline_hours: number | null; category_deadline_mode: 'working' | 'clock' | null;
}

/**
 * The unit given to a ticket, held until the transaction ends (FOR SHARE) if it is still active: a merge or a
 * deactivation (which lock the unit FOR UPDATE) either commits first, and the row lock, re-checking `active` on the
 * row's latest version, yields nothing, or waits until the ticket is committed. For statements that write a ticket.
 */
export const holdUnitSql = (unitCode: string) => `SELECT u.code FROM units u WHERE u.code = ${unitCode} AND u.active FOR SHARE`;

/**
 * One statement for a routing decision ($1 category, $2 area): the rule whose area is the most specific among the
 * area, its district and the whole province (no area); its target (a unit, or the People's Committee of the
 * commune); that unit or, merged away, its successor (at most 20 hops), held (`holdUnitSql`) when `hold`, so that
 * a unit deactivated or merged meanwhile yields no held_code. Besides: the area with its district's name, the
 * category, and the chosen unit's label (UNIT_LABEL_SQL).
 */
const routingSql = (hold: boolean) => `
  WITH RECURSIVE chain AS (
    SELECT code, parent_code, 0 AS depth FROM areas WHERE code = $2
    UNION ALL
    SELECT a.code, a.parent_code, c.depth + 1 FROM areas a JOIN chain c ON a.code = c.parent_code),
  rule AS (
    SELECT r.id, r.unit_code, r.to_commune_committee
      FROM routing_rules r LEFT JOIN chain c ON c.code = r.area_code
     WHERE r.category_code = $1 AND (r.area_code IS NULL OR c.code IS NOT NULL)
     ORDER BY COALESCE(c.depth, 1000) ASC
     LIMIT 1),
  target AS (
    SELECT CASE WHEN rule.to_commune_committee THEN
             (SELECT u.code FROM units u JOIN areas a ON a.code = u.area_code
               WHERE u.area_code = $2 AND a.level = 'commune' AND u.level = 'commune'
               ORDER BY u.active DESC, u.code LIMIT 1)
           ELSE rule.unit_code END AS code
      FROM rule),
  successors AS (
    SELECT u.code, u.active, u.merged_into_code, 0 AS hops FROM units u WHERE u.code = (SELECT code FROM target)
    UNION ALL
    SELECT u.code, u.active, u.merged_into_code, s.hops + 1
      FROM successors s JOIN units u ON u.code = s.merged_into_code
     WHERE NOT s.active AND s.hops < 19),
  chosen AS (SELECT code FROM successors WHERE active ORDER BY hops LIMIT 1),
  held AS (${hold ? holdUnitSql('(SELECT code FROM chosen)') : 'SELECT code FROM chosen'}),
  -- planned on its own: inlined, its EXISTS subqueries make the planner weigh many more join orders (2-3x the time)
  label AS MATERIALIZED (${UNIT_LABEL_SQL} WHERE u.code = (SELECT code FROM held))
  SELECT rule.id AS rule_id, rule.to_commune_committee, (SELECT code FROM target) AS target_code,
         (SELECT code FROM chosen) AS chosen_code, held.code AS held_code,
         ul.name AS unit_name, ul.level AS unit_level, ul.district_name AS unit_district_name,
         ul.ambiguous AS unit_ambiguous, ul.same_district AS unit_same_district,
         ar.code AS area_code, ar.name AS area_name, ad.name AS area_district_name,
         cat.code AS category_code, cat.name AS category_name, cat.active AS category_active, cat.urgent AS category_urgent,
         cat.deadline_hours AS category_deadline_hours, cat.deadline_mode AS category_deadline_mode
    FROM (SELECT 1) one
    LEFT JOIN rule ON true
    LEFT JOIN held ON true
    LEFT JOIN label ul ON true
    LEFT JOIN areas ar ON ar.code = $2
    LEFT JOIN areas ad ON ad.code = ar.parent_code AND ad.level = 'district'
    LEFT JOIN categories cat ON cat.code = $1`;
const ROUTING_SQL = { held: routingSql(true), unheld: routingSql(false) };

/**
 * Runs a statement that PostgreSQL keeps prepared on each connection, parsed and planned once instead of at every
 * call: the routing statement takes about 1.5 ms of the server's time to parse, analyse and plan and 0.2 ms to run,
 * and every ticket creation sends it. Only for statements over small reference tables, whose generic plan is as good
 * as any; a statement whose best plan depends on its parameters (the likely-duplicate search) stays unprepared.
 * TypeORM has no named statements: the query runner's connection is the pg client (in the caller's transaction, if any).
 */
async function preparedQuery<T>(m: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  const runner = m.queryRunner ?? m.dataSource.createQueryRunner();
  try {
    const client: { query: (q: { name: string; text: string; values: unknown[] }) => Promise<{ rows: T[] }> } = await runner.connect();
    return (await client.query({ name, text, values })).rows;
  } finally {
    if (!m.queryRunner) await runner.release();
  }
}

/** A rule as the administration shows it. */
export interface DescribedRule {
  id: string;
  category: { code: string; name: string };
  /** null: the whole province. */
  area: { code: string; name: string; level: string; districtName: string | null } | null;
  unit: UnitRef | null;
  unitCode: string | null;
  toCommuneCommittee: boolean;
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
  constructor(private readonly ds: DataSource, private readonly audit: AuditLog) {}

  async route(m: EntityManager, input: { categoryCode: string | null; areaCode: string | null }): Promise<RoutingDecision> {
    return (await this.routeWithReferences(m, input)).decision;
  }

  /**
   * The decision together with what it was made on, in one statement: the area (null when no area has that code)
   * with its district's name, the category (null when unknown; an inactive one comes with `active: false`), and
   * the chosen unit's label. The chosen unit is held (FOR SHARE) as `lockActive` holds it; when a merge or a
   * deactivation of that unit commits while the statement waits for its lock, the chain is followed again.
   * With `hold: false` the decision is read from the statement's snapshot only, for a caller that holds the unit
   * itself in the statement that writes the ticket (`holdUnitSql`) and routes again when it is gone.
   */
  async routeWithReferences(m: EntityManager, input: { categoryCode: string | null; areaCode: string | null }, opts: { hold: boolean } = { hold: true }): Promise<RoutedReferences> {
    const [r] = await preparedQuery<RoutingRow>(m, opts.hold ? 'routing-held' : 'routing', opts.hold ? ROUTING_SQL.held : ROUTING_SQL.unheld, [input.categoryCode, input.areaCode]);
    const area = r.area_code ? { code: r.area_code, name: r.area_name!, districtName: r.area_district_name } : null;
    const category = r.category_code ? {
      code: r.category_code, name: r.category_name!, active: r.category_active!, urgent: r.category_urgent!,
      deadlineHours: r.category_deadline_hours!, deadlineMode: r.category_deadline_mode!,
    } : null;
    const waits = (ruleId: string | null, reason: string): RoutedReferences => ({ area, category, unit: null, decision: { unitCode: null, ruleId, reason } });
    if (!input.categoryCode) return waits(null, 'Chưa có lĩnh vực: chờ điều phối viên phân loại.');
    if (!r.rule_id) return waits(null, 'Không có quy tắc phân công phù hợp: chờ điều phối viên.');
    if (r.to_commune_committee && !r.target_code) return waits(r.rule_id, 'Chưa xác định được xã, phường: chờ điều phối viên.');
    let unit: UnitRef | null = null;
    if (r.held_code) {
      unit = {
        code: r.held_code, name: r.unit_name!, level: r.unit_level!, active: true, districtName: r.unit_district_name,
        displayName: unitDisplayName(r.unit_name!, r.unit_district_name, r.unit_ambiguous!, { code: r.held_code, sameDistrict: r.unit_same_district! }),
      };
    } else if (r.chosen_code && opts.hold) {
      // the unit chosen in the statement's snapshot changed before its lock was granted: follow the chain again, locking
      const active = await this.lockActive(m, r.target_code!);
      unit = active ? (await loadUnitRefs(m, [active])).get(active) ?? null : null;
    }
    if (!unit) return waits(r.rule_id, 'Đơn vị theo quy tắc không còn hoạt động: chờ điều phối viên.');
    return { area, category, unit, decision: { unitCode: unit.code, ruleId: r.rule_id, reason: 'Phân công tự động theo quy tắc.' } };
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

  async createRule(dto: CreateRoutingRuleDto, actor: AuthUser | null) {
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
      await this.audit.record(m, actor, { action: 'routing_rule.create', subjectType: 'routing_rule', subjectId: saved.id, before: null, after: ruleView(saved) });
      return ruleView(saved);
    });
  }

  /** Removes a rule (tickets it routed keep their unit); the rule as it was goes into the audit log. */
  async deleteRule(id: string, actor: AuthUser | null) {
    await this.ds.transaction(async (m) => {
      const rule = await m.findOne(RoutingRule, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!rule) throw notFound('Không tìm thấy quy tắc phân công.');
      await m.delete(RoutingRule, { id });
      await this.audit.record(m, actor, { action: 'routing_rule.delete', subjectType: 'routing_rule', subjectId: id, before: ruleView(rule), after: null });
    });
  }

  /**
   * The rules with what a person reads: the category's and the area's names (null area: the whole province) and the
   * target unit's label; ordered by category, then province, district, commune.
   */
  async describedRules(): Promise<DescribedRule[]> {
    const rows: Array<{ id: string; category_code: string; category_name: string; area_code: string | null; area_name: string | null; area_level: string | null;
      area_parent_name: string | null; unit_code: string | null; to_commune_committee: boolean }> = await this.ds.query(
      `SELECT r.id, r.category_code, c.name AS category_name, r.area_code, a.name AS area_name, a.level AS area_level, p.name AS area_parent_name,
              r.unit_code, r.to_commune_committee
         FROM routing_rules r JOIN categories c ON c.code = r.category_code
         LEFT JOIN areas a ON a.code = r.area_code LEFT JOIN areas p ON p.code = a.parent_code AND a.level = 'commune' AND p.level = 'district'
        ORDER BY r.category_code`);
    const units = await loadUnitRefs(this.ds.manager, rows.map((r) => r.unit_code));
    // in Vietnamese order ("Đất đai" after "Dân số", not after "Y tế"): by category, then the province, districts, communes
    const order = [...new Set(rows.map((r) => r.category_name))].sort(compareVietnamese);
    const rank = new Map(order.map((name, i) => [name, i]));
    const levelRank = (r: (typeof rows)[number]) => (!r.area_code ? 0 : r.area_level === 'commune' ? 2 : 1);
    const sorted = [...rows].sort((a, b) => rank.get(a.category_name)! - rank.get(b.category_name)! || a.category_code.localeCompare(b.category_code) || levelRank(a) - levelRank(b)
      || compareVietnamese(a.area_parent_name ?? '', b.area_parent_name ?? '') || compareVietnamese(a.area_name ?? '', b.area_name ?? ''));
    return sorted.map((r) => ({
      id: r.id,
      category: { code: r.category_code, name: r.category_name },
      area: r.area_code ? { code: r.area_code, name: r.area_name!, level: r.area_level!, districtName: r.area_parent_name } : null,
      unit: r.unit_code ? units.get(r.unit_code) ?? null : null,
      unitCode: r.unit_code,
      toCommuneCommittee: r.to_commune_committee,
    }));
  }

  /**
   * Which unit a ticket of this category and area would go to now, and which rule decided it (the routing
   * decision itself, read without holding anything): for the administration's tester.
   */
  async explain(categoryCode: string, areaCode: string | null): Promise<{ decision: RoutingDecision; unit: UnitRef | null; rule: DescribedRule | null }> {
    const routed = await this.routeWithReferences(this.ds.manager, { categoryCode, areaCode }, { hold: false });
    const rule = routed.decision.ruleId ? (await this.describedRules()).find((x) => x.id === routed.decision.ruleId) ?? null : null;
    return { decision: routed.decision, unit: routed.unit, rule };
  }
}
