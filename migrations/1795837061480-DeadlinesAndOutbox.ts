import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeadlinesAndOutbox1795837061480 implements MigrationInterface {
  name = 'DeadlinesAndOutbox1795837061480';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "calendar_days" ("date" date NOT NULL, "kind" character varying(8) NOT NULL, "name" character varying(200) NOT NULL, CONSTRAINT "PK_1c04d56e8833eb6827f104f17e0" PRIMARY KEY ("date"))`);
    await q.query(`CREATE TABLE "outbox_messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "channel" character varying(16) NOT NULL, "dedupe_key" character varying(250) NOT NULL, "ticket_id" uuid, "payload" jsonb NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "available_at" TIMESTAMP WITH TIME ZONE NOT NULL, "claimed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_592113dbdc26ec3d5e1596db17f" UNIQUE ("dedupe_key"), CONSTRAINT "PK_0171348f527c64b137e4d4f5b66" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_6f99032bbe1464c16656a4e758" ON "outbox_messages"  ("ticket_id") `);
    await q.query(`CREATE INDEX "idx_outbox_due" ON "outbox_messages"  ("status", "available_at") `);
    await q.query(`CREATE TABLE "recipient_lists" ("code" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, "emails" text array NOT NULL DEFAULT '{}', CONSTRAINT "PK_314564fb0c0f142c1b858055ecc" PRIMARY KEY ("code"))`);
    await q.query(`ALTER TABLE "categories" ADD "deadline_mode" character varying(8) NOT NULL DEFAULT 'working'`);
    await q.query(`ALTER TABLE "tickets" ADD "warn_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "tickets" ADD "warned_for_due_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "tickets" ADD "overdue_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "tickets" ADD "overdue_for_due_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "ticket_events" ADD "due_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`CREATE INDEX "idx_tickets_status_warn" ON "tickets"  ("status", "warn_at") `);
    // existing data: urgent categories run around the clock; state events carry the deadline in force
    await q.query(`UPDATE "categories" SET "deadline_mode" = 'clock' WHERE "urgent"`);
    await q.query(`UPDATE "ticket_events" e SET "due_at" = t."due_at" FROM "tickets" t WHERE t."id" = e."ticket_id" AND e."to_status" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."idx_tickets_status_warn"`);
    await q.query(`ALTER TABLE "ticket_events" DROP COLUMN "due_at"`);
    await q.query(`ALTER TABLE "tickets" DROP COLUMN "overdue_for_due_at"`);
    await q.query(`ALTER TABLE "tickets" DROP COLUMN "overdue_at"`);
    await q.query(`ALTER TABLE "tickets" DROP COLUMN "warned_for_due_at"`);
    await q.query(`ALTER TABLE "tickets" DROP COLUMN "warn_at"`);
    await q.query(`ALTER TABLE "categories" DROP COLUMN "deadline_mode"`);
    await q.query(`DROP TABLE "recipient_lists"`);
    await q.query(`DROP INDEX "public"."idx_outbox_due"`);
    await q.query(`DROP INDEX "public"."IDX_6f99032bbe1464c16656a4e758"`);
    await q.query(`DROP TABLE "outbox_messages"`);
    await q.query(`DROP TABLE "calendar_days"`);
  }
}
