import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the overdue sweep looks up for each batch of a thousand tickets it flags, as small partial indexes whose
 * predicates are written out where they are used (src/sla/overdue.service.ts, src/tickets/ticket-deadline-watch.ts):
 * - the due-soon warnings still waiting, by ticket, which it cancels. Without it the planner could combine the ticket
 *   index with the index of every pending message (a mass sweep queues a hundred thousand notices in minutes, before
 *   the statistics catch up) and read them all at each batch;
 * - the reopenings, by ticket and time, which decide a ticket's overdue time: a few rows, where the index of every
 *   event of the ticket reads them all.
 */
export class SweepLookupIndexes1796401700000 implements MigrationInterface {
  name = 'SweepLookupIndexes1796401700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_outbox_pending_due_soon" ON "outbox_messages" ("ticket_id")
      WHERE status = 'pending' AND dedupe_key LIKE 'due-soon:%'`);
    await q.query(`CREATE INDEX "idx_ticket_events_reopened" ON "ticket_events" ("ticket_id", "at") WHERE type = 'reopened'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_ticket_events_reopened"`);
    await q.query(`DROP INDEX "idx_outbox_pending_due_soon"`);
  }
}
