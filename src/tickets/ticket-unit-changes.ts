import { Injectable, type OnModuleInit } from '@nestjs/common';
import { conflict } from '../common/errors.js';
import { UnitChanges } from '../directory/unit-changes.js';
import { actorOf } from './ticket-events.js';
import { TicketLifecycle } from './ticket-lifecycle.js';
import { countOpenTicketsOfUnit } from './ticket-unit-moves.js';

/**
 * The tickets' side of a unit's reorganisation: a merged unit's open tickets move to its successor (each with its
 * 'unit_merged' event); a unit retired with no successor sends its open tickets back to the coordinators (each with
 * a 'returned' event saying why); a unit with open tickets cannot be deactivated.
 */
@Injectable()
export class TicketUnitChanges implements OnModuleInit {
  constructor(private readonly units: UnitChanges, private readonly lifecycle: TicketLifecycle) {}

  onModuleInit(): void {
    this.units.onMerge('tickets', (m, merge) =>
      this.lifecycle.moveOpenTickets(m, { from: merge.from, into: merge.into, at: merge.at, actor: actorOf(merge.actor), note: merge.note }));
    this.units.onRetire((m, r) => this.lifecycle.returnOpenTicketsToQueue(m, r));
    this.units.onMergePreview('tickets', (m, from) => countOpenTicketsOfUnit(m, from));
    this.units.onDeactivation(async (m, code) => {
      const open = await countOpenTicketsOfUnit(m, code);
      if (open > 0) {
        throw conflict('UNIT_HAS_OPEN_TICKETS', `Đơn vị còn ${open} phản ánh đang xử lý; hãy sáp nhập vào đơn vị khác hoặc chuyển các phản ánh trước khi ngừng hoạt động.`, { openTickets: open });
      }
    });
  }
}
