import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../common/auth-user.js';

/** A unit merged into its successor, as the directory does it (in its transaction). */
export interface UnitMerged {
  from: string;
  into: string;
  at: Date;
  actor: AuthUser;
  /** "Sáp nhập … vào …": the note of what moves. */
  note: string;
}

/** A unit going away with no successor (a district-level unit after 2025, a split commune's committee). */
export interface UnitRetired {
  unitCode: string;
  at: Date;
  actor: { id: string | null; name: string };
  /** Why, as the events say it to a coordinator. */
  note: string;
  data: Record<string, unknown>;
}
type RetireListener = (m: EntityManager, retired: UnitRetired) => Promise<number>;

/**
 * The areas of the 2021 list succeeded by those of the 2025 map (reorganise-2025), told once the units have moved, so
 * that the owners of rows keyed on an area move them to its successors. The directory's names and levels come with it:
 * its listeners read no area or unit of their own.
 */
export interface AreasSucceeded {
  at: Date;
  /** The 2021 communes (under a district), each with the 2025 areas that succeeded it (none: not in the mapping). */
  communes: ReadonlyArray<{ code: string; name: string; successors: readonly string[] }>;
  /** The 2021 districts that had communes, each with its communes' successors (without repeats, in their order). */
  districts: ReadonlyArray<{ code: string; name: string; successors: readonly string[] }>;
  /** The 2021 provinces other than the new one, whose own rows go to the new province. */
  provinces: ReadonlyArray<{ code: string; name: string }>;
  /** The new province (2025). */
  provinceCode: string;
  /** The names of the 2025 map's areas, by code. */
  areaNames2025: ReadonlyMap<string, string>;
  /** The district-level units, all inactive by now (the level is gone): their names, by code. */
  districtUnits: ReadonlyMap<string, string>;
}

/** What the owners did on an areas' succession: routing's rules moved and dropped, and a line for each, for the console. */
export interface AreasSucceededOutcome {
  rulesMoved: number;
  rulesDropped: number;
  lines: string[];
}
type SuccessionListener = (m: EntityManager, succession: AreasSucceeded) => Promise<AreasSucceededOutcome>;
/** Read-only: how many active accounts still belong to these units (deactivated by a reorganisation). */
type ActiveAccountsCounter = (m: EntityManager, unitCodes: readonly string[]) => Promise<number>;

/** What moves to the successor when a unit is merged, per owner of the rows. */
export type MergedItems = 'tickets' | 'routingRules' | 'users';
type MergeListener = (m: EntityManager, merge: UnitMerged) => Promise<number>;
type DeactivationCheck = (m: EntityManager, unitCode: string) => Promise<void>;
/** Read-only: how many of its rows would move if the unit `from` were merged now. */
type MergePreviewCounter = (m: EntityManager, from: string) => Promise<number>;

/**
 * What the directory's reorganisations mean to the modules that hold rows for units: they subscribe here instead of
 * the directory writing their tables or calling them (tickets moves a merged unit's open tickets and refuses a
 * deactivation while it has some; routing moves the unit's rules, and the rules keyed on areas that were succeeded;
 * users moves its accounts and counts those left in units deactivated), so that each table keeps one owner and the
 * directory imports none of them.
 */
@Injectable()
export class UnitChanges {
  private readonly mergeListeners: Array<{ items: MergedItems; listener: MergeListener }> = [];
  private readonly deactivationChecks: DeactivationCheck[] = [];
  private readonly previewCounters: Array<{ items: MergedItems; counter: MergePreviewCounter }> = [];
  private readonly retireListeners: RetireListener[] = [];
  private readonly successionListeners: SuccessionListener[] = [];
  private readonly activeAccountsCounters: ActiveAccountsCounter[] = [];

  /** Called in the merge's transaction; answers how many of its `items` it moved to the successor. */
  onMerge(items: MergedItems, listener: MergeListener): void {
    this.mergeListeners.push({ items, listener });
  }

  /**
   * The read-only counterpart of `onMerge`, for the preview shown before a merge is confirmed: answers how many of its
   * `items` the merge would move now, writing nothing. Each owner counts its own rows, as its merge listener moves them.
   */
  onMergePreview(items: MergedItems, counter: MergePreviewCounter): void {
    this.previewCounters.push({ items, counter });
  }

  /** Called in the deactivation's transaction; throws (an AppError) to refuse it. */
  onDeactivation(check: DeactivationCheck): void {
    this.deactivationChecks.push(check);
  }

  /** Runs every listener in the merge's transaction; answers how many rows of each kind moved. */
  async merged(m: EntityManager, merge: UnitMerged): Promise<Record<MergedItems, number>> {
    const moved: Record<MergedItems, number> = { tickets: 0, routingRules: 0, users: 0 };
    for (const { items, listener } of this.mergeListeners) moved[items] += await listener(m, merge);
    return moved;
  }

  /** What a merge of `from` would move, per kind of row, as the owners count them (nothing written). */
  async mergePreview(m: EntityManager, from: string): Promise<Record<MergedItems, number>> {
    const counts: Record<MergedItems, number> = { tickets: 0, routingRules: 0, users: 0 };
    for (const { items, counter } of this.previewCounters) counts[items] += await counter(m, from);
    return counts;
  }

  async deactivating(m: EntityManager, unitCode: string): Promise<void> {
    for (const check of this.deactivationChecks) await check(m, unitCode);
  }

  /** Called in the reorganisation's transaction for a unit with no successor; answers how many tickets it sent back. */
  onRetire(listener: RetireListener): void {
    this.retireListeners.push(listener);
  }

  /** The open tickets of a unit with no successor go back to the coordinators (tickets' listener); answers how many. */
  async retired(m: EntityManager, retired: UnitRetired): Promise<number> {
    let n = 0;
    for (const listener of this.retireListeners) n += await listener(m, retired);
    return n;
  }

  /** Called in the reorganisation's transaction once the areas' successors are recorded and the units have moved. */
  onAreasSucceeded(listener: SuccessionListener): void {
    this.successionListeners.push(listener);
  }

  /** Runs every listener in the reorganisation's transaction; answers what they did, their lines in their order. */
  async areasSucceeded(m: EntityManager, succession: AreasSucceeded): Promise<AreasSucceededOutcome> {
    const outcome: AreasSucceededOutcome = { rulesMoved: 0, rulesDropped: 0, lines: [] };
    for (const listener of this.successionListeners) {
      const o = await listener(m, succession);
      outcome.rulesMoved += o.rulesMoved;
      outcome.rulesDropped += o.rulesDropped;
      outcome.lines.push(...o.lines);
    }
    return outcome;
  }

  /** The accounts' owner counts the active accounts of units a reorganisation left inactive, for the admin to act on. */
  onActiveAccountsCount(counter: ActiveAccountsCounter): void {
    this.activeAccountsCounters.push(counter);
  }

  /** How many active accounts belong to `unitCodes`, as the accounts' owner counts them (nothing written). */
  async activeAccounts(m: EntityManager, unitCodes: readonly string[]): Promise<number> {
    let n = 0;
    for (const counter of this.activeAccountsCounters) n += await counter(m, unitCodes);
    return n;
  }
}
