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

type MergeListener = (m: EntityManager, merge: UnitMerged) => Promise<number>;
type DeactivationCheck = (m: EntityManager, unitCode: string) => Promise<void>;

/**
 * What the directory's reorganisations mean to the modules that hold work for units: they subscribe here (tickets
 * moves a merged unit's open tickets, and refuses a deactivation while it has some) instead of the directory calling
 * them, so that the directory imports none of them.
 */
@Injectable()
export class UnitChanges {
  private readonly mergeListeners: MergeListener[] = [];
  private readonly deactivationChecks: DeactivationCheck[] = [];

  /** Called in the merge's transaction; answers how many items it moved to the successor. */
  onMerge(listener: MergeListener): void {
    this.mergeListeners.push(listener);
  }

  /** Called in the deactivation's transaction; throws (an AppError) to refuse it. */
  onDeactivation(check: DeactivationCheck): void {
    this.deactivationChecks.push(check);
  }

  async merged(m: EntityManager, merge: UnitMerged): Promise<number> {
    let moved = 0;
    for (const listener of this.mergeListeners) moved += await listener(m, merge);
    return moved;
  }

  async deactivating(m: EntityManager, unitCode: string): Promise<void> {
    for (const check of this.deactivationChecks) await check(m, unitCode);
  }
}
