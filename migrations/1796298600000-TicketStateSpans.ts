import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ticket_state_spans: one row per state event with the interval during which its state was the ticket's
 * (src/tickets/ticket-state-span.entity.ts), so that the state of every ticket at an instant reads the intervals that
 * contain it instead of sorting every event ever written (at a million tickets the daily report sorted 2.9 million
 * events three times, spilling 400 MB to disk each time).
 *
 * PostgreSQL keeps it: statement-level triggers on ticket_events (insert, update, delete) hand the tickets whose state
 * events the statement touched to `ticket_state_spans_rebuild`, which recomputes those tickets' spans from their
 * events in one set-based statement and writes only what differs, so an append in order updates the previous last
 * span and inserts the new one whatever wrote the events (a service, a set-based sweep, an import, a bulk load). The
 * migration fills the table with the same function.
 */
export class TicketStateSpans1796298600000 implements MigrationInterface {
  name = 'TicketStateSpans1796298600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "ticket_state_spans" (
      "event_id" bigint NOT NULL,
      "ticket_id" uuid NOT NULL,
      "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL,
      "valid_to" TIMESTAMP WITH TIME ZONE,
      "is_first" boolean NOT NULL,
      "status" character varying(16) NOT NULL,
      "unit_code" character varying(32),
      "due_at" TIMESTAMP WITH TIME ZONE,
      "reject_reason" text,
      "handled_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_ticket_state_spans" PRIMARY KEY ("event_id"))`);

    // The rebuild of the given tickets' spans. The ticket rows are locked first, so that of two transactions adding
    // state events to one ticket the second waits and then reads the first one's events (a writer that changed the
    // ticket holds that lock already). The statement is planned with the actual array (EXECUTE), from one ticket to
    // millions. Columns:
    //   valid_to       the next state event's at in (at, id) order; two events at one instant leave [at, at) to the
    //                  first, so that the later one is the state at that instant, as DISTINCT ON (at DESC, id DESC) did
    //   reject_reason  data->>'reason' of the last 'rejected' event so far (the rows since it form one group)
    //   handled_at     at of the last event so far that entered resolved/closed from another status (or an imported
    //                  ticket's history event): the latest such at, as they come in (at, id) order
    // `prune` also deletes spans whose event is no longer a state event of that ticket (an update of events).
    await q.query(`CREATE FUNCTION ticket_state_spans_rebuild(ticket_ids uuid[], prune boolean DEFAULT false) RETURNS void
      LANGUAGE plpgsql AS $fn$
      BEGIN
        IF coalesce(cardinality(ticket_ids), 0) = 0 THEN
          RETURN;
        END IF;
        PERFORM 1 FROM tickets WHERE id = ANY (ticket_ids) ORDER BY id FOR NO KEY UPDATE;
        IF prune THEN
          DELETE FROM ticket_state_spans s
           WHERE s.ticket_id = ANY (ticket_ids)
             AND NOT EXISTS (SELECT 1 FROM ticket_events e
                              WHERE e.id = s.event_id AND e.ticket_id = s.ticket_id AND e.to_status IS NOT NULL);
        END IF;
        EXECUTE $sql$
          WITH state_events AS (
            SELECT e.id, e.ticket_id, e.at, e.to_status, e.to_unit_code, e.due_at,
                   lead(e.at) OVER w AS next_at,
                   row_number() OVER w = 1 AS is_first,
                   CASE WHEN e.type = 'rejected' THEN e.data->>'reason' END AS reason,
                   count(*) FILTER (WHERE e.type = 'rejected') OVER w AS rejections,
                   max(e.at) FILTER (WHERE e.to_status IN ('resolved', 'closed')
                                       AND (e.from_status NOT IN ('resolved', 'closed')
                                            OR (e.from_status IS NULL AND e.type IN ('resolved', 'closed')))) OVER w AS handled_at
              FROM ticket_events e
             WHERE e.ticket_id = ANY ($1) AND e.to_status IS NOT NULL
            WINDOW w AS (PARTITION BY e.ticket_id ORDER BY e.at, e.id)
          ), spans AS (
            SELECT s.*, first_value(s.reason) OVER (PARTITION BY s.ticket_id, s.rejections ORDER BY s.at, s.id) AS reject_reason
              FROM state_events s
          )
          INSERT INTO ticket_state_spans AS cur
                 (event_id, ticket_id, received_at, valid_from, valid_to, is_first, status, unit_code, due_at, reject_reason, handled_at)
          SELECT s.id, s.ticket_id, t.received_at, s.at, s.next_at, s.is_first, s.to_status, s.to_unit_code, s.due_at,
                 s.reject_reason, s.handled_at
            FROM spans s JOIN tickets t ON t.id = s.ticket_id
          ON CONFLICT (event_id) DO UPDATE
             SET ticket_id = excluded.ticket_id, received_at = excluded.received_at, valid_from = excluded.valid_from,
                 valid_to = excluded.valid_to, is_first = excluded.is_first, status = excluded.status,
                 unit_code = excluded.unit_code, due_at = excluded.due_at, reject_reason = excluded.reject_reason,
                 handled_at = excluded.handled_at
           WHERE (cur.ticket_id, cur.received_at, cur.valid_from, cur.valid_to, cur.is_first, cur.status, cur.unit_code,
                  cur.due_at, cur.reject_reason, cur.handled_at)
                 IS DISTINCT FROM
                 (excluded.ticket_id, excluded.received_at, excluded.valid_from, excluded.valid_to, excluded.is_first,
                  excluded.status, excluded.unit_code, excluded.due_at, excluded.reject_reason, excluded.handled_at)
        $sql$ USING ticket_ids;
      END
      $fn$`);

    await q.query(`CREATE FUNCTION ticket_state_spans_after_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM ticket_state_spans_rebuild(ARRAY(SELECT DISTINCT ticket_id FROM new_events WHERE to_status IS NOT NULL));
        RETURN NULL;
      END
      $fn$`);
    // the spans of deleted events went with them (foreign key); their neighbours' valid_to and carried values change
    await q.query(`CREATE FUNCTION ticket_state_spans_after_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM ticket_state_spans_rebuild(ARRAY(SELECT DISTINCT ticket_id FROM old_events WHERE to_status IS NOT NULL));
        RETURN NULL;
      END
      $fn$`);
    // events are not changed by the application; should one be, its ticket's spans (and a ticket it left) follow
    await q.query(`CREATE FUNCTION ticket_state_spans_after_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM ticket_state_spans_rebuild(ARRAY(
          SELECT ticket_id FROM old_events WHERE to_status IS NOT NULL
           UNION
          SELECT ticket_id FROM new_events WHERE to_status IS NOT NULL), true);
        RETURN NULL;
      END
      $fn$`);
    await q.query(`CREATE TRIGGER ticket_state_spans_after_insert AFTER INSERT ON ticket_events
      REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION ticket_state_spans_after_insert()`);
    await q.query(`CREATE TRIGGER ticket_state_spans_after_delete AFTER DELETE ON ticket_events
      REFERENCING OLD TABLE AS old_events FOR EACH STATEMENT EXECUTE FUNCTION ticket_state_spans_after_delete()`);
    await q.query(`CREATE TRIGGER ticket_state_spans_after_update AFTER UPDATE ON ticket_events
      REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION ticket_state_spans_after_update()`);
    // received_at is copied: it does not change, and should it, the copies follow
    await q.query(`CREATE FUNCTION ticket_state_spans_received_at() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        UPDATE ticket_state_spans SET received_at = NEW.received_at WHERE ticket_id = NEW.id;
        RETURN NULL;
      END
      $fn$`);
    await q.query(`CREATE TRIGGER ticket_state_spans_received_at AFTER UPDATE OF received_at ON tickets
      FOR EACH ROW WHEN (OLD.received_at IS DISTINCT FROM NEW.received_at) EXECUTE FUNCTION ticket_state_spans_received_at()`);

    // the existing history, in one statement, before the indexes (built once at the end)
    await q.query(`SELECT ticket_state_spans_rebuild(ARRAY(SELECT DISTINCT ticket_id FROM ticket_events WHERE to_status IS NOT NULL))`);

    await q.query(`ALTER TABLE "ticket_state_spans" ADD CONSTRAINT "FK_ticket_state_spans_event"
      FOREIGN KEY ("event_id") REFERENCES "ticket_events"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "ticket_state_spans" ADD CONSTRAINT "FK_ticket_state_spans_ticket"
      FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // the cascade from tickets, and one ticket's history
    await q.query(`CREATE INDEX "idx_ticket_state_spans_ticket" ON "ticket_state_spans" ("ticket_id", "valid_from")`);
    // the open and rejected tickets at an instant, or during a period (a report and the one before it): a handled
    // ticket (most of them, soon) is counted as the difference with the tickets that had a state
    await q.query(`CREATE INDEX "idx_ticket_state_spans_unhandled_during" ON "ticket_state_spans"
      USING gist (tstzrange("valid_from", "valid_to", '[)')) WHERE status NOT IN ('resolved', 'closed')`);
    // the tickets that had a state at an instant (first span at or before it), by reception: an index-only count
    await q.query(`CREATE INDEX "idx_ticket_state_spans_first_received" ON "ticket_state_spans" ("received_at", "valid_from")
      WHERE is_first`);
    // statistics of the span ranges: without them the planner takes any "contains T" for 0.5 % of the spans (it is a
    // third at a million tickets) and looks every listed ticket up one by one where a hash join takes about half the time
    await q.query(`CREATE STATISTICS "ticket_state_spans_range" ON (tstzrange("valid_from", "valid_to", '[)')) FROM "ticket_state_spans"`);
    await q.query(`ANALYZE "ticket_state_spans"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER ticket_state_spans_received_at ON tickets`);
    await q.query(`DROP TRIGGER ticket_state_spans_after_update ON ticket_events`);
    await q.query(`DROP TRIGGER ticket_state_spans_after_delete ON ticket_events`);
    await q.query(`DROP TRIGGER ticket_state_spans_after_insert ON ticket_events`);
    await q.query(`DROP FUNCTION ticket_state_spans_received_at()`);
    await q.query(`DROP FUNCTION ticket_state_spans_after_update()`);
    await q.query(`DROP FUNCTION ticket_state_spans_after_delete()`);
    await q.query(`DROP FUNCTION ticket_state_spans_after_insert()`);
    await q.query(`DROP FUNCTION ticket_state_spans_rebuild(uuid[], boolean)`);
    await q.query(`DROP STATISTICS "ticket_state_spans_range"`);
    await q.query(`DROP TABLE "ticket_state_spans"`);
  }
}
