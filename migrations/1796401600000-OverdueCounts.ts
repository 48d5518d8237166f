import type { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN = `('received', 'assigned', 'in_progress')`;
/** A ticket the overdue sweep has flagged for the deadline it has now, and still open. */
const FLAGGED = `status IN ${OPEN} AND overdue_for_due_at = due_at`;

/**
 * How many open tickets each unit has flagged overdue, kept by PostgreSQL as the tickets change, so that the overdue
 * list of "now" (GET /api/overdue, /tre-han) counts per unit without reading every late ticket: at a million tickets
 * a third of them may be late, and counting them was most of the list's time.
 *
 * `ticket_overdue_counts` holds signed deltas per unit ('' for the tickets with no unit): statement triggers on
 * tickets append, per statement, +1 for each row that became flagged (open, flagged for its deadline) and -1 for
 * each that stopped being (resolved, moved to another unit, deadline extended, deleted), summed per unit; a statement
 * that changes no flag appends nothing. Appending, never updating, means concurrent writers never wait on each
 * other or deadlock over a counter row. The sweep folds the rows into one per unit (compactOverdueCounts), so the
 * table stays about one row per unit. TRUNCATE of tickets empties it. The sum per unit is the count of its flagged
 * open tickets in any snapshot, since the deltas are written in the transaction of the change.
 */
export class OverdueCounts1796401600000 implements MigrationInterface {
  name = 'OverdueCounts1796401600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "ticket_overdue_counts" (
      "id" bigserial NOT NULL, "unit_key" varchar(32) NOT NULL, "n" integer NOT NULL,
      CONSTRAINT "PK_ticket_overdue_counts" PRIMARY KEY ("id"))`);
    // the flagged open tickets by deadline: the few whose deadline is not before a given instant (an instant earlier
    // than the last sweep) are taken off the counts
    await q.query(`CREATE INDEX "idx_tickets_flagged_due" ON "tickets" ("due_at") WHERE ${FLAGGED}`);

    const delta = (parts: string[]) => `
      INSERT INTO ticket_overdue_counts (unit_key, n)
      SELECT unit_key, sum(d)::int FROM (${parts.join(' UNION ALL ')}) x GROUP BY unit_key HAVING sum(d) <> 0;
      RETURN NULL;`;
    const added = `SELECT coalesce(assigned_unit_code, '') AS unit_key, 1 AS d FROM new_rows WHERE ${FLAGGED}`;
    const removed = `SELECT coalesce(assigned_unit_code, '') AS unit_key, -1 AS d FROM old_rows WHERE ${FLAGGED}`;
    await q.query(`CREATE FUNCTION ticket_overdue_counts_after_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN ${delta([added])} END $fn$`);
    await q.query(`CREATE FUNCTION ticket_overdue_counts_after_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN ${delta([added, removed])} END $fn$`);
    await q.query(`CREATE FUNCTION ticket_overdue_counts_after_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN ${delta([removed])} END $fn$`);
    await q.query(`CREATE FUNCTION ticket_overdue_counts_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN DELETE FROM ticket_overdue_counts; RETURN NULL; END $fn$`);
    await q.query(`CREATE TRIGGER ticket_overdue_counts_after_insert AFTER INSERT ON tickets
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ticket_overdue_counts_after_insert()`);
    await q.query(`CREATE TRIGGER ticket_overdue_counts_after_update AFTER UPDATE ON tickets
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ticket_overdue_counts_after_update()`);
    await q.query(`CREATE TRIGGER ticket_overdue_counts_after_delete AFTER DELETE ON tickets
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ticket_overdue_counts_after_delete()`);
    await q.query(`CREATE TRIGGER ticket_overdue_counts_after_truncate AFTER TRUNCATE ON tickets
      FOR EACH STATEMENT EXECUTE FUNCTION ticket_overdue_counts_after_truncate()`);
    // the tickets flagged before this migration
    await q.query(`INSERT INTO ticket_overdue_counts (unit_key, n)
      SELECT coalesce(assigned_unit_code, ''), count(*)::int FROM tickets WHERE ${FLAGGED} GROUP BY 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const when of ['insert', 'update', 'delete', 'truncate']) {
      await q.query(`DROP TRIGGER ticket_overdue_counts_after_${when} ON tickets`);
      await q.query(`DROP FUNCTION ticket_overdue_counts_after_${when}()`);
    }
    await q.query(`DROP INDEX "idx_tickets_flagged_due"`);
    await q.query(`DROP TABLE "ticket_overdue_counts"`);
  }
}
