import type { ComplaintAttachment, NormalizedComplaint } from '../normalized-complaint.js';
import { WebhookShapeError } from './webhook-shape.error.js';
import { attachment, chatComplaint, complaintContent, coordinateOf, epochMsOf, idOf, isRecord, stringOf } from './webhook-fields.js';

export { WebhookShapeError } from './webhook-shape.error.js';

/**
 * Turns one Messenger webhook POST into the citizen messages it carries, in the order received.
 *
 * - The body must be an object with an `object` string and an `entry` array, else `WebhookShapeError` (answer 400).
 * - `object` other than "page" (e.g. "instagram", "user" when the app is subscribed to other products) is a
 *   well-formed event we do not handle: it returns [] so the HTTP layer can acknowledge it with 200 and Meta stops
 *   redelivering it.
 * - Every entry and every `messaging` item is handled. Entries without a `messaging` array (feed `changes`, `standby`)
 *   contribute nothing. An item is skipped, never thrown on, when it is not usable: `delivery`, `read`, `reaction`,
 *   `optin`, postbacks (a postback carries a button's title, not text the citizen typed) and any item without a
 *   `message`; `message.is_echo` (the page's own messages); no `message.mid` or no sender id; no usable timestamp;
 *   neither text nor a recognised attachment.
 * - Attachments: image → image (an image with `sticker_id`, such as the "like" thumb, → sticker), file/video/audio →
 *   file, location → location with `payload.coordinates.lat/long`, fallback (a shared link) → file named by its title;
 *   templates and unknown types are dropped.
 * - receivedAt = the item's `timestamp` (ms); when that is absent or invalid, the entry's `time`.
 */
export function parseFacebookWebhook(body: unknown): NormalizedComplaint[] {
  if (!isRecord(body)) throw new WebhookShapeError('Facebook webhook body must be a JSON object');
  if (typeof body.object !== 'string') throw new WebhookShapeError('Facebook webhook body has no "object" string', 'object');
  if (body.object !== 'page') return [];
  if (!Array.isArray(body.entry)) throw new WebhookShapeError('Facebook webhook body has no "entry" array', 'entry');

  const out: NormalizedComplaint[] = [];
  for (const entry of body.entry) {
    if (!isRecord(entry) || !Array.isArray(entry.messaging)) continue;
    const pageId = idOf(entry.id);
    const entryTime = epochMsOf(entry.time);
    for (const item of entry.messaging) {
      const complaint = parseMessagingItem(item, pageId, entryTime);
      if (complaint) out.push(complaint);
    }
  }
  return out;
}

function parseMessagingItem(item: unknown, pageId: string | null, entryTime: number | null): NormalizedComplaint | null {
  if (!isRecord(item) || 'delivery' in item || 'read' in item) return null;
  const message = item.message;
  if (!isRecord(message) || message.is_echo === true) return null;
  const mid = idOf(message.mid);
  const senderId = isRecord(item.sender) ? idOf(item.sender.id) : null;
  if (!mid || !senderId) return null;
  const recipientId = (isRecord(item.recipient) ? idOf(item.recipient.id) : null) ?? pageId;
  const timestamp = epochMsOf(item.timestamp) ?? entryTime;
  if (timestamp === null) return null;

  const attachments = Array.isArray(message.attachments)
    ? message.attachments.map(parseAttachment).filter((a): a is ComplaintAttachment => a !== null)
    : [];
  const content = complaintContent(typeof message.text === 'string' ? message.text : undefined, attachments);
  if (!content) return null;

  return chatComplaint('facebook', { externalId: mid, senderId, recipientId, content, attachments, timestamp });
}

function parseAttachment(raw: unknown): ComplaintAttachment | null {
  const a = readAttachment(raw);
  return a && attachment(a);
}

function readAttachment(raw: unknown): ComplaintAttachment | null {
  if (!isRecord(raw) || typeof raw.type !== 'string') return null;
  const payload = isRecord(raw.payload) ? raw.payload : {};
  const url = stringOf(payload.url);
  switch (raw.type) {
    case 'image':
      return payload.sticker_id !== undefined ? { type: 'sticker', url } : { type: 'image', url };
    case 'file':
    case 'video':
    case 'audio':
      return { type: 'file', url, name: stringOf(payload.name) ?? stringOf(payload.title) };
    case 'fallback':
      return { type: 'file', url: url ?? stringOf(raw.url), name: stringOf(raw.title) ?? stringOf(payload.title) };
    case 'location': {
      const c = isRecord(payload.coordinates) ? payload.coordinates : {};
      const lat = coordinateOf(c.lat, 90);
      const long = coordinateOf(c.long, 180);
      return lat !== null && long !== null ? { type: 'location', lat, long, url } : { type: 'location', url };
    }
    default:
      return null;
  }
}
