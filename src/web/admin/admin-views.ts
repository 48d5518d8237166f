import { compareVietnamese, foldText } from '../../common/text.js';

/** A unit as the directory lists it (DirectoryService.listUnits). */
export interface UnitRow {
  code: string; name: string; displayName: string; level: string; parentCode: string | null; areaCode: string | null;
  active: boolean; emails: string[]; mergedIntoCode: string | null;
}

export interface UnitNode extends UnitRow {
  children: UnitNode[];
  /** The number of units below it, at any depth. */
  descendants: number;
}

export const LEVEL_LABELS: Record<string, string> = { province: 'Cấp tỉnh', district: 'Cấp huyện', commune: 'Cấp xã' };
const LEVEL_ORDER: Record<string, number> = { province: 0, district: 1, commune: 2 };

const byLevelThenName = (a: UnitRow, b: UnitRow) =>
  (LEVEL_ORDER[a.level] ?? 3) - (LEVEL_ORDER[b.level] ?? 3) || Number(b.active) - Number(a.active) || compareVietnamese(a.displayName, b.displayName);

/** The units as a tree (each under its parent), the top units grouped by level: province, district, commune. */
export function unitTree(units: UnitRow[]): Array<{ level: string; label: string; nodes: UnitNode[] }> {
  const nodes = new Map(units.map((u) => [u.code, { ...u, children: [] as UnitNode[], descendants: 0 }]));
  const roots: UnitNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.parentCode ? nodes.get(n.parentCode) : undefined;
    (parent ? parent.children : roots).push(n);
  }
  const finish = (n: UnitNode): number => {
    n.children.sort(byLevelThenName);
    n.descendants = n.children.reduce((sum, c) => sum + 1 + finish(c), 0);
    return n.descendants;
  };
  roots.sort(byLevelThenName).forEach(finish);
  return ['province', 'district', 'commune']
    .map((level) => ({ level, label: LEVEL_LABELS[level], nodes: roots.filter((r) => r.level === level) }))
    .filter((g) => g.nodes.length);
}

/** Units whose name (without diacritics) or code contains every typed word, each with its parent's name. */
export function searchUnits(units: UnitRow[], q: string): Array<UnitRow & { parentName: string | null }> {
  const words = foldText(q).split(' ').filter(Boolean);
  const byCode = new Map(units.map((u) => [u.code, u]));
  return units
    .filter((u) => { const key = `${foldText(u.displayName)} ${u.code.toLowerCase()}`; return words.every((w) => key.includes(w)); })
    .sort(byLevelThenName)
    .map((u) => ({ ...u, parentName: u.parentCode ? byCode.get(u.parentCode)?.displayName ?? u.parentCode : null }));
}

/** Areas for a <select>: the province, the districts, then each district's communes under its name. */
export function areaGroups(areas: Array<{ code: string; name: string; level: string; parentCode: string | null; parentName: string | null }>, opts: { communesOnly?: boolean } = {}) {
  const groups: Array<{ label: string; areas: Array<{ code: string; name: string; search: string }> }> = [];
  if (!opts.communesOnly) {
    groups.push({ label: 'Toàn tỉnh', areas: areas.filter((a) => a.level === 'province').map((a) => ({ code: a.code, name: a.name, search: '' })) });
    groups.push({ label: 'Huyện, thị xã, thành phố', areas: areas.filter((a) => a.level === 'district').map((a) => ({ code: a.code, name: a.name, search: '' })) });
  }
  for (const d of areas.filter((a) => a.level === 'district')) {
    groups.push({ label: d.name, areas: areas.filter((a) => a.parentCode === d.code).map((a) => ({ code: a.code, name: a.name, search: d.name })) });
  }
  // the 2025 map: communes directly under their province, in one group named after it
  for (const p of areas.filter((a) => a.level === 'province')) {
    groups.push({ label: p.name, areas: areas.filter((a) => a.level === 'commune' && a.parentCode === p.code).map((a) => ({ code: a.code, name: a.name, search: '' })) });
  }
  return groups.filter((g) => g.areas.length);
}

/** "48 giờ làm việc", "24 giờ liên tục". */
export const deadlineText = (hours: number, mode: 'working' | 'clock') => `${hours} giờ ${mode === 'clock' ? 'liên tục' : 'làm việc'}`;
