import type { EntityManager } from 'typeorm';
import { CHANNELS, type Channel } from './channels.js';

/** The last complaint or message received on a channel, and how many in the last 7 days. */
export interface ChannelActivity {
  channel: Channel;
  /** The newest ticket's receipt or citizen's message on the channel (ticket_sources), or null when none ever came. */
  lastReceivedAt: Date | null;
  /** Tickets received on the channel in the 7 days before `now`. */
  lastWeek: number;
}

/**
 * For the admins' channel state (/quan-tri/gui-tin): when each channel last brought something in, so a channel that
 * went quiet (an expired token, a webhook no longer called) shows before citizens notice. Each channel's newest row
 * is read through the receipt-time indexes, newest first, so the cost does not grow with the tables.
 */
export async function channelActivity(m: EntityManager, now: Date): Promise<ChannelActivity[]> {
  const weekAgo = new Date(now.getTime() - 7 * 86400_000);
  return Promise.all(CHANNELS.map(async (channel) => {
    const [[ticket], [source], [week]] = await Promise.all([
      m.query(`SELECT received_at AS at FROM tickets WHERE channel = $1 ORDER BY received_at DESC LIMIT 1`, [channel]),
      m.query(`SELECT received_at AS at FROM ticket_sources WHERE channel = $1 ORDER BY received_at DESC LIMIT 1`, [channel]),
      m.query(`SELECT count(*)::int AS n FROM tickets WHERE channel = $1 AND received_at >= $2 AND received_at <= $3`, [channel, weekAgo, now]),
    ]);
    const times = [ticket?.at, source?.at].filter(Boolean).map((d: Date | string) => new Date(d));
    const lastReceivedAt = times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : null;
    return { channel, lastReceivedAt, lastWeek: week?.n ?? 0 };
  }));
}
