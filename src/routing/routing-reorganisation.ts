import type { EntityManager } from 'typeorm';
import type { AreasSucceeded, AreasSucceededOutcome } from '../directory/unit-changes.js';

interface RuleRow { id: string; category_code: string; area_code: string | null; unit_code: string | null; to_commune_committee: boolean }

/**
 * Routing's side of an administrative reorganisation (the directory's reorganise-2025, step 5), in its transaction:
 * rules keyed on an old commune move to its successor; those keyed on a district go to the communes that succeeded the
 * district's communes, or are dropped when they sent tickets to a district unit (the district level is gone: the
 * province-wide rule applies); those keyed on an old province move to the new one. A rule is never moved onto an area
 * that already has one for its category (the one there was set for the new map). Every branch looks at what is there,
 * so a second run finds nothing to do. The directory's names come with the event: routing reads no area or unit here.
 */
export async function remapRulesAfterSuccession(m: EntityManager, s: AreasSucceeded): Promise<AreasSucceededOutcome> {
  const outcome: AreasSucceededOutcome = { rulesMoved: 0, rulesDropped: 0, lines: [] };
  const rules: RuleRow[] = await m.query(`SELECT id, category_code, area_code, unit_code, to_commune_committee FROM routing_rules WHERE area_code IS NOT NULL`);
  const taken = new Set(rules.map((r) => `${r.category_code}|${r.area_code}`));
  const communeByCode = new Map(s.communes.map((c) => [c.code, c]));
  const districtByCode = new Map(s.districts.map((d) => [d.code, d]));
  const provinceByCode = new Map(s.provinces.map((p) => [p.code, p]));
  const moveRule = async (r: RuleRow, areaCodes: readonly string[]) => {
    let moved = 0;
    for (const a of areaCodes) {
      if (taken.has(`${r.category_code}|${a}`)) continue;
      await m.query(`INSERT INTO routing_rules (category_code, area_code, unit_code, to_commune_committee, created_at) VALUES ($1, $2, $3, $4, $5)`,
        [r.category_code, a, r.unit_code, r.to_commune_committee, s.at]);
      taken.add(`${r.category_code}|${a}`);
      moved++;
    }
    await m.query(`DELETE FROM routing_rules WHERE id = $1`, [r.id]);
    taken.delete(`${r.category_code}|${r.area_code}`);
    return moved;
  };
  for (const r of rules) {
    const district = districtByCode.get(r.area_code!);
    const commune = communeByCode.get(r.area_code!);
    const province = provinceByCode.get(r.area_code!);
    if (district) {
      const districtUnitName = r.unit_code ? s.districtUnits.get(r.unit_code) : undefined;
      if (districtUnitName !== undefined) {
        await m.query(`DELETE FROM routing_rules WHERE id = $1`, [r.id]);
        outcome.rulesDropped++;
        outcome.lines.push(`Quy tắc ${r.category_code} của ${district.name} → ${districtUnitName}: bỏ (đơn vị cấp huyện đã ngừng hoạt động; áp dụng quy tắc toàn tỉnh)`);
        continue;
      }
      const n = await moveRule(r, district.successors);
      outcome.rulesMoved += n;
      outcome.lines.push(`Quy tắc ${r.category_code} của ${district.name}: chuyển sang ${n} xã, phường mới`);
    } else if (commune?.successors.length === 1 && commune.successors[0] !== r.area_code) {
      const into = commune.successors[0];
      if (taken.has(`${r.category_code}|${into}`)) continue;
      const n = await moveRule(r, [into]);
      outcome.rulesMoved += n;
      outcome.lines.push(`Quy tắc ${r.category_code} của ${commune.name} → ${s.areaNames2025.get(into) ?? into}`);
    } else if (province && !taken.has(`${r.category_code}|${s.provinceCode}`)) {
      outcome.rulesMoved += await moveRule(r, [s.provinceCode]);
      outcome.lines.push(`Quy tắc ${r.category_code} của ${province.name} → ${s.areaNames2025.get(s.provinceCode)}`);
    }
  }
  return outcome;
}
