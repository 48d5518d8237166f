import type { ComplaintAttachment, NormalizedComplaint } from '../normalized-complaint.js';
import { WebhookShapeError } from './webhook-shape.error.js';
import { attachment, chatComplaint, complaintContent, coordinateOf, epochMsOf, idOf, isRecord, stringOf } from './webhook-fields.js';

export { WebhookShapeError } from './webhook-shape.error.js';

/** Zalo events that carry a citizen's message, and what an attachment-less one of each is described as. */
const MESSAGE_EVENTS: Record<string, ComplaintAttachment['type'] | 'text'> = {
  user_send_text: 'text',
  user_send_image: 'image',
  user_send_gif: 'image',
  user_send_file: 'file',
  user_send_audio: 'file',
  user_send_video: 'file',
  user_send_location: 'location',
  user_send_sticker: 'sticker',
};

/**
 * Turns one Zalo OA webhook POST (one event per POST) into a complaint, or null for an event that is not a citizen's
 * message: the OA's own messages echoed back (`oa_send_text` and every other `oa_*`), `user_received_message`,
 * `user_seen_message`, `follow`, `unfollow`, and any event name not listed in MESSAGE_EVENTS (besides the five
 * documented ones, `user_send_gif` → image and `user_send_audio`/`user_send_video` → file are accepted so a voice
 * message is not dropped silently).
 *
 * Throws `WebhookShapeError` when the body is not an object with an `event_name` string, or when a message event lacks
 * `message.msg_id`, `sender.id` or a `timestamp` in epoch ms (string or number). Unusable attachments are dropped.
 * Location coordinates are read from `payload.coordinates` as `{lat, long}` or `{latitude, longitude}`, numbers or
 * numeric strings (sources disagree).
 */
export function parseZaloWebhook(body: unknown): NormalizedComplaint | null {
  if (!isRecord(body)) throw new WebhookShapeError('Zalo webhook body must be a JSON object');
  if (typeof body.event_name !== 'string' || body.event_name === '') {
    throw new WebhookShapeError('Zalo webhook body has no "event_name" string', 'event_name');
  }
  const kind = Object.hasOwn(MESSAGE_EVENTS, body.event_name) ? MESSAGE_EVENTS[body.event_name] : undefined;
  if (!kind) return null;

  const event = body.event_name;
  const message = body.message;
  if (!isRecord(message)) throw new WebhookShapeError(`Zalo ${event} event has no "message" object`, 'message');
  const msgId = idOf(message.msg_id);
  if (!msgId) throw new WebhookShapeError(`Zalo ${event} event has no "message.msg_id"`, 'message.msg_id');
  const senderId = isRecord(body.sender) ? idOf(body.sender.id) : null;
  if (!senderId) throw new WebhookShapeError(`Zalo ${event} event has no "sender.id"`, 'sender.id');
  const timestamp = epochMsOf(body.timestamp);
  if (timestamp === null) throw new WebhookShapeError(`Zalo ${event} event has no epoch-ms "timestamp"`, 'timestamp');
  const recipientId = isRecord(body.recipient) ? idOf(body.recipient.id) : null;

  const attachments = Array.isArray(message.attachments)
    ? message.attachments.map(parseAttachment).filter((a): a is ComplaintAttachment => a !== null)
    : [];
  const text = typeof message.text === 'string' ? message.text : undefined;
  let content = complaintContent(text, attachments);
  if (!content) {
    if (kind === 'text') throw new WebhookShapeError('Zalo user_send_text event has no text', 'message.text');
    content = complaintContent(undefined, [{ type: kind }]);
  }

  return chatComplaint('zalo', { externalId: msgId, senderId, recipientId, content, attachments, timestamp });
}

function parseAttachment(raw: unknown): ComplaintAttachment | null {
  if (!isRecord(raw) || typeof raw.type !== 'string') return null;
  const payload = isRecord(raw.payload) ? raw.payload : {};
  const url = stringOf(payload.url);
  switch (raw.type) {
    case 'image':
    case 'gif':
      return attachment({ type: 'image', url });
    case 'sticker':
      return attachment({ type: 'sticker', url });
    case 'file':
    case 'audio':
    case 'video':
    case 'voice':
      return attachment({ type: 'file', url, name: stringOf(payload.name) });
    case 'location': {
      const c = isRecord(payload.coordinates) ? payload.coordinates : {};
      const lat = coordinateOf(c.lat ?? c.latitude, 90);
      const long = coordinateOf(c.long ?? c.longitude, 180);
      return attachment(lat !== null && long !== null ? { type: 'location', lat, long } : { type: 'location' });
    }
    default:
      return null;
  }
}
