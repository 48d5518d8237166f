import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Channels1795837551168 implements MigrationInterface {
  name = 'Channels1795837551168';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "attachments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "ticket_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "filename" character varying(255), "content_type" character varying(100), "size_bytes" integer, "storage_path" character varying(300), "url" text, "data" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_5e1f050bcff31e3084a1d662412" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_73d871f247ffebda5dc3f0df8a" ON "attachments"  ("ticket_id") `);
    await q.query(`CREATE TABLE "calls" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "call_id" character varying(100) NOT NULL, "caller_number" character varying(32) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ticket_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_f38650b50d35782da3779e45baf" UNIQUE ("call_id"), CONSTRAINT "PK_d9171d91f8dd1a649659f1b6a20" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_8ad675a450e20d17e9ed51d685" ON "calls"  ("caller_number") `);
    await q.query(`CREATE TABLE "channel_tokens" ("channel" character varying(16) NOT NULL, "access_token" text NOT NULL, "refresh_token" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_fde732c3fdbb2e4e5002c5ea484" PRIMARY KEY ("channel"))`);
    await q.query(`CREATE TABLE "ticket_sources" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "ticket_id" uuid NOT NULL, "channel" character varying(16) NOT NULL, "external_id" character varying(250), "sender_id" character varying(250), "recipient_id" character varying(250), "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_5d9f76bdb2b389525a272b99209" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_74116324cc16cb40f3da80a8ab" ON "ticket_sources"  ("ticket_id") `);
    await q.query(`CREATE INDEX "idx_ticket_sources_sender" ON "ticket_sources"  ("channel", "sender_id", "received_at") `);
    await q.query(`CREATE UNIQUE INDEX "uq_ticket_sources_external" ON "ticket_sources"  ("channel", "external_id") WHERE external_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."uq_ticket_sources_external"`);
    await q.query(`DROP INDEX "public"."idx_ticket_sources_sender"`);
    await q.query(`DROP INDEX "public"."IDX_74116324cc16cb40f3da80a8ab"`);
    await q.query(`DROP TABLE "ticket_sources"`);
    await q.query(`DROP TABLE "channel_tokens"`);
    await q.query(`DROP INDEX "public"."IDX_8ad675a450e20d17e9ed51d685"`);
    await q.query(`DROP TABLE "calls"`);
    await q.query(`DROP INDEX "public"."IDX_73d871f247ffebda5dc3f0df8a"`);
    await q.query(`DROP TABLE "attachments"`);
  }
}
