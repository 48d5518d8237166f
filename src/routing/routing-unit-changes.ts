import { Injectable, type OnModuleInit } from '@nestjs/common';
import { UnitChanges } from '../directory/unit-changes.js';
import { RoutingRule } from './routing-rule.entity.js';
import { remapRulesAfterSuccession } from './routing-reorganisation.js';

/**
 * Routing's side of a unit's merge: the rules that sent tickets to the merged unit send them to its successor; and of
 * an areas' succession (reorganise-2025): the rules keyed on the old areas move to their successors.
 */
@Injectable()
export class RoutingUnitChanges implements OnModuleInit {
  constructor(private readonly units: UnitChanges) {}

  onModuleInit(): void {
    this.units.onMerge('routingRules', async (m, merge) =>
      (await m.update(RoutingRule, { unitCode: merge.from }, { unitCode: merge.into })).affected ?? 0);
    this.units.onMergePreview('routingRules', (m, from) => m.countBy(RoutingRule, { unitCode: from }));
    this.units.onAreasSucceeded((m, succession) => remapRulesAfterSuccession(m, succession));
  }
}
