import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mail catcher's store (MAIL_CATCHER: the embedded set-up with no SMTP server): every outgoing e-mail as the
 * receiver would get it (the whole RFC 5322 message), read by admins at /quan-tri/thu. Its entity is
 * src/notifications/caught-mail.entity.ts; only src/notifications/caught-mails.ts reads and writes it.
 */
export class CaughtMails1796400600000 implements MigrationInterface {
  name = 'CaughtMails1796400600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "caught_mails" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "caught_at" TIMESTAMP WITH TIME ZONE NOT NULL, "outbox_id" uuid, "recipients" text[] NOT NULL DEFAULT '{}', "subject" text NOT NULL DEFAULT '', "attachment_count" integer NOT NULL DEFAULT 0, "size_bytes" integer NOT NULL, "raw" bytea NOT NULL, CONSTRAINT "PK_caught_mails" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_caught_mails_caught_at" ON "caught_mails" ("caught_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "caught_mails"`);
  }
}
