import type { DataSource, EntityManager } from 'typeorm';

/**
 * The official report's counts at a whole hour without reading the tickets that were open then: PostgreSQL keeps, in
 * ticket_state_counts, what every change of a ticket's state spans adds to or takes from the counts at each hour (per
 * unit: open, overdue, rejected, merged; and how many tickets had been received), and the counts at an instant are the
 * sum of the changes up to it (migration TicketStateCounts).
 *
 * Summing every change since the start of operation would read as much as the spans did, so the counts at an instant
 * are kept as checkpoints (ticket_state_count_checkpoints) with the snapshot they were counted in. The counts at T are
 * then the nearest checkpoint's, plus the changes it did not see (written after it, at whatever hour: a late event, an
 * import), plus or minus the changes it saw between its instant and T. A report saves what it counted as the
 * checkpoints of its two instants, so the daily report of tomorrow reads one day of changes. Exact in any snapshot:
 * a change is either in the checkpoint's snapshot or not, whatever the order in which the transactions committed.
 *
 * Transaction ids are the cluster's. After a restore into another cluster (pg_dump and restore, pg_upgrade) the ids
 * in the rows and in the snapshots mean nothing there: the first report after it adopts the rows (adoptStateCounts).
 */

export type StateCountKind = 'received' | 'open' | 'overdue' | 'rejected' | 'merged';

/** One line of the counts at an instant: a unit ('' for the tickets with no unit, and for 'received'), a kind, a count. */
export interface StateCountRow {
  unit_key: string;
  kind: StateCountKind;
  n: number;
}

/** The counts at an instant, and the snapshot they were counted in (to save them as a checkpoint). */
export interface StateCountsAt {
  at: Date;
  rows: StateCountRow[];
  snapshot: string;
  /** The generation of checkpoints the counts belong to (ticket_state_counts_origin). */
  generation: number;
}

/**
 * Makes the kept changes this cluster's, when they were written in another one (a restore): every row becomes visible
 * to every snapshot (the frozen transaction id; they are all committed), the checkpoints go, and a new generation of
 * checkpoints begins, so that no checkpoint counted in the old ids is read or saved. Returns whether it did. Cheap
 * when there is nothing to do (one row read); run before a report's transaction.
 */
export async function adoptStateCounts(ds: DataSource): Promise<boolean> {
  const ours = `(SELECT o.system_id = c.system_identifier FROM ticket_state_counts_origin o, pg_control_system() c)`;
  const [{ same }] = await ds.query(`SELECT ${ours} AS same`);
  if (same) return false;
  return ds.transaction(async (m) => {
    // a checkpoint being saved waits, then finds another generation and is dropped
    await m.query(`LOCK TABLE ticket_state_count_checkpoints, ticket_state_counts_origin IN EXCLUSIVE MODE`);
    const [{ same: again }] = await m.query(`SELECT ${ours} AS same`);
    if (again) return false;
    await m.query(`UPDATE ticket_state_counts SET tx = '3'::xid8 WHERE tx <> '3'::xid8`);
    await m.query(`DELETE FROM ticket_state_count_checkpoints`);
    await m.query(`UPDATE ticket_state_counts_origin SET system_id = (SELECT system_identifier FROM pg_control_system()), generation = generation + 1`);
    return true;
  });
}

/** The counts are kept by whole hour (UTC): an instant inside an hour is counted from the spans instead. */
export function countableInstant(at: Date): boolean {
  return at.getTime() % 3_600_000 === 0;
}

/**
 * The counts at `at` (a whole hour), in the transaction of `m` (its snapshot), from the checkpoint nearest to `at`,
 * or from every change when there is none.
 */
export async function stateCountsAt(m: EntityManager, at: Date): Promise<StateCountsAt> {
  if (!countableInstant(at)) throw new Error(`state counts are kept by whole hour, not at ${at.toISOString()}`);
  const [{ snapshot, generation }] = await m.query(
    `SELECT pg_current_snapshot()::text AS snapshot, generation FROM ticket_state_counts_origin`);
  const [checkpoint]: Array<{ at: Date; snapshot: string }> = await m.query(
    `SELECT at, snapshot::text AS snapshot FROM (
       (SELECT at, snapshot, made_at FROM ticket_state_count_checkpoints WHERE at <= $1 AND generation = $2 ORDER BY at DESC LIMIT 1)
       UNION ALL
       (SELECT at, snapshot, made_at FROM ticket_state_count_checkpoints WHERE at > $1 AND generation = $2 ORDER BY at LIMIT 1)) k
      ORDER BY abs(extract(epoch FROM k.at - $1)), k.made_at DESC LIMIT 1`,
    [at, generation],
  );
  const rows: StateCountRow[] = checkpoint
    ? await m.query(
        `SELECT unit_key, kind, sum(n)::int AS n FROM (
           SELECT e.unit_key, e.kind, e.n
             FROM ticket_state_count_checkpoints k, jsonb_to_recordset(k.counts) AS e(unit_key text, kind text, n int)
            WHERE k.at = $2
           UNION ALL
           SELECT c.unit_key, c.kind, c.n FROM ticket_state_counts c
            WHERE c.tx >= pg_snapshot_xmin($3::pg_snapshot) AND c.hour <= $1 AND NOT pg_visible_in_snapshot(c.tx, $3::pg_snapshot)
           UNION ALL
           SELECT c.unit_key, c.kind, c.n FROM ticket_state_counts c
            WHERE c.hour > $2 AND c.hour <= $1 AND pg_visible_in_snapshot(c.tx, $3::pg_snapshot)
           UNION ALL
           SELECT c.unit_key, c.kind, -c.n FROM ticket_state_counts c
            WHERE c.hour > $1 AND c.hour <= $2 AND pg_visible_in_snapshot(c.tx, $3::pg_snapshot)) x
          GROUP BY 1, 2 HAVING sum(n) <> 0`,
        [at, checkpoint.at, checkpoint.snapshot],
      )
    : await m.query(
        `SELECT unit_key, kind, sum(n)::int AS n FROM ticket_state_counts WHERE hour <= $1 GROUP BY 1, 2 HAVING sum(n) <> 0`,
        [at],
      );
  return { at, rows, snapshot, generation };
}

/**
 * Saves counts as the checkpoint of their instant, replacing one counted in an older snapshot (a checkpoint counted
 * later leaves fewer changes to read); not when the rows were adopted since they were counted (another generation).
 * Runs in its own short transaction (`m`), after the report's.
 */
export async function saveStateCountCheckpoint(m: EntityManager, counts: StateCountsAt): Promise<void> {
  await m.query(
    `INSERT INTO ticket_state_count_checkpoints AS k (at, snapshot, counts, generation)
     SELECT $1, $2::pg_snapshot, $3::jsonb, $4 FROM ticket_state_counts_origin o WHERE o.generation = $4
     ON CONFLICT (at) DO UPDATE SET snapshot = excluded.snapshot, counts = excluded.counts, made_at = excluded.made_at
      WHERE k.generation <> excluded.generation OR pg_snapshot_xmin(k.snapshot) < pg_snapshot_xmin(excluded.snapshot)`,
    [counts.at, counts.snapshot, JSON.stringify(counts.rows), counts.generation],
  );
}

/**
 * Drops the checkpoints at or after `from`: the counts stay exact without them (the next report sums more changes).
 * For the bench, which times a report as the first of its day; and should a checkpoint ever be in doubt.
 */
export async function forgetStateCountCheckpoints(m: EntityManager, from: Date): Promise<void> {
  await m.query(`DELETE FROM ticket_state_count_checkpoints WHERE at >= $1`, [from]);
}

/** How many rows of changes PostgreSQL keeps (for the bench's figures). */
export async function stateCountChangeRows(m: EntityManager): Promise<number> {
  const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM ticket_state_counts`);
  return n;
}
