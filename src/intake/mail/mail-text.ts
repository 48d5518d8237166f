import { createHash } from 'node:crypto';
import type { ParsedMail } from 'mailparser';

/** Longest complaint text kept from a mail (the operator's form allows as much). */
export const MAX_CONTENT_CHARS = 10_000;

/**
 * The citizen's own words of a reply: the quoted previous message at the end ("> …" lines, with the
 * "On … wrote:" / "Vào … đã viết:" line that introduces them) is left out. Text quoted in the middle of a message
 * (answers interleaved with quotes) is kept, and so is everything when nothing but a quote is left.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  while (end > 0 && (lines[end - 1].trim() === '' || lines[end - 1].startsWith('>'))) end--;
  if (end === lines.length || !lines.slice(end).some((l) => l.startsWith('>'))) return text.trim();
  // the attribution line ("On …, X <x@y> wrote:"), which mail clients may wrap before the verb
  const attribution = end > 0 ? lines[end - 1].trim() : '';
  if (/(wrote|viết)\s*:$/i.test(attribution)) {
    end--;
    if (/^(wrote|đã viết)\s*:$/i.test(attribution) && end > 0 && lines[end - 1].trim()) end--;
  }
  const own = lines.slice(0, end).join('\n').trim();
  return own || text.trim();
}

/**
 * The deduplication key of a mail: its Message-ID (a redelivery by the relay carries the same one), or a hash of the
 * raw message when it has none. Stored in a 250-character column: a longer Message-ID is hashed too.
 */
export function mailExternalId(messageId: string | undefined, raw: Buffer): string {
  const id = messageId?.trim();
  if (id && id.length <= 250) return id;
  return `sha256:${createHash('sha256').update(id || raw).digest('hex')}`;
}

/**
 * Why a mail is an automatic one that must not become a ticket (null when a person wrote it): a bounce or delivery
 * report (null reverse path, multipart/report), an auto-reply (Auto-Submitted, Precedence), or mail claiming to come
 * from the hotline's own addresses. The acknowledgements go out from the same mailbox that receives, so without
 * this a bounced acknowledgement would open a ticket, be acknowledged, bounce again, and so on.
 */
export function automaticMailReason(mail: ParsedMail, envelopeFrom: string | null, ownAddresses: ReadonlySet<string>): string | null {
  if (envelopeFrom === '') return 'null reverse path (bounce)';
  const autoSubmitted = headerText(mail, 'auto-submitted').toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = headerText(mail, 'precedence').toLowerCase();
  if (['bulk', 'junk', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`;
  if (headerText(mail, 'content-type').toLowerCase() === 'multipart/report') return 'delivery report';
  const from = mail.from?.value.find((a) => a.address)?.address?.toLowerCase();
  if (from && ownAddresses.has(from)) return `sent from the hotline's own address ${from}`;
  return null;
}

function headerText(mail: ParsedMail, name: string): string {
  const v = mail.headers.get(name);
  if (typeof v === 'string') return v.trim();
  if (v && typeof v === 'object' && 'value' in v && typeof v.value === 'string') return v.value.trim();
  return '';
}

/** Lower-case addresses of a comma (or space) separated setting. */
export function addressSet(list: string): Set<string> {
  return new Set(list.split(/[\s,;]+/).map((a) => a.trim().toLowerCase()).filter(Boolean));
}

/** The address inside `"Name" <address>` (or the bare address), lower case. */
export function addressOf(mailbox: string): string | null {
  return (mailbox.match(/<([^>\s]+)>/)?.[1] ?? mailbox.match(/[^\s<>"]+@[^\s<>"]+/)?.[0] ?? '').toLowerCase() || null;
}
