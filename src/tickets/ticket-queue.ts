import { In, type EntityManager } from 'typeorm';
import { OPEN_STATUSES, Ticket } from './ticket.entity.js';

/**
 * The coordinators' queue (the pages under /dieu-phoi): the reads behind its views, each one statement over the
 * tickets and their events, in the caller's manager. What the pages make of the rows (names, deadlines) is theirs.
 *
 * - `new`: waiting for a unit (status received) and not put there by a unit returning it;
 * - `returned`: waiting for a unit because a unit returned it (the event that put it in the queue is a 'returned');
 * - `duplicates`: open, not merged, received within the duplicate window, and its creation found likely duplicates
 *   of which one at least can still be kept (not rejected);
 * - `due_soon`: open, past its warning time, not yet past its deadline;
 * - `overdue`: open and past its deadline;
 * - `extensions`: open, with a unit's request for more time waiting for a decision (oldest request first);
 * - `disputed`: answered, and its citizen said the answer did not settle it; waiting for a coordinator to reopen it or
 *   to explain (oldest first).
 */
export const QUEUE_VIEWS = ['new', 'returned', 'duplicates', 'due_soon', 'overdue', 'extensions', 'disputed'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

/** A view's count stops here (counting every late ticket of a bad month on each page would cost more than the page). */
export const QUEUE_COUNT_CAP = 10_000;

/** Why a ticket is in the queue when a unit returned it: who, from which unit, when and why. */
export interface ReturnInfo {
  at: Date;
  actorName: string;
  unitCode: string | null;
  reason: string | null;
}

export interface QueueDuplicate {
  code: string;
  reason: 'same_phone' | 'similar_text';
  similarity: number;
  status: string;
}

/** The unit's pending request for more time (the `extensions` view). */
export interface PendingExtension {
  requestedDueAt: Date;
  reason: string;
  requestedByName: string;
  requestedAt: Date;
}

/** The citizen's "not settled" (the `disputed` view). */
export interface CitizenDispute {
  rating: number;
  reason: string | null;
  answeredAt: Date;
}

export interface QueuePage {
  tickets: Ticket[];
  /** For the `disputed` view: what the citizen said, by ticket id. */
  disputes: Map<string, CitizenDispute>;
  /** For the `extensions` view: the pending request, by ticket id. */
  extensions: Map<string, PendingExtension>;
  /** For tickets a unit returned (the `returned` view, or any received ticket of the page), by ticket id. */
  returned: Map<string, ReturnInfo>;
  /** For the `duplicates` view: the likely duplicates still to decide on, by ticket id. */
  duplicates: Map<string, QueueDuplicate[]>;
}

export interface QueueWindow {
  now: Date;
  /** Tickets received since then are compared for duplicates (DUPLICATE_DAYS before now). */
  duplicatesSince: Date;
}

const OPEN = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/** The event that put a received ticket in the queue (its latest event leading to 'received'). */
const QUEUE_EVENT = `LEFT JOIN LATERAL (
    SELECT e.type, e.at, e.actor_name, e.from_unit_code, e.note FROM ticket_events e
     WHERE e.ticket_id = t.id AND e.to_status = 'received'
     ORDER BY e.at DESC, e.id DESC LIMIT 1) q ON true`;

/** The likely duplicates listed when the ticket was created that may still be kept (rejected ones cannot). */
const DUPLICATES_OF = `(SELECT COALESCE(jsonb_agg(jsonb_build_object('code', o.code, 'reason', d->>'reason',
            'similarity', (d->>'similarity')::numeric, 'status', o.status) ORDER BY d.ord), '[]'::jsonb)
       FROM ticket_events c
       CROSS JOIN LATERAL jsonb_array_elements(COALESCE(c.data->'likelyDuplicates', '[]'::jsonb)) WITH ORDINALITY AS d(d, ord)
       JOIN tickets o ON o.code = d->>'code'
      WHERE c.ticket_id = t.id AND c.type = 'created' AND o.status <> 'rejected' AND o.id <> t.id)`;

/**
 * The 'returned' events (q) that put a ticket now waiting (t) in the queue: the latest event of the ticket leading to
 * 'received'. Read from the returns (a small partial index, idx_ticket_events_returned), not from every waiting
 * ticket's latest event.
 */
const RETURNED_FROM = 'ticket_events q JOIN tickets t ON t.id = q.ticket_id';
const RETURNED_WHERE = `q.type = 'returned' AND q.to_status = 'received' AND t.status = 'received' AND NOT EXISTS (
    SELECT 1 FROM ticket_events l
     WHERE l.ticket_id = q.ticket_id AND l.to_status = 'received' AND (l.at > q.at OR (l.at = q.at AND l.id > q.id)))`;

interface ViewSql {
  from: string;
  where: string;
  order: string;
  /** Whether `q` is the event that put the ticket in the queue (its columns are read with the page). */
  queueEvent?: boolean;
}

/** Each view as FROM, WHERE and ORDER BY over `tickets t` (:now, :since the duplicate window's start). */
function viewSql(view: QueueView): ViewSql {
  switch (view) {
    case 'new':
      return { from: `tickets t ${QUEUE_EVENT}`, where: `t.status = 'received' AND q.type IS DISTINCT FROM 'returned'`, order: 't.due_at ASC NULLS LAST, t.received_at, t.id', queueEvent: true };
    case 'returned':
      return { from: RETURNED_FROM, where: RETURNED_WHERE, order: 'q.at, t.id', queueEvent: true };
    case 'duplicates':
      // from the creations of the window that found likely duplicates (idx_ticket_events_with_duplicates; a ticket's
      // 'created' event is at its reception), not from every open ticket of the window; OFFSET 0 keeps the planner
      // from starting with the tickets (it cannot know that few creations found duplicates)
      return {
        from: `(SELECT ticket_id FROM ticket_events
                 WHERE type = 'created' AND data->'likelyDuplicates' <> '[]'::jsonb AND at >= :since OFFSET 0) made
               JOIN tickets t ON t.id = made.ticket_id`,
        where: `t.status IN (${OPEN}) AND t.duplicate_of_id IS NULL AND t.received_at >= :since AND jsonb_array_length(${DUPLICATES_OF}) > 0`,
        order: 't.received_at DESC, t.id',
      };
    case 'due_soon':
      return { from: 'tickets t', where: `t.status IN (${OPEN}) AND t.warn_at <= :now AND t.due_at > :now`, order: 't.due_at, t.id' };
    case 'overdue':
      return { from: 'tickets t', where: `t.status IN (${OPEN}) AND t.due_at < :now`, order: 't.due_at, t.id' };
    case 'disputed':
      return { from: `ticket_feedback f JOIN tickets t ON t.id = f.ticket_id`, where: `f.settled = false AND f.followed_up_at IS NULL`, order: 'f.answered_at, t.id' };
    case 'extensions':
      return { from: `ticket_extension_requests x JOIN tickets t ON t.id = x.ticket_id`, where: `x.status = 'pending' AND t.status IN (${OPEN})`, order: 'x.requested_at, t.id' };
  }
}

/**
 * The statement with :now and :since as numbered parameters after `values` (PostgreSQL must know the type of
 * every parameter sent, so only those the statement uses are).
 */
function bind(sql: string, w: QueueWindow, values: unknown[] = []): [string, unknown[]] {
  const params = [...values];
  const numbered = new Map<string, string>();
  const out = sql.replace(/:(now|since)\b/g, (_, name: 'now' | 'since') => {
    if (!numbered.has(name)) numbered.set(name, `$${params.push(name === 'now' ? w.now : w.duplicatesSince)}::timestamptz`);
    return numbered.get(name)!;
  });
  return [out, params];
}

/**
 * How many tickets each view holds now (each capped at QUEUE_COUNT_CAP), in one statement. The new ones are the
 * waiting ones less the returned ones: counted from the tickets' index alone, where the view's own condition reads
 * the latest event of each.
 */
export async function queueCounts(m: EntityManager, w: QueueWindow): Promise<Record<QueueView, number>> {
  const parts = QUEUE_VIEWS.map((v) => {
    if (v === 'new') {
      return `(SELECT count(*)::int FROM (SELECT 1 FROM tickets t WHERE t.status = 'received'
                LIMIT (SELECT n FROM returned) + ${QUEUE_COUNT_CAP}) x) - (SELECT n FROM returned) AS "new"`;
    }
    if (v === 'returned') return `(SELECT LEAST(n, ${QUEUE_COUNT_CAP}) FROM returned) AS "returned"`;
    const s = viewSql(v);
    return `(SELECT count(*)::int FROM (SELECT 1 FROM ${s.from} WHERE ${s.where} LIMIT ${QUEUE_COUNT_CAP}) x) AS "${v}"`;
  });
  const sql = bind(`WITH returned AS (SELECT count(*)::int AS n FROM ${RETURNED_FROM} WHERE ${RETURNED_WHERE}) SELECT ${parts.join(', ')}`, w);
  const [row] = await m.query(...sql);
  return row;
}

/** One page of a view, in its order: the tickets, and for each what the view shows besides. */
export async function queuePage(m: EntityManager, view: QueueView, w: QueueWindow, page: number, pageSize: number): Promise<QueuePage> {
  const s = viewSql(view);
  const rows: Array<{ id: string; q_type: string | null; q_at: Date | null; q_actor: string | null; q_unit: string | null; q_note: string | null; dups: QueueDuplicate[] | null; ext: { requestedDueAt: string; reason: string; requestedByName: string; requestedAt: string } | null; fb: { rating: number; reason: string | null; answeredAt: string } | null }> =
    await m.query(...bind(
      `SELECT t.id,
              ${s.queueEvent ? 'q.type AS q_type, q.at AS q_at, q.actor_name AS q_actor, q.from_unit_code AS q_unit, q.note AS q_note' : 'NULL AS q_type, NULL AS q_at, NULL AS q_actor, NULL AS q_unit, NULL AS q_note'},
              ${view === 'duplicates' ? DUPLICATES_OF : 'NULL'} AS dups,
              ${view === 'extensions' ? `jsonb_build_object('requestedDueAt', x.requested_due_at, 'reason', x.reason, 'requestedByName', x.requested_by_name, 'requestedAt', x.requested_at)` : 'NULL'} AS ext,
              ${view === 'disputed' ? `jsonb_build_object('rating', f.rating, 'reason', f.reason, 'answeredAt', f.answered_at)` : 'NULL'} AS fb
         FROM ${s.from} WHERE ${s.where} ORDER BY ${s.order} OFFSET $1 LIMIT $2`,
      w, [(page - 1) * pageSize, pageSize]));
  const found = rows.length ? await m.findBy(Ticket, { id: In(rows.map((r) => r.id)) }) : [];
  const byId = new Map(found.map((t) => [t.id, t]));
  const returned = new Map<string, ReturnInfo>();
  const duplicates = new Map<string, QueueDuplicate[]>();
  const extensions = new Map<string, PendingExtension>();
  const disputes = new Map<string, CitizenDispute>();
  for (const r of rows) {
    if (r.fb) disputes.set(r.id, { ...r.fb, answeredAt: new Date(r.fb.answeredAt) });
    if (r.ext) extensions.set(r.id, { ...r.ext, requestedDueAt: new Date(r.ext.requestedDueAt), requestedAt: new Date(r.ext.requestedAt) });
    if (r.q_type === 'returned') returned.set(r.id, { at: r.q_at!, actorName: r.q_actor!, unitCode: r.q_unit, reason: r.q_note });
    if (r.dups) duplicates.set(r.id, r.dups.map((d) => ({ ...d, similarity: Number(d.similarity) })));
  }
  return { tickets: rows.map((r) => byId.get(r.id)).filter((t): t is Ticket => !!t), returned, duplicates, extensions, disputes };
}

/** Whether a unit returned this ticket to the queue, and who, when and why (null when it waits for another reason). */
export async function returnInfo(m: EntityManager, ticketId: string): Promise<ReturnInfo | null> {
  const [r]: Array<{ type: string; at: Date; actor_name: string; from_unit_code: string | null; note: string | null }> = await m.query(
    `SELECT q.* FROM tickets t ${QUEUE_EVENT} WHERE t.id = $1 AND t.status = 'received'`, [ticketId]);
  if (!r || r.type !== 'returned') return null;
  return { at: r.at, actorName: r.actor_name, unitCode: r.from_unit_code, reason: r.note };
}

/** A ticket merged into another (rejected as its duplicate). */
export interface MergedTicket {
  code: string;
  reporterName: string;
  receivedAt: Date;
  mergedAt: Date | null;
  content: string;
}

/**
 * Every ticket merged into the ticket `ticketId` (those whose duplicate_of_id names it: merging follows chains to the
 * ticket kept, so this is the whole list), oldest merge first.
 */
export async function mergedInto(m: EntityManager, ticketId: string): Promise<MergedTicket[]> {
  const rows: Array<{ code: string; reporter_name: string; received_at: Date; rejected_at: Date | null; content: string }> = await m.query(
    `SELECT code, reporter_name, received_at, rejected_at, content FROM tickets WHERE duplicate_of_id = $1 ORDER BY rejected_at NULLS LAST, received_at, code`,
    [ticketId]);
  return rows.map((r) => ({ code: r.code, reporterName: r.reporter_name, receivedAt: r.received_at, mergedAt: r.rejected_at, content: r.content }));
}
