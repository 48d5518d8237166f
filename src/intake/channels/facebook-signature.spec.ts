import { createHmac } from 'node:crypto';
import { signFacebookBody, verifyFacebookSignature } from './facebook-signature.js';

const SECRET = 'fb-app-secret-1022';
const body = Buffer.from('{"object":"page","entry":[{"id":"111","time":1760000000000,"messaging":[]}]}');

describe('verifyFacebookSignature', () => {
  it('accepts the signature Meta computes: sha256= HMAC-SHA256(app secret, raw body), lowercase hex', () => {
    const header = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    expect(signFacebookBody(body, SECRET)).toBe(header);
    expect(verifyFacebookSignature(body, header, SECRET)).toBe(true);
  });

  it('rejects a signature made with another secret', () => {
    expect(verifyFacebookSignature(body, signFacebookBody(body, 'another-secret'), SECRET)).toBe(false);
  });

  it('rejects a body altered by one byte', () => {
    const header = signFacebookBody(body, SECRET);
    const altered = Buffer.from(body);
    altered[altered.length - 3] ^= 0x01;
    expect(verifyFacebookSignature(altered, header, SECRET)).toBe(false);
  });

  it('rejects a missing or empty header', () => {
    expect(verifyFacebookSignature(body, undefined, SECRET)).toBe(false);
    expect(verifyFacebookSignature(body, '', SECRET)).toBe(false);
  });

  it('rejects malformed headers without throwing', () => {
    const hex = signFacebookBody(body, SECRET).slice('sha256='.length);
    for (const header of [hex, `sha1=${hex}`, `sha256=${hex.slice(0, 62)}`, `sha256=${hex}00`, `sha256=${hex.slice(0, 63)}z`, 'sha256=', 'garbage']) {
      expect(verifyFacebookSignature(body, header, SECRET)).toBe(false);
    }
  });

  it('refuses to work with an empty app secret (a configuration error, not a bad request)', () => {
    expect(() => verifyFacebookSignature(body, signFacebookBody(body, 'x'), '')).toThrow(/not configured/);
  });
});
