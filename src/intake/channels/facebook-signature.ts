import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Meta's `X-Hub-Signature-256` header: `sha256=<hex>`, hex = HMAC-SHA256(app secret, raw request body).
 *
 * Always hash the raw bytes exactly as received: Meta signs an escaped-unicode serialisation (`\u1ea1`, `\/`), so a
 * body re-serialised from parsed JSON does not match.
 */
const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

function digest(rawBody: Buffer, appSecret: string): Buffer {
  if (!appSecret) throw new Error('Facebook app secret is not configured');
  return createHmac('sha256', appSecret).update(rawBody).digest();
}

/**
 * True when `header` carries a valid signature of `rawBody`. A missing, empty or malformed header is false.
 * Throws (a configuration error, not a bad request) when `appSecret` is empty: an empty key would let anyone sign.
 */
export function verifyFacebookSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  const expected = digest(rawBody, appSecret);
  if (typeof header !== 'string') return false;
  const match = HEADER.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The full header value (`sha256=<lowercase hex>`) Meta would send for `rawBody`. */
export function signFacebookBody(rawBody: Buffer, appSecret: string): string {
  return `sha256=${digest(rawBody, appSecret).toString('hex')}`;
}
