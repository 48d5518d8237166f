import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: a code read over the phone must not be misheard. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * A tracking code like "PA-7K3M-9QXZ": random (31^8 ≈ 8.5·10^11 codes), so it reveals nothing about how many
 * tickets exist and cannot be guessed in sequence.
 */
export function newTicketCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `PA-${s.slice(0, 4)}-${s.slice(4)}`;
}

export const TICKET_CODE_PATTERN = /\bPA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}\b/;

/** Codes typed by people: upper case, spaces removed, the dashes of "PA7K3M9QXZ" put back. */
export function normalizeTicketCode(code: string): string {
  const c = code.trim().toUpperCase().replace(/\s+/g, '');
  const bare = /^PA-?([2-9A-HJKMNP-Z]{4})-?([2-9A-HJKMNP-Z]{4})$/.exec(c);
  return bare ? `PA-${bare[1]}-${bare[2]}` : c;
}
