import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CitizenFeedback1796401500000 implements MigrationInterface {
  name = 'CitizenFeedback1796401500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "ticket_feedback" ("ticket_id" uuid NOT NULL, "settled" boolean NOT NULL, "rating" smallint NOT NULL, "reason" text, "via" character varying(16) NOT NULL, "recorded_by_id" uuid, "recorded_by_name" character varying(120), "answered_at" TIMESTAMP WITH TIME ZONE NOT NULL, "unit_code" character varying(32), "followed_up_at" TIMESTAMP WITH TIME ZONE, "follow_up" character varying(16), CONSTRAINT "ck_ticket_feedback_rating" CHECK (rating BETWEEN 1 AND 5), CONSTRAINT "PK_dec2a72d474f818d7009f05eae2" PRIMARY KEY ("ticket_id"))`);
    await q.query(`CREATE INDEX "idx_ticket_feedback_answered_at" ON "ticket_feedback"  ("answered_at") `);
    await q.query(`CREATE INDEX "idx_ticket_feedback_disputed" ON "ticket_feedback"  ("answered_at") WHERE settled = false AND followed_up_at IS NULL`);
    await q.query(`ALTER TABLE "ticket_feedback" ADD CONSTRAINT "FK_dec2a72d474f818d7009f05eae2" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "ticket_feedback" DROP CONSTRAINT "FK_dec2a72d474f818d7009f05eae2"`);
    await q.query(`DROP INDEX "public"."idx_ticket_feedback_disputed"`);
    await q.query(`DROP INDEX "public"."idx_ticket_feedback_answered_at"`);
    await q.query(`DROP TABLE "ticket_feedback"`);
  }
}
