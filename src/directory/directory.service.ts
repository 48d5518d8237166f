import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, QueryFailedError, type EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import type { AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { badRequest, conflict, notFound } from '../common/errors.js';
import { compareVietnamese, foldText } from '../common/text.js';
import { Area } from './area.entity.js';
import { Category } from './category.entity.js';
import type { AreaQueryDto, CreateCategoryDto, CreateUnitDto, UnitQueryDto, UpdateCategoryDto, UpdateUnitDto } from './dto/directory.dto.js';
import { Unit } from './unit.entity.js';
import { UNIT_LABEL_SQL, unitLabel, type UnitLabelRow } from './unit-label.js';
import { UnitChanges, type MergedItems } from './unit-changes.js';
import { recordFormerName } from './reorganise/unit-names.js';

export const areaView = (a: Area) => ({ code: a.code, name: a.name, level: a.level, kind: a.kind, parentCode: a.parentCode });
export const categoryView = (c: Category) => ({
  code: c.code, name: c.name, deadlineHours: c.deadlineHours, deadlineMode: c.deadlineMode, urgent: c.urgent, active: c.active,
});

/** Two requests creating the same code at once: the second hits the primary key and answers 409 like a plain duplicate. */
export const rethrowUniqueViolation = (toError: () => Error) => (e: unknown): never => {
  if (e instanceof QueryFailedError && (e.driverError as { code?: string } | undefined)?.code === '23505') throw toError();
  throw e;
};

function unitView(r: UnitLabelRow) {
  return {
    code: r.code,
    name: r.name,
    displayName: unitLabel(r),
    level: r.level,
    parentCode: r.parent_code,
    areaCode: r.area_code,
    active: r.active,
    emails: r.emails,
    mergedIntoCode: r.merged_into_code,
  };
}

/** Areas, handling units (with reorganisation) and categories. */
@Injectable()
export class DirectoryService {
  constructor(private readonly ds: DataSource, private readonly clock: Clock, private readonly changes: UnitChanges, private readonly audit: AuditLog) {}

  listAreas(q: AreaQueryDto) {
    return this.ds.getRepository(Area)
      .find({ where: { parentCode: q.parentCode ? q.parentCode : IsNull() }, order: { code: 'ASC' } })
      .then((rows) => rows.map(areaView));
  }

  /** Every area with its parent's name, province first, then each district followed by its communes (for pickers). */
  async allAreas(): Promise<Array<{ code: string; name: string; level: string; parentCode: string | null; parentName: string | null }>> {
    const rows: Array<{ code: string; name: string; level: string; parent_code: string | null; parent_name: string | null }> = await this.ds.query(
      `SELECT a.code, a.name, a.level, a.parent_code, p.name AS parent_name FROM areas a LEFT JOIN areas p ON p.code = a.parent_code
        ORDER BY CASE a.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, a.code`);
    return rows.map((r) => ({ code: r.code, name: r.name, level: r.level, parentCode: r.parent_code, parentName: r.parent_name }));
  }

  /**
   * The communes of the installation for a picker, in groups: by district on the 2021 map (province → district →
   * commune), in one group under the province on the 2025 map (communes directly under the province); groups and
   * communes in Vietnamese alphabetical order. `level` says which the group is. After the move to the 2025 map
   * (reorganise-2025), the 2021 communes that went into another are left out.
   */
  async communeGroups(): Promise<Array<{ code: string; name: string; level: 'province' | 'district'; communes: Array<{ code: string; name: string }> }>> {
    const rows: Array<{ group_code: string; group_name: string; group_level: 'province' | 'district'; code: string; name: string }> = await this.ds.query(
      `SELECT g.code AS group_code, g.name AS group_name, g.level AS group_level, c.code, c.name
         FROM areas c JOIN areas g ON g.code = c.parent_code
        WHERE c.level = 'commune' AND g.level IN ('province', 'district')
          -- a commune that became part of another in a reorganisation is no longer offered (its tickets keep it)
          AND NOT EXISTS (SELECT 1 FROM area_successions x WHERE x.old_code = c.code AND x.new_code <> c.code)`);
    const groups = new Map<string, { code: string; name: string; level: 'province' | 'district'; communes: Array<{ code: string; name: string }> }>();
    for (const r of rows) {
      let g = groups.get(r.group_code);
      if (!g) groups.set(r.group_code, (g = { code: r.group_code, name: r.group_name, level: r.group_level, communes: [] }));
      g.communes.push({ code: r.code, name: r.name });
    }
    const byName = (a: { name: string }, b: { name: string }) => compareVietnamese(a.name, b.name);
    const list = [...groups.values()].sort(byName);
    for (const g of list) g.communes.sort(byName);
    return list;
  }

  async listUnits(q: UnitQueryDto) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.level) where.push(`level = $${params.push(q.level)}`);
    if (q.parentCode) where.push(`parent_code = $${params.push(q.parentCode)}`);
    if (q.active) where.push(`active = $${params.push(q.active === 'true')}`);
    const rows: UnitLabelRow[] = await this.ds.query(
      `SELECT * FROM (${UNIT_LABEL_SQL}) x ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY CASE level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, code`,
      params,
    );
    const views = rows.map(unitView);
    if (!q.q) return views;
    const needle = foldText(q.q);
    return views.filter((u) => foldText(u.displayName).includes(needle));
  }

  async getUnit(code: string, m: EntityManager = this.ds.manager) {
    const rows: UnitLabelRow[] = await m.query(`${UNIT_LABEL_SQL} WHERE u.code = $1`, [code]);
    if (!rows.length) throw notFound(`Không tìm thấy đơn vị mã "${code}".`);
    return unitView(rows[0]);
  }

  async createUnit(dto: CreateUnitDto, actor: AuthUser | null) {
    const exists = () => conflict('UNIT_EXISTS', `Mã đơn vị "${dto.code}" đã tồn tại.`);
    return this.ds.transaction(async (m) => {
      if (await m.existsBy(Unit, { code: dto.code })) throw exists();
      await this.checkUnitLinks(m, dto.code, dto.parentCode ?? null, dto.areaCode ?? null);
      await m.insert(Unit, {
        code: dto.code, name: dto.name, level: dto.level, parentCode: dto.parentCode ?? null, areaCode: dto.areaCode ?? null,
        emails: dto.emails ?? [], active: dto.active ?? true,
      });
      const created = await this.getUnit(dto.code, m);
      await this.audit.record(m, actor, { action: 'unit.create', subjectType: 'unit', subjectId: dto.code, before: null, after: created });
      return created;
    }).catch(rethrowUniqueViolation(exists));
  }

  async updateUnit(code: string, dto: UpdateUnitDto, actor: AuthUser | null) {
    return this.ds.transaction(async (m) => {
      const unit = await m.findOne(Unit, { where: { code }, lock: { mode: 'pessimistic_write' } });
      if (!unit) throw notFound(`Không tìm thấy đơn vị mã "${code}".`);
      const before = await this.getUnit(code, m);
      const parentCode = dto.parentCode !== undefined ? dto.parentCode : unit.parentCode;
      const areaCode = dto.areaCode !== undefined ? dto.areaCode : unit.areaCode;
      await this.checkUnitLinks(m, code, parentCode, areaCode);
      if (dto.active === false && unit.active) {
        // refused while work is open for the unit (the tickets' check, TicketUnitChanges)
        await this.changes.deactivating(m, code);
      }
      if (dto.active === true && unit.mergedIntoCode) {
        throw conflict('UNIT_MERGED', `Đơn vị đã được sáp nhập vào "${unit.mergedIntoCode}", không thể hoạt động lại.`);
      }
      // the former name stays the unit's name for reports of earlier instants
      if (dto.name !== undefined && dto.name !== unit.name) await recordFormerName(m, code, unit.name, this.clock.now());
      await m.update(Unit, { code }, {
        name: dto.name ?? unit.name, level: dto.level ?? unit.level, parentCode, areaCode,
        emails: dto.emails ?? unit.emails, active: dto.active ?? unit.active,
      });
      const after = await this.getUnit(code, m);
      const action = dto.active === false && unit.active ? 'unit.deactivate' : dto.active === true && !unit.active ? 'unit.activate'
        : dto.name !== undefined && dto.name !== unit.name ? 'unit.rename' : 'unit.update';
      await this.audit.record(m, actor, { action, subjectType: 'unit', subjectId: code, before, after });
      return after;
    });
  }

  private async checkUnitLinks(m: EntityManager, code: string, parentCode: string | null, areaCode: string | null) {
    const problems = [];
    if (parentCode) {
      if (!(await m.existsBy(Unit, { code: parentCode }))) problems.push({ field: 'parentCode', reason: `không có đơn vị mã "${parentCode}"` });
      else {
        // the new parent must not sit below the unit itself
        const [{ cycle }] = await m.query(
          `WITH RECURSIVE up AS (SELECT code, parent_code FROM units WHERE code = $1
             UNION ALL SELECT u.code, u.parent_code FROM units u JOIN up ON u.code = up.parent_code)
           SELECT EXISTS (SELECT 1 FROM up WHERE code = $2) AS cycle`, [parentCode, code]);
        if (cycle) problems.push({ field: 'parentCode', reason: 'không thể đặt đơn vị cấp dưới làm đơn vị cha' });
      }
    }
    if (areaCode && !(await m.existsBy(Area, { code: areaCode }))) problems.push({ field: 'areaCode', reason: `không có khu vực mã "${areaCode}"` });
    if (problems.length) throw badRequest(problems);
  }

  /**
   * Merges a unit into its successor (reorganisation): its open tickets, routing rules, users and child units move
   * to the successor, each moved ticket records a "unit_merged" event; closed tickets keep the unit that handled them.
   */
  async mergeUnit(code: string, intoCode: string, actor: AuthUser) {
    return this.ds.transaction(async (m) => {
      const { source, target } = await this.checkMerge(m, code, intoCode, true);
      const before = { unit: await this.getUnit(code, m), into: await this.getUnit(intoCode, m) };

      const now = this.clock.now();
      const note = `Sáp nhập ${source.name} vào ${target.name}`;
      // its open tickets (each with its event), routing rules and accounts move with it, each by the owner of its
      // table (TicketUnitChanges, RoutingUnitChanges, UserUnitChanges)
      const moved = await this.changes.merged(m, { from: code, into: intoCode, at: now, actor, note });
      const [, subUnits] = await m.query(`UPDATE units SET parent_code = $2, updated_at = $3 WHERE parent_code = $1`, [code, intoCode, now]);
      await m.query(`UPDATE units SET active = false, merged_into_code = $2, updated_at = $3 WHERE code = $1`, [code, intoCode, now]);
      const result = {
        unit: await this.getUnit(code, m), into: await this.getUnit(intoCode, m),
        movedTickets: moved.tickets, movedRoutingRules: moved.routingRules, movedUsers: moved.users, movedSubUnits: Number(subUnits) || 0,
      };
      await this.audit.record(m, actor, {
        action: 'unit.merge', subjectType: 'unit', subjectId: code, before,
        after: { unit: result.unit, into: result.into, moved: { tickets: moved.tickets, routingRules: moved.routingRules, users: moved.users, subUnits: result.movedSubUnits } },
      });
      return result;
    });
  }

  /**
   * What a merge of `code` into `intoCode` would move, counted now by the owner of each kind of row (the same
   * listeners that move them) and the directory's own sub-units; the same checks as the merge, nothing written.
   */
  async mergePreview(code: string, intoCode: string): Promise<{ unit: ReturnType<typeof unitView>; into: ReturnType<typeof unitView>; counts: Record<MergedItems | 'subUnits', number> }> {
    return this.ds.transaction('REPEATABLE READ', async (m) => {
      await this.checkMerge(m, code, intoCode, false);
      const counts = await this.changes.mergePreview(m, code);
      const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM units WHERE parent_code = $1`, [code]);
      return { unit: await this.getUnit(code, m), into: await this.getUnit(intoCode, m), counts: { ...counts, subUnits: n } };
    });
  }

  /** The merge's checks: both units exist and are active, and the successor is not below the merged unit. */
  private async checkMerge(m: EntityManager, code: string, intoCode: string, lock: boolean): Promise<{ source: Unit; target: Unit }> {
    if (code === intoCode) throw badRequest([{ field: 'intoCode', reason: 'phải khác đơn vị bị sáp nhập' }]);
    const units = await m.find(Unit, { where: [{ code }, { code: intoCode }], ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}), order: { code: 'ASC' } });
    const source = units.find((u) => u.code === code);
    const target = units.find((u) => u.code === intoCode);
    if (!source) throw notFound(`Không tìm thấy đơn vị mã "${code}".`);
    if (!target) throw badRequest([{ field: 'intoCode', reason: `không có đơn vị mã "${intoCode}"` }]);
    if (!source.active) throw conflict('UNIT_INACTIVE', `Đơn vị "${source.name}" đã ngừng hoạt động.`);
    if (!target.active) throw badRequest([{ field: 'intoCode', reason: `đơn vị "${target.name}" đã ngừng hoạt động` }]);
    const [{ below }] = await m.query(
      `WITH RECURSIVE up AS (SELECT code, parent_code FROM units WHERE code = $1
         UNION ALL SELECT u.code, u.parent_code FROM units u JOIN up ON u.code = up.parent_code)
       SELECT EXISTS (SELECT 1 FROM up WHERE code = $2) AS below`, [intoCode, code]);
    if (below) throw badRequest([{ field: 'intoCode', reason: 'không thể sáp nhập vào đơn vị cấp dưới của chính nó' }]);
    return { source, target };
  }

  listCategories() {
    return this.ds.getRepository(Category).find({ order: { code: 'ASC' } }).then((rows) => rows.map(categoryView));
  }

  async createCategory(dto: CreateCategoryDto, actor: AuthUser | null) {
    const exists = () => conflict('CATEGORY_EXISTS', `Mã lĩnh vực "${dto.code}" đã tồn tại.`);
    return this.ds.transaction(async (m) => {
      if (await m.existsBy(Category, { code: dto.code })) throw exists();
      // insert, not save: save() would turn a concurrent duplicate into an update of the other's category
      // urgent matters run around the clock unless said otherwise
      await m.insert(Category, m.create(Category, { ...dto, urgent: dto.urgent ?? false, deadlineMode: dto.deadlineMode ?? (dto.urgent ? 'clock' : 'working'), active: true }));
      const created = categoryView(await m.findOneByOrFail(Category, { code: dto.code }));
      await this.audit.record(m, actor, { action: 'category.create', subjectType: 'category', subjectId: dto.code, before: null, after: created });
      return created;
    }).catch(rethrowUniqueViolation(exists));
  }

  async updateCategory(code: string, dto: UpdateCategoryDto, actor: AuthUser | null) {
    return this.ds.transaction(async (m) => {
      const c = await m.findOne(Category, { where: { code }, lock: { mode: 'pessimistic_write' } });
      if (!c) throw notFound(`Không tìm thấy lĩnh vực mã "${code}".`);
      const before = categoryView(c);
      Object.assign(c, Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)));
      const after = categoryView(await m.save(c));
      await this.audit.record(m, actor, { action: 'category.update', subjectType: 'category', subjectId: code, before, after });
      return after;
    });
  }
}
