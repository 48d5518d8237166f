import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Staff ticket creations made once per Idempotency-Key and account (StaffIdempotencyService). */
export class StaffIdempotencyKeys1796400000000 implements MigrationInterface {
  name = 'StaffIdempotencyKeys1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "staff_idempotency_keys" ("user_id" uuid NOT NULL, "key" character varying(128) NOT NULL, "request_hash" character varying(64) NOT NULL, "ticket_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_ce1dd8f5a3a575815b51ff3b517" PRIMARY KEY ("user_id", "key"))`);
    await q.query(`CREATE INDEX "idx_staff_idempotency_keys_expiry" ON "staff_idempotency_keys" ("user_id", "created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."idx_staff_idempotency_keys_expiry"`);
    await q.query(`DROP TABLE "staff_idempotency_keys"`);
  }
}
