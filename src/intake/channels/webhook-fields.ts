import type { ComplaintAttachment, NormalizedComplaint } from '../normalized-complaint.js';

/** Short Vietnamese description of one attachment, used as the content of a message that has no text. */
export function describeAttachment(a: ComplaintAttachment): string {
  switch (a.type) {
    case 'image':
      return '[Hình ảnh]';
    case 'sticker':
      return '[Nhãn dán]';
    case 'file':
      return a.name ? `[Tệp đính kèm: ${a.name}]` : '[Tệp đính kèm]';
    case 'location':
      return a.lat !== undefined && a.long !== undefined ? `[Vị trí: ${a.lat}, ${a.long}]` : '[Vị trí]';
  }
}

/** The message text when there is some, else the attachments' descriptions joined by a space ('' when neither). */
export function complaintContent(text: string | undefined, attachments: ComplaintAttachment[]): string {
  const trimmed = text?.trim() ?? '';
  if (trimmed) return trimmed;
  return attachments.map(describeAttachment).join(' ');
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A platform id: a non-empty string, or a safe integer sent as a JSON number (some clients do). */
export function idOf(v: unknown): string | null {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  return null;
}

/** A coordinate given as a number or a numeric string; null when absent or not finite / out of range. */
export function coordinateOf(v: unknown, limit: number): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : null;
}

/** Epoch milliseconds given as a number or a string of digits; null otherwise. */
export function epochMsOf(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? v : null;
  if (typeof v === 'string' && /^\d{1,16}$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) && n > 0 ? n : null;
  }
  return null;
}

export const stringOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The attachment without its undefined fields (keeps stored JSON and test expectations tidy). */
export function attachment(a: ComplaintAttachment): ComplaintAttachment {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as unknown as ComplaintAttachment;
}

/** A chat platform's message as intake takes it: the platform's ids, the text (or a description) and attachments. */
export function chatComplaint(
  channel: NormalizedComplaint['channel'],
  m: { externalId: string; senderId: string; recipientId: string | null; content: string; attachments: ComplaintAttachment[]; timestamp: number },
): NormalizedComplaint {
  return {
    channel, externalId: m.externalId, senderId: m.senderId, recipientId: m.recipientId, reporterName: null,
    content: m.content, attachments: m.attachments, receivedAt: new Date(m.timestamp),
  };
}
