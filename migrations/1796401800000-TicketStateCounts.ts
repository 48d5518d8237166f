import type { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN = `('received', 'assigned', 'in_progress')`;

/** The smallest whole hour (UTC) at or after `x`. */
const ceilHour = (x: string) =>
  `(date_trunc('hour', ${x}, 'UTC') + CASE WHEN ${x} > date_trunc('hour', ${x}, 'UTC') THEN interval '1 hour' ELSE interval '0' END)`;

/**
 * What the span rows of `rows` add to the counts (times `sign`), as (hour, unit_key, kind, n) rows. For an instant T on
 * a whole hour, a span is in force at T when valid_from <= T, received_at <= T and T < valid_to, which is
 * ceil(greatest(valid_from, received_at)) <= T < ceil(valid_to); it is overdue at T when it is open, in force and
 * due_at < T, which adds floor(due_at) + 1 hour <= T. So each span adds +1 at the hour it starts to count and -1 at
 * the hour it stops; a ticket's first span adds +1 to 'received' when the ticket had a state.
 */
export function contributions(rows: string, sign: 1 | -1): string {
  return `SELECT c.hour, c.unit_key, c.kind, ${sign} * c.n AS n
    FROM (SELECT s.is_first, coalesce(s.unit_code, '') AS unit_key,
                 ${ceilHour('greatest(s.valid_from, s.received_at)')} AS ha,
                 ${ceilHour('s.valid_to')} AS hv,
                 date_trunc('hour', s.due_at, 'UTC') + interval '1 hour' AS hd,
                 CASE WHEN s.status IN ${OPEN} THEN 'open'
                      WHEN s.status = 'rejected' AND s.reject_reason = 'duplicate' THEN 'merged'
                      WHEN s.status = 'rejected' THEN 'rejected' END AS k
            FROM ${rows} s) s
    CROSS JOIN LATERAL (SELECT CASE WHEN s.hd IS NOT NULL THEN greatest(s.ha, s.hd) END AS hb) b -- greatest() skips a null
    CROSS JOIN LATERAL (VALUES
      (s.ha, '', 'received', CASE WHEN s.is_first THEN 1 ELSE 0 END),
      (s.ha, s.unit_key, s.k, CASE WHEN s.k IS NOT NULL AND (s.hv IS NULL OR s.ha < s.hv) THEN 1 ELSE 0 END),
      (s.hv, s.unit_key, s.k, CASE WHEN s.k IS NOT NULL AND s.ha < s.hv THEN -1 ELSE 0 END),
      (b.hb, s.unit_key, 'overdue', CASE WHEN s.k = 'open' AND b.hb IS NOT NULL AND (s.hv IS NULL OR b.hb < s.hv) THEN 1 ELSE 0 END),
      (s.hv, s.unit_key, 'overdue', CASE WHEN s.k = 'open' AND b.hb < s.hv THEN -1 ELSE 0 END)
    ) c(hour, unit_key, kind, n)
   WHERE c.n <> 0`;
}

const append = (parts: string[]) => `
  INSERT INTO ticket_state_counts (hour, unit_key, kind, n)
  SELECT hour, unit_key, kind, sum(n)::int FROM (${parts.join(' UNION ALL ')}) x GROUP BY 1, 2, 3 HAVING sum(n) <> 0`;

/**
 * The official report's counts at an instant without reading every open ticket: per unit, how many tickets were open,
 * overdue, rejected and merged at a whole hour T, and how many had been received, as the sum of signed changes up to
 * T (src/tickets/ticket-state-counts.ts). At a million tickets with a third of them open, counting the spans in force
 * at T read 400,000 of them, twice per report.
 *
 * `ticket_state_counts` holds the changes: statement triggers on ticket_state_spans (which PostgreSQL keeps from the
 * events) append, per statement, what the inserted, updated and deleted spans add or take away at each hour, summed
 * per (hour, unit, kind). Appending, never updating, means concurrent writers never wait on a counter row. Each row
 * carries the transaction that wrote it (`tx`), so that a checkpoint can tell which rows it already counted.
 *
 * `ticket_state_count_checkpoints` holds the counts at an instant together with the snapshot they were counted in: the
 * counts at T are a checkpoint's, plus the rows it did not see (written after it, whatever their hour), plus or minus
 * the rows it saw whose hour lies between its instant and T. TRUNCATE of the spans empties both. Transaction ids
 * are the cluster's: `ticket_state_counts_origin` names it, so that a restore elsewhere is noticed.
 */
export class TicketStateCounts1796401800000 implements MigrationInterface {
  name = 'TicketStateCounts1796401800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "ticket_state_counts" (
      "hour" TIMESTAMP WITH TIME ZONE NOT NULL, "unit_key" varchar(32) NOT NULL, "kind" varchar(8) NOT NULL,
      "n" integer NOT NULL, "tx" xid8 NOT NULL DEFAULT pg_current_xact_id())`);
    await q.query(`CREATE TABLE "ticket_state_count_checkpoints" (
      "at" TIMESTAMP WITH TIME ZONE NOT NULL, "snapshot" pg_snapshot NOT NULL, "counts" jsonb NOT NULL,
      "generation" integer NOT NULL, "made_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_ticket_state_count_checkpoints" PRIMARY KEY ("at"))`);
    // the cluster whose transaction ids `tx` and the snapshots are: a restore into another cluster (pg_dump, or
    // pg_upgrade) brings ids that mean nothing there, and the first count after it adopts the rows (see
    // adoptStateCounts) and starts a new generation of checkpoints
    await q.query(`CREATE TABLE "ticket_state_counts_origin" (
      "id" integer NOT NULL DEFAULT 1, "system_id" bigint NOT NULL, "generation" integer NOT NULL,
      CONSTRAINT "PK_ticket_state_counts_origin" PRIMARY KEY ("id"), CONSTRAINT "CHK_ticket_state_counts_origin_one" CHECK ("id" = 1))`);
    await q.query(`INSERT INTO ticket_state_counts_origin (system_id, generation) SELECT system_identifier, 1 FROM pg_control_system()`);

    // a statement that wrote no span (the update trigger of an INSERT … ON CONFLICT that only inserted) returns at once
    const onRows = (rows: string, parts: string[]) =>
      `BEGIN IF NOT EXISTS (SELECT FROM ${rows}) THEN RETURN NULL; END IF; ${append(parts)}; RETURN NULL; END`;
    await q.query(`CREATE FUNCTION ticket_state_counts_after_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
      ${onRows('new_spans', [contributions('new_spans', 1)])} $fn$`);
    await q.query(`CREATE FUNCTION ticket_state_counts_after_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
      ${onRows('new_spans', [contributions('new_spans', 1), contributions('old_spans', -1)])} $fn$`);
    await q.query(`CREATE FUNCTION ticket_state_counts_after_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      ${onRows('old_spans', [contributions('old_spans', -1)])} $fn$`);
    await q.query(`CREATE FUNCTION ticket_state_counts_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN DELETE FROM ticket_state_counts; DELETE FROM ticket_state_count_checkpoints; RETURN NULL; END $fn$`);
    await q.query(`CREATE TRIGGER ticket_state_counts_after_insert AFTER INSERT ON ticket_state_spans
      REFERENCING NEW TABLE AS new_spans FOR EACH STATEMENT EXECUTE FUNCTION ticket_state_counts_after_insert()`);
    await q.query(`CREATE TRIGGER ticket_state_counts_after_update AFTER UPDATE ON ticket_state_spans
      REFERENCING OLD TABLE AS old_spans NEW TABLE AS new_spans FOR EACH STATEMENT EXECUTE FUNCTION ticket_state_counts_after_update()`);
    await q.query(`CREATE TRIGGER ticket_state_counts_after_delete AFTER DELETE ON ticket_state_spans
      REFERENCING OLD TABLE AS old_spans FOR EACH STATEMENT EXECUTE FUNCTION ticket_state_counts_after_delete()`);
    await q.query(`CREATE TRIGGER ticket_state_counts_after_truncate AFTER TRUNCATE ON ticket_state_spans
      FOR EACH STATEMENT EXECUTE FUNCTION ticket_state_counts_after_truncate()`);

    // the spans written before this migration
    await q.query(append([contributions('ticket_state_spans', 1)]));
    // the rows up to an hour (a checkpoint's instant to the report's), and the rows a checkpoint did not see
    await q.query(`CREATE INDEX "idx_ticket_state_counts_hour" ON "ticket_state_counts" ("hour")`);
    await q.query(`CREATE INDEX "idx_ticket_state_counts_tx" ON "ticket_state_counts" ("tx")`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const when of ['insert', 'update', 'delete', 'truncate']) {
      await q.query(`DROP TRIGGER ticket_state_counts_after_${when} ON ticket_state_spans`);
      await q.query(`DROP FUNCTION ticket_state_counts_after_${when}()`);
    }
    await q.query(`DROP TABLE "ticket_state_counts_origin"`);
    await q.query(`DROP TABLE "ticket_state_count_checkpoints"`);
    await q.query(`DROP TABLE "ticket_state_counts"`);
  }
}
