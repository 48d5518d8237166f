import { Injectable, type OnModuleInit } from '@nestjs/common';
import { In } from 'typeorm';
import { UnitChanges } from '../directory/unit-changes.js';
import { User } from './user.entity.js';

/**
 * The accounts' side of a unit's merge: the merged unit's staff and leaders now work for its successor. Accounts of a
 * unit deactivated with no successor stay where they are (the admin moves or locks them): this side counts them.
 */
@Injectable()
export class UserUnitChanges implements OnModuleInit {
  constructor(private readonly units: UnitChanges) {}

  onModuleInit(): void {
    this.units.onMerge('users', async (m, merge) =>
      (await m.update(User, { unitCode: merge.from }, { unitCode: merge.into })).affected ?? 0);
    this.units.onMergePreview('users', (m, from) => m.countBy(User, { unitCode: from }));
    this.units.onActiveAccountsCount(async (m, unitCodes) =>
      unitCodes.length ? m.countBy(User, { unitCode: In([...unitCodes]), active: true }) : 0);
  }
}
