import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AppInstallsAndReports1795837397404 implements MigrationInterface {
  name = 'AppInstallsAndReports1795837397404';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "app_installs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "installation_id" character varying(128) NOT NULL, "platform" character varying(8) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_14b3920df20cd119e9e2aec3a19" UNIQUE ("installation_id"), CONSTRAINT "PK_0caee0b29300588aee2cd2b42d9" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_app_installs_platform_created" ON "app_installs"  ("platform", "created_at") `);
    await q.query(`CREATE TABLE "sent_reports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(16) NOT NULL, "report_date" date NOT NULL, "cutoff" TIMESTAMP WITH TIME ZONE NOT NULL, "figures" jsonb NOT NULL, "text" text NOT NULL, "recipients" text array NOT NULL, "outbox_keys" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f6aa8d8a2e9f9722daaefa0ba3d" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_sent_reports_kind_date" ON "sent_reports"  ("kind", "report_date") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."idx_sent_reports_kind_date"`);
    await q.query(`DROP TABLE "sent_reports"`);
    await q.query(`DROP INDEX "public"."idx_app_installs_platform_created"`);
    await q.query(`DROP TABLE "app_installs"`);
  }
}
