import type { EntityManager } from 'typeorm';

/** Claims the run of `name` for `period` inside the caller's transaction; false when it was already claimed. */
export async function claimRun(m: EntityManager, name: string, period: string, at: Date): Promise<boolean> {
  const rows = await m.query(
    `INSERT INTO scheduled_runs (name, period, ran_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING name`,
    [name, period, at],
  );
  return rows.length === 1;
}
