import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sweeps find new work through partial indexes that hold only open tickets not yet flagged (or warned) for
 * their current deadline, so the usual minute reads a few index pages whatever the size of the table (it replaces
 * the (status, warn_at) index, which every sweep read whole). The flag updates are no longer HOT updates, but each
 * ticket is flagged once per deadline. The likely-duplicate search reads the recent tickets of one commune and
 * category through (area_code, category_code, received_at). Repeating jobs record their last outcome in job_health.
 */
export class SweepIndexesAndJobHealth1796297906302 implements MigrationInterface {
  name = 'SweepIndexesAndJobHealth1796297906302';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "job_health" ("name" character varying(64) NOT NULL, "last_succeeded_at" TIMESTAMP WITH TIME ZONE, "last_failed_at" TIMESTAMP WITH TIME ZONE, "last_error" text, "consecutive_failures" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_job_health_name" PRIMARY KEY ("name"))`);
    await q.query(`DROP INDEX IF EXISTS "idx_tickets_status_warn"`);
    await q.query(`CREATE INDEX "idx_tickets_overdue_watch" ON "tickets" ("due_at")
                    WHERE status IN ('received', 'assigned', 'in_progress') AND overdue_for_due_at IS DISTINCT FROM due_at`);
    await q.query(`CREATE INDEX "idx_tickets_due_soon_watch" ON "tickets" ("warn_at")
                    WHERE status IN ('received', 'assigned', 'in_progress') AND warned_for_due_at IS DISTINCT FROM due_at`);
    await q.query(`CREATE INDEX "idx_tickets_area_category_received" ON "tickets" ("area_code", "category_code", "received_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_tickets_area_category_received"`);
    await q.query(`DROP INDEX "idx_tickets_due_soon_watch"`);
    await q.query(`DROP INDEX "idx_tickets_overdue_watch"`);
    await q.query(`CREATE INDEX "idx_tickets_status_warn" ON "tickets" ("status", "warn_at")`);
    await q.query(`DROP TABLE "job_health"`);
  }
}
