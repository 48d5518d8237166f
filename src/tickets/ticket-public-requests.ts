import type { EntityManager } from 'typeorm';
import type { TicketStatus } from './ticket.entity.js';

/** A ticket as outside systems may see it (Open311 GET): nothing that names or locates the citizen. */
export interface PublicRequestRow {
  id: string;
  code: string;
  status: TicketStatus;
  reject_reason: string | null;
  merged: boolean;
  category_code: string | null;
  category_name: string | null;
  area_name: string | null;
  district_name: string | null;
  assigned_unit_code: string | null;
  received_at: Date;
  updated_at: Date;
  due_at: Date | null;
}

/** Which tickets: by codes, or received in [from, until], of a category, open or closed (resolved, closed, rejected). */
export type PublicRequestFilter =
  | { codes: string[] }
  | { from: Date; until: Date; categoryCode?: string; closed?: boolean };

/**
 * The tickets matching the filter, newest first, at most `limit`: only the columns that say nothing of the citizen
 * (no name, phone, e-mail, address, content or resolution), through the index on received_at or the unique code.
 */
export function publicRequestRows(m: EntityManager, filter: PublicRequestFilter, limit: number): Promise<PublicRequestRow[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  if ('codes' in filter) {
    where.push(`t.code = ANY($${args.push(filter.codes)})`);
  } else {
    where.push(`t.received_at >= $${args.push(filter.from)}`, `t.received_at <= $${args.push(filter.until)}`);
    if (filter.categoryCode) where.push(`t.category_code = $${args.push(filter.categoryCode)}`);
    if (filter.closed !== undefined) where.push(`t.status ${filter.closed ? '' : 'NOT '}IN ('resolved', 'closed', 'rejected')`);
  }
  return m.query(
    `SELECT t.id, t.code, t.status, t.reject_reason, t.duplicate_of_id IS NOT NULL AS merged,
            t.category_code, c.name AS category_name,
            a.name AS area_name, d.name AS district_name, t.assigned_unit_code, t.received_at, t.updated_at, t.due_at
       FROM tickets t
       LEFT JOIN categories c ON c.code = t.category_code
       LEFT JOIN areas a ON a.code = t.area_code
       LEFT JOIN areas d ON d.code = a.parent_code AND d.level = 'district'
      WHERE ${where.join(' AND ')}
      ORDER BY t.received_at DESC, t.code
      LIMIT ${Math.max(1, Math.floor(limit))}`, args);
}
