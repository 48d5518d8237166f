import { createHash } from 'node:crypto';
import { signZaloBody, verifyZaloSignature } from './zalo-signature.js';

const APP_ID = '4291763606161179100';
const OA_KEY = 'oa-secret-key-1022';
const T = 1760000000000;
const now = new Date(T + 10_000);
const rawAt = (timestamp: number | string) =>
  Buffer.from(
    `{"app_id":"${APP_ID}","user_id_by_app":"552177279717587730","event_name":"user_send_text","timestamp":${JSON.stringify(String(timestamp))},` +
      `"sender":{"id":"2512523625412515"},"recipient":{"id":"579745863508352884"},"message":{"msg_id":"m1","text":"Đèn đường hỏng ở ấp 3"}}`,
  );
const body = rawAt(T);
const opts = { appId: APP_ID, oaSecretKey: OA_KEY, now };

describe('verifyZaloSignature', () => {
  it('accepts mac= plain SHA-256 of appId + raw body + body timestamp + OA secret key', () => {
    const hex = createHash('sha256').update(Buffer.concat([Buffer.from(APP_ID), body, Buffer.from(String(T)), Buffer.from(OA_KEY)])).digest('hex');
    expect(signZaloBody(body, APP_ID, OA_KEY)).toBe(`mac=${hex}`);
    expect(verifyZaloSignature(body, `mac=${hex}`, opts)).toEqual({ ok: true, timestampMs: T });
  });

  it('is not an HMAC', () => {
    const hmacLike = `mac=${createHash('sha256').update(OA_KEY).digest('hex')}`;
    expect(verifyZaloSignature(body, hmacLike, opts)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects another OA secret key or another app id', () => {
    expect(verifyZaloSignature(body, signZaloBody(body, APP_ID, 'wrong-key'), opts)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyZaloSignature(body, signZaloBody(body, '1', OA_KEY), opts)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a body altered by one byte (inside the multi-byte Vietnamese text)', () => {
    const header = signZaloBody(body, APP_ID, OA_KEY);
    const altered = Buffer.from(body);
    const at = altered.indexOf(Buffer.from('ư'));
    altered[at + 1] ^= 0x01;
    expect(verifyZaloSignature(altered, header, opts)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a replay with an edited timestamp', () => {
    const header = signZaloBody(body, APP_ID, OA_KEY);
    expect(verifyZaloSignature(rawAt(T + 1), header, opts)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('reports a missing header', () => {
    expect(verifyZaloSignature(body, undefined, opts)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyZaloSignature(body, '  ', opts)).toEqual({ ok: false, reason: 'missing' });
  });

  it('reports a malformed header or a body without timestamp', () => {
    const hex = signZaloBody(body, APP_ID, OA_KEY).slice(4);
    for (const header of [hex, `sha256=${hex}`, `mac=${hex.slice(1)}`, `mac=${hex}ab`, 'mac=xyz']) {
      expect(verifyZaloSignature(body, header, opts)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(verifyZaloSignature(Buffer.from('not json'), `mac=${hex}`, opts)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyZaloSignature(Buffer.from('{"event_name":"follow"}'), `mac=${hex}`, opts)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyZaloSignature(Buffer.from('{"timestamp":"12ab"}'), `mac=${hex}`, opts)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects correctly signed events older than 5 minutes, or more than 5 minutes in the future', () => {
    const at = (ms: number) => ({ ...opts, now: new Date(ms) });
    const header = signZaloBody(body, APP_ID, OA_KEY);
    expect(verifyZaloSignature(body, header, at(T + 5 * 60_000))).toEqual({ ok: true, timestampMs: T });
    expect(verifyZaloSignature(body, header, at(T + 5 * 60_000 + 1))).toEqual({ ok: false, reason: 'stale' });
    expect(verifyZaloSignature(body, header, at(T - 5 * 60_000))).toEqual({ ok: true, timestampMs: T });
    expect(verifyZaloSignature(body, header, at(T - 5 * 60_000 - 1))).toEqual({ ok: false, reason: 'stale' });
    expect(verifyZaloSignature(body, header, { ...at(T + 60_000), maxAgeMs: 30_000 })).toEqual({ ok: false, reason: 'stale' });
  });

  it('accepts a numeric timestamp field, hashing its decimal form', () => {
    const numeric = Buffer.from(`{"event_name":"user_send_text","timestamp":${T}}`);
    const header = signZaloBody(numeric, APP_ID, OA_KEY);
    const hex = createHash('sha256').update(`${APP_ID}${numeric.toString()}${T}${OA_KEY}`).digest('hex');
    expect(header).toBe(`mac=${hex}`);
    expect(verifyZaloSignature(numeric, header, opts)).toEqual({ ok: true, timestampMs: T });
  });

  it('refuses to work without an OA secret key', () => {
    expect(() => verifyZaloSignature(body, 'mac=00', { ...opts, oaSecretKey: '' })).toThrow(/not configured/);
    expect(() => signZaloBody(Buffer.from('{}'), APP_ID, OA_KEY)).toThrow(/timestamp/);
  });
});
