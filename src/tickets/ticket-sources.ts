import type { EntityManager } from 'typeorm';
import type { Channel } from './ticket.entity.js';

/** Whether a message (channel and platform message id) was already taken into a ticket. */
export async function isSourceSeen(m: EntityManager, channel: Channel, externalId: string): Promise<boolean> {
  const rows = await m.query(`SELECT 1 FROM ticket_sources WHERE channel = $1 AND external_id = $2`, [channel, externalId]);
  return rows.length > 0;
}

/** One citizen to answer: a ticket (the one answered or one merged into it), a channel and a sender on it. */
export interface AnswerRecipientRow {
  ticket_id: string;
  code: string;
  channel: Channel;
  sender_id: string | null;
  recipient_id: string | null;
  last_at: Date;
  reporter_email: string | null;
}

/**
 * The citizens of a ticket and of every ticket merged into it: per ticket, channel and sender its latest message
 * (the ticket's own channel and time when it has no source).
 */
export function answerRecipients(m: EntityManager, ticketId: string): Promise<AnswerRecipientRow[]> {
  return m.query(
    `SELECT DISTINCT ON (t.id, coalesce(s.channel, t.channel), s.sender_id) t.id AS ticket_id, t.code, coalesce(s.channel, t.channel) AS channel,
            s.sender_id, s.recipient_id, coalesce(s.received_at, t.received_at) AS last_at, t.reporter_email
       FROM tickets t LEFT JOIN ticket_sources s ON s.ticket_id = t.id
      WHERE t.id = $1 OR t.duplicate_of_id = $1
      ORDER BY t.id, coalesce(s.channel, t.channel), s.sender_id, s.received_at DESC`,
    [ticketId],
  );
}
