import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where the coordinators' queue starts two of its views (src/tickets/ticket-queue.ts), as small partial indexes whose
 * predicates are written out there:
 * - the returns by ticket (a unit sending a ticket back): the "returned" view and the new ones' count start from
 *   them, where they read the latest event of every waiting ticket (ten thousand lookups at a million tickets);
 * - the creations that found likely duplicates, by time: the "duplicates" view starts from those of its window,
 *   where it looked up the duplicates of every open ticket received in the window.
 */
export class QueueLookupIndexes1796401900000 implements MigrationInterface {
  name = 'QueueLookupIndexes1796401900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_ticket_events_returned" ON "ticket_events" ("ticket_id", "at") WHERE type = 'returned'`);
    await q.query(`CREATE INDEX "idx_ticket_events_with_duplicates" ON "ticket_events" ("at")
      WHERE type = 'created' AND data->'likelyDuplicates' <> '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_ticket_events_with_duplicates"`);
    await q.query(`DROP INDEX "idx_ticket_events_returned"`);
  }
}
