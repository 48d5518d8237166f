import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tokens and page sessions issued before users.sessions_valid_from are refused (new password, role, unit; deactivation). */
export class UserSessionsValidFrom1796305760928 implements MigrationInterface {
  name = 'UserSessionsValidFrom1796305760928';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "sessions_valid_from" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "sessions_valid_from"`);
  }
}
