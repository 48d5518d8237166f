import type { LinkedAttachment } from '../tickets/ticket-lifecycle.js';
import type { Channel } from '../tickets/ticket.entity.js';

/** Something the citizen sent besides text. Coordinates are decimal degrees (WGS 84). */
export type ComplaintAttachment = LinkedAttachment;

/** One citizen message from a chat channel (Facebook Messenger, Zalo OA), in the shape intake stores. */
export interface NormalizedComplaint {
  channel: Channel;
  /** The platform's message id (Facebook message.mid, Zalo message.msg_id); unique per channel, the deduplication key. */
  externalId: string;
  /** Facebook PSID, Zalo user id. */
  senderId: string;
  /** Page id / OA id. */
  recipientId: string | null;
  /** Unknown on these channels. */
  reporterName: string | null;
  /** Message text; for a message with only attachments a short Vietnamese description, e.g. "[Hình ảnh]", "[Vị trí: 9.93, 106.34]". */
  content: string;
  attachments: ComplaintAttachment[];
  /** The platform's timestamp. */
  receivedAt: Date;
}
