import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportSchedule1796400700000 implements MigrationInterface {
  name = 'ReportSchedule1796400700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "report_schedule" ("id" smallint NOT NULL, "weekly_weekday" smallint NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "ck_report_schedule_weekday" CHECK (weekly_weekday BETWEEN 0 AND 7), CONSTRAINT "ck_report_schedule_single" CHECK (id = 1), CONSTRAINT "PK_c7488f713986a70052eb10f1178" PRIMARY KEY ("id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "report_schedule"`);
  }
}
