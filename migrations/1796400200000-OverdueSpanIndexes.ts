import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The overdue tickets at an instant by unit (overdueSpansSql in src/tickets/ticket-history.ts): the open spans still
 * in force by unit and deadline, with what the count needs to be index-only, and the open spans that have ended, by
 * their end. Both partial: their predicates are written out where they are used (the open statuses as literals).
 */
export class OverdueSpanIndexes1796400200000 implements MigrationInterface {
  name = 'OverdueSpanIndexes1796400200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_ticket_state_spans_open_now" ON "ticket_state_spans" ("unit_code", "due_at", "ticket_id")
      INCLUDE ("valid_from", "received_at", "status") WHERE valid_to IS NULL AND status IN ('received', 'assigned', 'in_progress')`);
    await q.query(`CREATE INDEX "idx_ticket_state_spans_open_ended" ON "ticket_state_spans" ("valid_to")
      WHERE valid_to IS NOT NULL AND status IN ('received', 'assigned', 'in_progress')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_ticket_state_spans_open_ended"`);
    await q.query(`DROP INDEX "idx_ticket_state_spans_open_now"`);
  }
}
