import type { TicketsService } from '../tickets/tickets.service.js';
import { staffNav, type NavModel } from './staff-nav.js';
import type { StaffSession } from './staff-session.js';

/** The header of the staff page at `current` (staffNav), with the live counts of the person signed in. */
export async function staffPageNav(tickets: Pick<TicketsService, 'waitingCounts'>, s: StaffSession, current: string): Promise<NavModel> {
  return staffNav(s, current, await tickets.waitingCounts(s.user));
}
