import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { AuthUser } from '../common/auth-user.js';
import { notFound } from '../common/errors.js';
import { normalizeTicketCode } from './ticket-code.js';
import { Ticket } from './ticket.entity.js';

/** Units in the subtree of :accessUnit (itself included). */
const SUBTREE = `SELECT code FROM (WITH RECURSIVE sub AS (
    SELECT code FROM units WHERE code = :accessUnit
    UNION ALL SELECT u.code FROM units u JOIN sub ON u.parent_code = sub.code) SELECT code FROM sub) s`;

/**
 * Who may read which tickets — the one place that says it:
 * unit staff the tickets now assigned to their unit; a leader their unit's whole subtree (or everything when bound
 * to no unit); operators, coordinators and admins every ticket.
 */
export function restrictToVisible(qb: SelectQueryBuilder<Ticket>, user: AuthUser, alias = 't'): SelectQueryBuilder<Ticket> {
  switch (user.role) {
    case 'unit_staff':
      return qb.andWhere(`${alias}.assigned_unit_code = :accessUnit`, { accessUnit: user.unitCode });
    case 'leader':
      return user.unitCode ? qb.andWhere(`${alias}.assigned_unit_code IN (${SUBTREE})`, { accessUnit: user.unitCode }) : qb;
    default:
      return qb;
  }
}

export const canCreateTickets = (user: AuthUser) => ['operator', 'coordinator', 'admin'].includes(user.role);

/** The id of ticket `code` if this user may read it, else null (only the id is read). */
export async function findVisibleTicketId(m: EntityManager, user: AuthUser, code: string): Promise<string | null> {
  const ticket = await restrictToVisible(m.getRepository(Ticket).createQueryBuilder('t').select('t.id'), user)
    .andWhere('t.code = :code', { code: normalizeTicketCode(code) })
    .getOne();
  return ticket?.id ?? null;
}

/** The ticket `code` if this user may read it; 404 otherwise (nothing said about tickets one may not see). */
export async function findVisibleTicket(m: EntityManager, user: AuthUser, code: string): Promise<Ticket> {
  const t = await restrictToVisible(m.getRepository(Ticket).createQueryBuilder('t'), user)
    .andWhere('t.code = :code', { code: normalizeTicketCode(code) }).getOne();
  if (!t) throw notFound(`Không tìm thấy phản ánh mã "${code}".`);
  return t;
}
