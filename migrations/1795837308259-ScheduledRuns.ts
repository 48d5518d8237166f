import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ScheduledRuns1795837308259 implements MigrationInterface {
  name = 'ScheduledRuns1795837308259';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "scheduled_runs" ("name" character varying(64) NOT NULL, "period" character varying(64) NOT NULL, "ran_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_489eb7c70923129a0383bb39335" PRIMARY KEY ("name", "period"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "scheduled_runs"`);
  }
}
