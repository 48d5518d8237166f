import type { EntityManager } from 'typeorm';

/** How many tickets there are in all (the demo data is loaded only into an empty database). */
export async function countTickets(m: EntityManager): Promise<number> {
  const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM tickets`);
  return n;
}
