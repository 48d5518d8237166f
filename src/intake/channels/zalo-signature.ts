import { createHash, timingSafeEqual } from 'node:crypto';
import { epochMsOf, isRecord } from './webhook-fields.js';

/**
 * Zalo OA's `X-ZEvent-Signature` header: `mac=<hex>`, hex = plain SHA-256 (not HMAC) of
 * `appId + rawBody + timestamp + oaSecretKey`, where `timestamp` is the body's own `timestamp` field (epoch ms, a
 * string) and the key is the OA secret key from the OA's webhook settings (not the app secret).
 */
const HEADER = /^mac=([0-9a-fA-F]{64})$/;
export const ZALO_DEFAULT_MAX_AGE_MS = 5 * 60_000;
/** Clock skew tolerated for events stamped in the future (fixed, independent of maxAgeMs). */
export const ZALO_MAX_FUTURE_SKEW_MS = 5 * 60_000;

export type ZaloSignatureResult =
  | { ok: true; timestampMs: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' | 'stale' };

export interface ZaloVerifyOptions {
  appId: string;
  oaSecretKey: string;
  now: Date;
  /** How old an event may be; default 5 minutes. */
  maxAgeMs?: number;
}

/** The body's `timestamp` exactly as it takes part in the hash, or null when the body is not JSON / has none. */
function bodyTimestamp(rawBody: Buffer): { text: string; ms: number } | null {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return null;
  }
  if (!isRecord(body)) return null;
  const ms = epochMsOf(body.timestamp);
  if (ms === null) return null;
  return { text: typeof body.timestamp === 'string' ? body.timestamp : String(body.timestamp), ms };
}

function digest(rawBody: Buffer, timestamp: string, appId: string, oaSecretKey: string): Buffer {
  if (!appId || !oaSecretKey) throw new Error('Zalo app id or OA secret key is not configured');
  return createHash('sha256').update(appId, 'utf8').update(rawBody).update(timestamp, 'utf8').update(oaSecretKey, 'utf8').digest();
}

/**
 * Checks the signature first and the age second, so a forged body learns nothing about the clock.
 * - `missing`: no header (or an empty one);
 * - `malformed`: the header is not `mac=<64 hex>`, or the body is not a JSON object with a numeric `timestamp`;
 * - `mismatch`: the hash differs (wrong key, altered body or timestamp);
 * - `stale`: signed correctly but older than `maxAgeMs`, or more than 5 minutes in the future.
 * Throws (a configuration error) when appId or oaSecretKey is empty.
 */
export function verifyZaloSignature(rawBody: Buffer, header: string | undefined, opts: ZaloVerifyOptions): ZaloSignatureResult {
  if (!opts.appId || !opts.oaSecretKey) throw new Error('Zalo app id or OA secret key is not configured');
  if (typeof header !== 'string' || header.trim() === '') return { ok: false, reason: 'missing' };
  const match = HEADER.exec(header.trim());
  if (!match) return { ok: false, reason: 'malformed' };
  const timestamp = bodyTimestamp(rawBody);
  if (!timestamp) return { ok: false, reason: 'malformed' };

  const expected = digest(rawBody, timestamp.text, opts.appId, opts.oaSecretKey);
  const given = Buffer.from(match[1], 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'mismatch' };

  const age = opts.now.getTime() - timestamp.ms;
  if (age > (opts.maxAgeMs ?? ZALO_DEFAULT_MAX_AGE_MS) || -age > ZALO_MAX_FUTURE_SKEW_MS) return { ok: false, reason: 'stale' };
  return { ok: true, timestampMs: timestamp.ms };
}

/** The full header value (`mac=<lowercase hex>`) Zalo would send; the timestamp is read from the body. */
export function signZaloBody(rawBody: Buffer, appId: string, oaSecretKey: string): string {
  const timestamp = bodyTimestamp(rawBody);
  if (!timestamp) throw new Error('Zalo body has no numeric "timestamp" field to sign');
  return `mac=${digest(rawBody, timestamp.text, appId, oaSecretKey).toString('hex')}`;
}
