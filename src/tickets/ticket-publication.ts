import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../common/auth-user.js';
import { findVisibleTicket } from './ticket-access.js';
import { loadTicketRefs, ticketView } from './ticket-view.js';

/**
 * A ticket as the publication of its answer (src/answers) reads it: the detail staff see (reporter, content,
 * resolution, status, unit, commune, category, dates) and its id, for a user who may read it (404 otherwise).
 * Read-only; the one way src/answers reads a ticket.
 */
export async function ticketForPublication(m: EntityManager, user: AuthUser, code: string, now: Date) {
  const ticket = await findVisibleTicket(m, user, code);
  const refs = await loadTicketRefs(m, [ticket]);
  return { id: ticket.id, ...ticketView(ticket, refs, now) };
}

export type TicketForPublication = Awaited<ReturnType<typeof ticketForPublication>>;
