import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CallOperator1796400350000 implements MigrationInterface {
  name = 'CallOperator1796400350000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "calls" ADD "operator" character varying(64)`);
    await q.query(`CREATE INDEX "IDX_ec5fd299320e682e951bdb0b89" ON "calls" ("created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_ec5fd299320e682e951bdb0b89"`);
    await q.query(`ALTER TABLE "calls" DROP COLUMN "operator"`);
  }
}
