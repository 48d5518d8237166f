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

/** What moves to the successor when a unit is merged, per owner of the rows. */
export type MergedItems = 'tickets' | 'routingRules' | 'users';
type MergeListener = (m: EntityManager, merge: UnitMerged) => Promise<number>;
type DeactivationCheck = (m: EntityManager, unitCode: string) => Promise<void>;
/** Read-only: how many of its rows would move if the unit `from` were merged now. */
type MergePreviewCounter = (m: EntityManager, from: string) => Promise<number>;

/**
 * What the directory's reorganisations mean to the modules that hold rows for units: they subscribe here instead of
 * the directory writing their tables or calling them (tickets moves a merged unit's open tickets and refuses a
 * deactivation while it has some; routing moves the unit's rules; users moves its accounts), so that each table keeps
 * one owner and the directory imports none of them.
 */
@Injectable()
export class UnitChanges {
  private readonly mergeListeners: Array<{ items: MergedItems; listener: MergeListener }> = [];
  private readonly deactivationChecks: DeactivationCheck[] = [];
  private readonly previewCounters: Array<{ items: MergedItems; counter: MergePreviewCounter }> = [];
  private readonly retireListeners: RetireListener[] = [];

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
}
