import type { EntityManager } from 'typeorm';
import { TicketEvent } from './ticket-event.entity.js';
import { Ticket } from './ticket.entity.js';

/** The ticket with this id, or null. */
export function findTicketById(m: EntityManager, id: string): Promise<Ticket | null> {
  return m.findOneBy(Ticket, { id });
}

/** The ticket with this (normalised) code AND this reporter's phone (E.164), in one query; null for anything else. */
export function findTicketByCodeAndPhone(m: EntityManager, code: string, phone: string): Promise<Ticket | null> {
  return m.findOneBy(Ticket, { code, reporterPhone: phone });
}

/** What a citizen's view of a ticket reads of one of its events. */
export type PublicEventRow = Pick<TicketEvent, 'type' | 'at' | 'toStatus' | 'toUnitCode' | 'dueAt' | 'note' | 'data'>;

/** The events of a ticket that are not internal, oldest first. */
export function publicTicketEvents(m: EntityManager, ticketId: string): Promise<PublicEventRow[]> {
  return m.find(TicketEvent, {
    select: { type: true, at: true, toStatus: true, toUnitCode: true, dueAt: true, note: true, data: true },
    where: { ticketId, internal: false },
    order: { at: 'ASC', id: 'ASC' },
  });
}

/**
 * The tickets of a reporter's phone (canonical E.164), newest first, at most `take` of them, but `exceptId` (when
 * given); and how many there are in all.
 */
export function ticketsOfPhone(m: EntityManager, phone: string, exceptId: string | null, take: number): Promise<[Ticket[], number]> {
  const qb = m.getRepository(Ticket).createQueryBuilder('t')
    .where('t.reporter_phone = :phone', { phone })
    .orderBy('t.received_at', 'DESC').addOrderBy('t.id', 'ASC')
    .take(take);
  if (exceptId) qb.andWhere('t.id <> :own', { own: exceptId });
  return qb.getManyAndCount();
}

/** The ticket with that code (normalised by the caller), or null. */
export function findTicketByCode(m: EntityManager, code: string): Promise<Ticket | null> {
  return m.findOneBy(Ticket, { code });
}
