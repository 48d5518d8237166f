import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../../audit/audit-log.js';
import type { AuthUser } from '../../common/auth-user.js';
import { foldText } from '../../common/text.js';
import type { AddressWardMapping } from '../editions/address-database.js';
import {
  areas2025, communeCommitteeName2025, DEPARTMENT_SUCCESSORS_2025, provincialUnits2025, successorsOf, wardMappingsTo,
} from '../editions/edition-2025.js';
import { province2025 } from '../editions/provinces-2025.js';
import { communeCommitteeCode } from '../reference-data.js';
import type { UnitChanges } from '../unit-changes.js';
import { recordFormerName } from './unit-names.js';

/**
 * The move of an installation on the 2021 list (province → district → commune) to the 2025 map of its new province,
 * in one transaction (`npm run cli -- reorganise-2025 --province 86 [--dry-run]`):
 *  1. the new province and its communes are added (a commune that keeps a 2021 code takes its 2025 name and sits
 *     directly under the province); each 2021 commune's successors are kept in area_successions;
 *  2. the 2025 units are added or renamed (each commune's People's Committee, the restructured departments), former
 *     names kept in unit_names;
 *  3. each old commune's committee is merged into its successor's, by the directory's merge (UnitChanges: open
 *     tickets move with a 'unit_merged' event, closed ones keep their unit; rules and accounts follow); a commune
 *     split between several new ones has no single successor: its open tickets go back to the coordinators with an
 *     event naming the candidates; the departments restructured are merged into the ones that took them over;
 *  4. the district-level units' open tickets go back to the coordinators, and the units are deactivated;
 *  5. routing rules keyed on an old commune move to its successor; those keyed on a district go to the communes that
 *     succeeded the district's communes, or are dropped when they sent tickets to a district unit (routing's listener,
 *     src/routing/routing-reorganisation.ts, told the successions through UnitChanges).
 * Every step looks at what is there, so a second run finds nothing to do. A dry run does the same and rolls back.
 */

export interface Reorganise2025Options {
  provinceCode: string;
  dryRun: boolean;
  /** The instant the change is recorded at (events, name history, audit). */
  at: Date;
  /** Who runs it, as the events and the audit log name them. */
  actorName: string;
  /** The old-to-new commune mapping; the package's for the province unless given. */
  mappings?: readonly AddressWardMapping[];
}

export interface Reorganise2025Result {
  dryRun: boolean;
  /** Whether anything was (or, in a dry run, would be) changed. */
  changed: boolean;
  /** What moved (or would move), one line per unit, for the admin's console. */
  lines: string[];
  counts: {
    areasAdded: number; areasUpdated: number; successions: number; unitsAdded: number; unitsRenamed: number;
    unitsMerged: number; unitsDeactivated: number; ticketsMoved: number; ticketsToCoordinator: number;
    rulesMoved: number; rulesDropped: number;
  };
}

/** Departments an admin may have added under their 2021 names, and the 2025 department that took each over. */
const FORMER_DEPARTMENTS_BY_NAME: ReadonlyArray<[string, string]> = [
  ['Sở Lao động - Thương binh và Xã hội', 'SO-NV'],
  ['Sở Kế hoạch và Đầu tư', 'SO-TC'],
  ['Sở Thông tin và Truyền thông', 'SO-KHCN'],
  ['Sở Giao thông vận tải', 'SO-XD'],
  ['Sở Tài nguyên và Môi trường', 'SO-NNMT'],
  ['Sở Nông nghiệp và Phát triển nông thôn', 'SO-NNMT'],
];

export const DISTRICT_ABOLISHED_NOTE = 'Huyện không còn là cấp hành chính từ 01/07/2025; chuyển về điều phối viên';

interface AreaRow { code: string; name: string; level: string; kind: string; parent_code: string | null }
interface UnitRow { code: string; name: string; level: string; parent_code: string | null; area_code: string | null; active: boolean; merged_into_code: string | null }

class DryRunRollback extends Error {
  constructor(readonly result: Reorganise2025Result) {
    super('dry run');
  }
}

const ticketsVi = (n: number) => `${n} phản ánh đang xử lý`;

/**
 * Runs the reorganisation on `ds`; `changes` is the directory's merge and areas' succession, with the owners of
 * tickets, routing rules and accounts listening (the application's, or the command line's).
 */
export async function reorganise2025(ds: DataSource, changes: UnitChanges, opts: Reorganise2025Options): Promise<Reorganise2025Result> {
  const province = province2025(opts.provinceCode);
  if (!province) throw new Error(`province ${opts.provinceCode} is not on the 2025 list`);
  try {
    return await ds.transaction(async (m) => {
      const result = await apply(m, changes, opts);
      if (opts.dryRun) throw new DryRunRollback(result);
      return result;
    });
  } catch (e) {
    if (e instanceof DryRunRollback) return e.result;
    throw e;
  }
}

async function apply(m: EntityManager, changes: UnitChanges, opts: Reorganise2025Options): Promise<Reorganise2025Result> {
  const { at } = opts;
  // one run at a time; the units are held against merges and deactivations on the pages meanwhile
  await m.query(`SELECT pg_advisory_xact_lock(hashtext('reorganise-2025'))`);
  await m.query(`SELECT code FROM units ORDER BY code FOR UPDATE`);
  const areas: AreaRow[] = await m.query(`SELECT code, name, level, kind, parent_code FROM areas`);
  const units: UnitRow[] = await m.query(`SELECT code, name, level, parent_code, area_code, active, merged_into_code FROM units`);
  const successionsBefore: Array<{ old_code: string }> = await m.query(`SELECT DISTINCT old_code FROM area_successions`);
  const areaByCode = new Map(areas.map((a) => [a.code, a]));
  const unitByCode = new Map(units.map((u) => [u.code, u]));
  const handledBefore = new Set(successionsBefore.map((s) => s.old_code));
  const mappings = opts.mappings ?? wardMappingsTo(opts.provinceCode);
  const lines: string[] = [];
  const counts: Reorganise2025Result['counts'] = {
    areasAdded: 0, areasUpdated: 0, successions: 0, unitsAdded: 0, unitsRenamed: 0, unitsMerged: 0, unitsDeactivated: 0,
    ticketsMoved: 0, ticketsToCoordinator: 0, rulesMoved: 0, rulesDropped: 0,
  };
  // the command line has no account: its events and audit entry carry its name and no user id
  const actor = { id: null, username: 'cli', fullName: opts.actorName, role: 'admin', unitCode: null } as unknown as AuthUser;
  const eventActor = { id: null, name: opts.actorName };

  // the 2021 communes (under a district) and their successors on the 2025 map, read before anything moves
  const oldCommunes = areas
    .filter((a) => a.level === 'commune' && a.parent_code && areaByCode.get(a.parent_code)?.level === 'district')
    .map((a) => {
      const district = areaByCode.get(a.parent_code!)!;
      const provinceName = district.parent_code ? areaByCode.get(district.parent_code)?.name ?? '' : '';
      return { area: a, successors: successorsOf({ code: a.code, name: a.name, districtName: district.name, provinceName }, mappings) };
    });
  const oldProvinces = areas.filter((a) => a.level === 'province' && a.code !== opts.provinceCode);
  // a database on the 2021 list whose communes went into this province, else nothing of it is this province's
  if (!oldCommunes.some((c) => c.successors.length)) {
    const held = areas.filter((a) => a.level === 'province').map((a) => `${a.code} ${a.name}`).join(', ');
    throw new Error(`none of the 2021 communes of this database (${held || 'no province'}) went into province ${opts.provinceCode}: nothing to reorganise`);
  }

  // 1. areas of the 2025 map, and the successions
  const newAreas = areas2025(opts.provinceCode);
  const newAreaName = new Map(newAreas.map((a) => [a.code, a.name]));
  for (const a of newAreas) {
    const cur = areaByCode.get(a.code);
    if (!cur) {
      await m.query(`INSERT INTO areas (code, name, level, kind, parent_code) VALUES ($1, $2, $3, $4, $5)`, [a.code, a.name, a.level, a.kind, a.parentCode]);
      counts.areasAdded++;
    } else if (cur.name !== a.name || cur.level !== a.level || cur.kind !== a.kind || cur.parent_code !== a.parentCode) {
      await m.query(`UPDATE areas SET name = $2, level = $3, kind = $4, parent_code = $5 WHERE code = $1`, [a.code, a.name, a.level, a.kind, a.parentCode]);
      counts.areasUpdated++;
    }
  }
  const successionRows = [
    ...oldCommunes.flatMap((c) => c.successors.filter((s) => s !== c.area.code).map((s) => [c.area.code, s] as const)),
    // the old province's own tickets (no commune) are found under the new province
    ...oldProvinces.map((p) => [p.code, opts.provinceCode] as const),
  ];
  if (successionRows.length) {
    const [{ n }] = await m.query(
      `WITH ins AS (
         INSERT INTO area_successions (old_code, new_code, at) SELECT o, n, $3 FROM unnest($1::varchar[], $2::varchar[]) AS x(o, n)
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [successionRows.map((r) => r[0]), successionRows.map((r) => r[1]), at]);
    counts.successions = n;
  }

  // 2. the 2025 units: added, or renamed (the former name kept) and put where the 2025 map has them
  const tinh = province2025(opts.provinceCode)!.kind === 'Tỉnh' ? 'tỉnh' : 'thành phố';
  const wanted = [
    ...provincialUnits2025(tinh).map((u) => ({ ...u, level: 'province', areaCode: opts.provinceCode })),
    ...newAreas.filter((a) => a.level === 'commune')
      .map((a) => ({ code: communeCommitteeCode(a.code), name: communeCommitteeName2025(a.name), level: 'commune', areaCode: a.code })),
  ];
  for (const u of wanted) {
    const cur = unitByCode.get(u.code);
    if (!cur) {
      await m.query(`INSERT INTO units (code, name, level, parent_code, area_code, emails, active) VALUES ($1, $2, $3, NULL, $4, '{}', true)`,
        [u.code, u.name, u.level, u.areaCode]);
      unitByCode.set(u.code, { code: u.code, name: u.name, level: u.level, parent_code: null, area_code: u.areaCode, active: true, merged_into_code: null });
      counts.unitsAdded++;
      lines.push(`+ ${u.name} (${u.code})`);
      continue;
    }
    if (cur.name !== u.name) {
      await recordFormerName(m, u.code, cur.name, at);
      counts.unitsRenamed++;
      lines.push(`${cur.name} (${u.code}) đổi tên thành ${u.name}`);
    }
    if (cur.name !== u.name || cur.level !== u.level || cur.parent_code !== null || cur.area_code !== u.areaCode) {
      await m.query(`UPDATE units SET name = $2, level = $3, parent_code = NULL, area_code = $4, updated_at = $5 WHERE code = $1`,
        [u.code, u.name, u.level, u.areaCode, at]);
      unitByCode.set(u.code, { ...cur, name: u.name, level: u.level, parent_code: null, area_code: u.areaCode });
    }
  }
  const wantedCodes = new Set(wanted.map((u) => u.code));

  // 3. merges: the restructured departments, then each old commune's committee into its successor's
  const merge = async (from: string, into: string) => {
    const source = unitByCode.get(from)!;
    const target = unitByCode.get(into)!;
    const note = `Sáp nhập ${source.name} vào ${target.name}`;
    const moved = await changes.merged(m, { from, into, at, actor, note });
    await m.query(`UPDATE units SET parent_code = $2, updated_at = $3 WHERE parent_code = $1`, [from, into, at]);
    await m.query(`UPDATE units SET active = false, merged_into_code = $2, updated_at = $3 WHERE code = $1`, [from, into, at]);
    unitByCode.set(from, { ...source, active: false, merged_into_code: into });
    counts.unitsMerged++;
    counts.ticketsMoved += moved.tickets;
    lines.push(`${source.name} (${from}) → ${target.name} (${into}): ${ticketsVi(moved.tickets)}`
      + (moved.routingRules ? `, ${moved.routingRules} quy tắc phân công` : '') + (moved.users ? `, ${moved.users} tài khoản` : ''));
  };
  for (const u of units.filter((x) => x.level === 'province' && x.active && !wantedCodes.has(x.code))) {
    const into = DEPARTMENT_SUCCESSORS_2025[u.code] ?? FORMER_DEPARTMENTS_BY_NAME.find(([name]) => foldText(name) === foldText(u.name))?.[1];
    if (into && into !== u.code && unitByCode.get(into)?.active) await merge(u.code, into);
  }
  const toCoordinator = async (unit: UnitRow, note: string, data: Record<string, unknown>, label: string) => {
    // the tickets' owner sends them back (src/tickets, through its UnitChanges listener)
    const n = await changes.retired(m, { unitCode: unit.code, at, actor: eventActor, note, data });
    counts.ticketsToCoordinator += n;
    lines.push(`${unit.name} (${unit.code}) → điều phối viên (${label}): ${ticketsVi(n)}`);
  };
  const deactivate = async (code: string) => {
    await m.query(`UPDATE units SET parent_code = NULL, updated_at = $2 WHERE parent_code = $1`, [code, at]);
    await m.query(`UPDATE units SET active = false, updated_at = $2 WHERE code = $1`, [code, at]);
    unitByCode.set(code, { ...unitByCode.get(code)!, active: false });
    counts.unitsDeactivated++;
  };
  for (const c of oldCommunes) {
    const committee = unitByCode.get(communeCommitteeCode(c.area.code));
    if (!committee?.active) continue;
    if (c.successors.length === 0) {
      lines.push(`! ${c.area.name} (${c.area.code}): không có trong bảng chuyển đổi của tỉnh ${opts.provinceCode}, giữ nguyên`);
    } else if (c.successors.length === 1) {
      const into = communeCommitteeCode(c.successors[0]);
      if (into !== committee.code && unitByCode.get(into)?.active) await merge(committee.code, into);
    } else if (!handledBefore.has(c.area.code)) {
      // split between several new communes: which one takes each matter is the coordinator's call, not a guess
      const names = c.successors.map((s) => newAreaName.get(s) ?? s);
      const note = `${c.area.name} được chia cho ${names.join(', ')} từ 01/07/2025; chờ điều phối viên chọn đơn vị xử lý`;
      await toCoordinator(committee, note, { reason: 'commune_split', candidates: c.successors }, `chia cho ${names.join(', ')}`);
      if (!c.successors.includes(c.area.code)) await deactivate(committee.code);
    }
  }

  // 4. the district level is gone: its units' open tickets go to the coordinators, the units are deactivated
  for (const u of [...unitByCode.values()].filter((x) => x.level === 'district' && x.active).sort((a, b) => a.code.localeCompare(b.code))) {
    await toCoordinator(u, DISTRICT_ABOLISHED_NOTE, { reason: 'district_abolished' }, 'huyện không còn là cấp hành chính');
    await deactivate(u.code);
  }
  // the accounts of the deactivated district units stay (the admin's call); their owner counts them (src/users)
  const inactiveDistrictUnits: Array<{ code: string }> = await m.query(`SELECT code FROM units WHERE level = 'district' AND NOT active`);
  const districtUsers = await changes.activeAccounts(m, inactiveDistrictUnits.map((u) => u.code));
  if (districtUsers) lines.push(`! ${districtUsers} tài khoản còn thuộc đơn vị cấp huyện đã ngừng hoạt động: quản trị viên chuyển hoặc khóa`);

  // 5. rows keyed on the old map: their owners move them (src/routing: the rules), told the areas' successors
  const districts = areas
    .filter((a) => a.level === 'district' && oldCommunes.some((c) => c.area.parent_code === a.code))
    .map((a) => ({
      code: a.code, name: a.name,
      successors: [...new Set(oldCommunes.filter((c) => c.area.parent_code === a.code).flatMap((c) => c.successors))],
    }));
  const succeeded = await changes.areasSucceeded(m, {
    at,
    communes: oldCommunes.map((c) => ({ code: c.area.code, name: c.area.name, successors: c.successors })),
    districts,
    provinces: oldProvinces.map((p) => ({ code: p.code, name: p.name })),
    provinceCode: opts.provinceCode,
    areaNames2025: newAreaName,
    districtUnits: new Map([...unitByCode.values()].filter((u) => u.level === 'district').map((u) => [u.code, u.name])),
  });
  counts.rulesMoved += succeeded.rulesMoved;
  counts.rulesDropped += succeeded.rulesDropped;
  lines.push(...succeeded.lines);

  const changed = Object.values(counts).some((n) => n > 0);
  if (changed) {
    await recordAudit(m, at, null, {
      action: 'directory.reorganise_2025', subjectType: 'area', subjectId: opts.provinceCode, before: null,
      after: { provinceCode: opts.provinceCode, counts, lines: lines.filter((l) => !l.startsWith('+ ')) },
    }, opts.actorName);
  } else {
    lines.push('Không có gì thay đổi: cơ sở dữ liệu đã theo danh sách đơn vị hành chính 2025.');
  }
  return { dryRun: opts.dryRun, changed, lines, counts };
}

/** The run's summary lines after the per-unit ones. */
export function summaryLines(r: Reorganise2025Result): string[] {
  const c = r.counts;
  return [
    `${r.dryRun ? 'Chạy thử (không thay đổi gì)' : 'Đã thực hiện'}: khu vực thêm ${c.areasAdded}, cập nhật ${c.areasUpdated}; `
      + `kế thừa khu vực ${c.successions}; đơn vị thêm ${c.unitsAdded}, đổi tên ${c.unitsRenamed}, sáp nhập ${c.unitsMerged}, `
      + `ngừng hoạt động ${c.unitsDeactivated}; phản ánh chuyển đơn vị ${c.ticketsMoved}, về điều phối viên ${c.ticketsToCoordinator}; `
      + `quy tắc chuyển ${c.rulesMoved}, bỏ ${c.rulesDropped}.`,
  ];
}

