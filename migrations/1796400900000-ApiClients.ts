import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiClients1796400900000 implements MigrationInterface {
  name = 'ApiClients1796400900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "api_clients" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(120) NOT NULL, "key_hash" character(64) NOT NULL, "key_prefix" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_by_name" character varying(120) NOT NULL, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_api_clients_id" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_api_clients_key_hash" ON "api_clients" ("key_hash")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "api_clients"`);
  }
}
