import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attachments kept where every instance reads them and a backup holds them: their content in attachment_contents
 * (ATTACHMENT_STORAGE=postgres) or in an object store (s3), the store named on the row (attachments.storage). Rows
 * of files kept on disk by earlier versions keep their storage_path until `import-attachment-files` moves them.
 */
export class AttachmentContents1796400100000 implements MigrationInterface {
  name = 'AttachmentContents1796400100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "attachment_contents" ("attachment_id" uuid NOT NULL, "content" bytea NOT NULL, CONSTRAINT "PK_1b424a72de833edc0a5e28a94c6" PRIMARY KEY ("attachment_id"))`);
    await q.query(`ALTER TABLE "attachments" ADD "storage" character varying(16)`);
    await q.query(`ALTER TABLE "attachment_contents" ADD CONSTRAINT "FK_1b424a72de833edc0a5e28a94c6" FOREIGN KEY ("attachment_id") REFERENCES "attachments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "attachment_contents" DROP CONSTRAINT "FK_1b424a72de833edc0a5e28a94c6"`);
    await q.query(`ALTER TABLE "attachments" DROP COLUMN "storage"`);
    await q.query(`DROP TABLE "attachment_contents"`);
  }
}
