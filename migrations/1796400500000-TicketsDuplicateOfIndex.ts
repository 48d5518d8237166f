import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tickets merged into a ticket (mergedInto in src/tickets/ticket-queue.ts, the coordinators' merge page, and the
 * lifecycle's move of a merged ticket's own duplicates to the one kept): by duplicate_of_id, partial, since only the
 * merged tickets have one.
 */
export class TicketsDuplicateOfIndex1796400500000 implements MigrationInterface {
  name = 'TicketsDuplicateOfIndex1796400500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_tickets_duplicate_of" ON "tickets" ("duplicate_of_id") WHERE duplicate_of_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_tickets_duplicate_of"`);
  }
}
