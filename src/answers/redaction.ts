import { normalizeVietnamesePhone, nationalPhone } from '../common/phone.js';
import { withoutDiacritics } from '../common/text.js';

/** What replaces a personal detail in a published text. */
export const REDACTED = '[đã ẩn]';

/** The reporter's details, as the ticket holds them: none of them may appear in a published text. */
export interface ReporterDetails {
  name: string | null;
  /** E.164 (+84…) or as typed. */
  phone: string | null;
  email: string | null;
  address: string | null;
}

export type PersonalKind = 'phone' | 'email' | 'name' | 'address';

/** How the refusal names each kind of detail, in the order it lists them. */
export const PERSONAL_KIND_LABELS: Record<PersonalKind, string> = {
  phone: 'số điện thoại',
  email: 'địa chỉ email',
  name: 'họ tên người phản ánh',
  address: 'địa chỉ của người phản ánh',
};

/**
 * A Vietnamese phone number in any of the ways people write one: 0912345678, 0912 345 678, 0912.345.678,
 * 091-234-5678, +84 912 345 678, 84912345678, (028) 3822 1234. Not a part of a longer number.
 */
const PHONE = /(?<![\d+])\(?(?:\+\s?84|84|0)\)?(?:[\s.\-()]{0,2}\d){8,10}(?!\d)/g;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

const LETTER_BEFORE = '(?<![\\p{L}\\p{N}])';
const LETTER_AFTER = '(?![\\p{L}\\p{N}])';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const words = (s: string) => s.normalize('NFC').trim().split(/\s+/).filter(Boolean);

/** A phrase as a pattern: its words with any white space between them, whole words only, any case. */
function phrasePattern(phrases: string[]): RegExp | null {
  const unique = [...new Set(phrases.map((p) => words(p).join(' ')).filter((p) => p.length >= 2))]
    .sort((a, b) => b.length - a.length);
  if (!unique.length) return null;
  const alternatives = unique.map((p) => words(p).map(escapeRegExp).join('\\s+'));
  return new RegExp(`${LETTER_BEFORE}(?:${alternatives.join('|')})${LETTER_AFTER}`, 'giu');
}

/**
 * The ways the reporter's name may be written: the full name and each tail of two words or more ("Nguyễn Văn An",
 * "Văn An"), each with and without diacritics.
 */
export function nameVariants(name: string | null): string[] {
  const w = words(name ?? '');
  const tails = w.length >= 2 ? w.map((_, i) => w.slice(i).join(' ')).filter((t) => words(t).length >= 2) : w;
  return [...new Set(tails.flatMap((t) => [t, withoutDiacritics(t)]))];
}

/**
 * The reporter's address as it may be written: the whole address, and its first part when it holds a house number
 * ("12 Nguyễn Trãi" of "12 Nguyễn Trãi, ấp 3"), each with and without diacritics.
 */
export function addressVariants(address: string | null): string[] {
  const a = (address ?? '').trim();
  if (a.length < 4) return [];
  const parts = [a];
  const first = a.split(/[,;]/)[0].trim();
  if (first !== a && /\d/.test(first) && first.length >= 4) parts.push(first);
  return [...new Set(parts.flatMap((p) => [p, withoutDiacritics(p)]))];
}

/** The text's digits with the separators between them taken out ("0912 345.678" → "0912345678"). */
const joinedDigits = (text: string) => text.replace(/(?<=\d)[\s.\-()]+(?=\d)/g, '');

/** The reporter's own number as it may be written without separators: 0912345678, 84912345678. */
function reporterNumbers(phone: string | null): string[] {
  const e164 = normalizeVietnamesePhone(phone ?? '') ?? null;
  const national = nationalPhone(e164);
  return national ? [national, `84${national.slice(1)}`] : [];
}

/**
 * The text with the reporter's name, exact address, any phone number and any e-mail address replaced by
 * REDACTED: what a coordinator is offered to publish (they edit it, and see it before it is published).
 */
export function redactText(text: string, reporter: ReporterDetails): string {
  let out = text.normalize('NFC');
  out = out.replace(EMAIL, REDACTED);
  out = out.replace(PHONE, REDACTED);
  const address = phrasePattern(addressVariants(reporter.address));
  if (address) out = out.replace(address, REDACTED);
  const name = phrasePattern(nameVariants(reporter.name));
  if (name) out = out.replace(name, REDACTED);
  return out;
}

/**
 * The personal details still in a text meant for publication, by kind (none: an empty list): any phone number
 * (also the reporter's own written with odd separators), any e-mail address, the reporter's name or exact address.
 */
export function personalDetailsIn(text: string, reporter: ReporterDetails): PersonalKind[] {
  const t = text.normalize('NFC');
  const found: PersonalKind[] = [];
  const digits = joinedDigits(t);
  if (new RegExp(PHONE.source).test(t) || reporterNumbers(reporter.phone).some((n) => digits.includes(n))) found.push('phone');
  if (new RegExp(EMAIL.source).test(t) || (reporter.email && t.toLowerCase().includes(reporter.email.toLowerCase()))) found.push('email');
  const name = phrasePattern(nameVariants(reporter.name));
  if (name && new RegExp(name.source, 'iu').test(t)) found.push('name');
  const address = phrasePattern(addressVariants(reporter.address));
  if (address && new RegExp(address.source, 'iu').test(t)) found.push('address');
  return found;
}

/** The refusal of a text that still holds personal details: "Nội dung công bố còn số điện thoại, …". */
export function personalDetailsMessage(kinds: PersonalKind[]): string {
  return `Nội dung công bố còn ${kinds.map((k) => PERSONAL_KIND_LABELS[k]).join(', ')}. Hãy xóa hoặc thay bằng “${REDACTED}” trước khi công bố.`;
}
