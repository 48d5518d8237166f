import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ExtensionRequests1796401200000 implements MigrationInterface {
  name = 'ExtensionRequests1796401200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "ticket_extension_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "ticket_id" uuid NOT NULL, "status" character varying(16) NOT NULL, "requested_due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "previous_due_at" TIMESTAMP WITH TIME ZONE, "reason" text NOT NULL, "unit_code" character varying(32), "requested_by_id" uuid, "requested_by_name" character varying(120) NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "decided_by_id" uuid, "decided_by_name" character varying(120), "decided_at" TIMESTAMP WITH TIME ZONE, "granted_due_at" TIMESTAMP WITH TIME ZONE, "decision_note" text, CONSTRAINT "ck_ticket_extension_requests_status" CHECK (status IN ('pending', 'approved', 'declined')), CONSTRAINT "PK_5c717800cb24bbd211257733685" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_ticket_extension_requests_ticket" ON "ticket_extension_requests"  ("ticket_id", "requested_at") `);
    await q.query(`CREATE INDEX "idx_ticket_extension_requests_pending_at" ON "ticket_extension_requests"  ("requested_at") WHERE status = 'pending'`);
    await q.query(`CREATE UNIQUE INDEX "uq_ticket_extension_requests_pending" ON "ticket_extension_requests"  ("ticket_id") WHERE status = 'pending'`);
    await q.query(`ALTER TABLE "ticket_extension_requests" ADD CONSTRAINT "FK_0dde9f92c08584977d03fd93762" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "ticket_extension_requests" DROP CONSTRAINT "FK_0dde9f92c08584977d03fd93762"`);
    await q.query(`DROP INDEX "public"."uq_ticket_extension_requests_pending"`);
    await q.query(`DROP INDEX "public"."idx_ticket_extension_requests_pending_at"`);
    await q.query(`DROP INDEX "public"."idx_ticket_extension_requests_ticket"`);
    await q.query(`DROP TABLE "ticket_extension_requests"`);
  }
}
