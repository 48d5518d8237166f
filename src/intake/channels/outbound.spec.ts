import {
  facebookSendRequest,
  parseZaloSendResponse,
  parseZaloTokenResponse,
  zaloRefreshRequest,
  zaloSendRequest,
  ZaloApiError,
  isZaloTokenError,
} from './outbound.js';

describe('facebookSendRequest', () => {
  it('builds the Send API call with the version, a RESPONSE message and the page token', () => {
    const req = facebookSendRequest('http://127.0.0.1:4001/', '106000000000001', 'PAGE_TOKEN', 'psid-1', 'Đã tiếp nhận phản ánh của anh/chị.');
    expect(req).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:4001/v25.0/106000000000001/messages?access_token=PAGE_TOKEN',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ recipient: { id: 'psid-1' }, messaging_type: 'RESPONSE', message: { text: 'Đã tiếp nhận phản ánh của anh/chị.' } }),
    });
    expect(facebookSendRequest('https://graph.facebook.com/v26.0', 'p', 't', 'u', 'x').url).toBe('https://graph.facebook.com/v26.0/p/messages?access_token=t');
  });

  it('puts the page token in the access_token query parameter, encoded, and in no header', () => {
    const req = facebookSendRequest('http://x', 'p', 'EAAG+a/b=c&d', 'u', 'x');
    expect(new URL(req.url).searchParams.get('access_token')).toBe('EAAG+a/b=c&d');
    expect([...new URL(req.url).searchParams.keys()]).toEqual(['access_token']);
    expect(JSON.stringify(req.headers)).not.toContain('EAAG');
  });

  it('refuses empty or over-long text', () => {
    expect(() => facebookSendRequest('http://x', 'p', 't', 'u', '  ')).toThrow(RangeError);
    expect(() => facebookSendRequest('http://x', 'p', 't', 'u', 'ă'.repeat(2001))).toThrow(RangeError);
    expect(() => facebookSendRequest('http://x', 'p', 't', 'u', 'ă'.repeat(2000))).not.toThrow();
  });
});

describe('zaloSendRequest', () => {
  it('builds the customer-service message call with the access_token header', () => {
    expect(zaloSendRequest('http://127.0.0.1:4002', 'OA_TOKEN', '2512523625412515', 'Cảm ơn anh/chị')).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:4002/v3.0/oa/message/cs',
      headers: { 'Content-Type': 'application/json', access_token: 'OA_TOKEN' },
      body: '{"recipient":{"user_id":"2512523625412515"},"message":{"text":"Cảm ơn anh/chị"}}',
    });
  });
});

describe('zaloRefreshRequest', () => {
  it('posts the form with grant_type, refresh_token and app_id, and the app secret as secret_key', () => {
    const req = zaloRefreshRequest('http://127.0.0.1:4003/', 'APP', 'APP_SECRET', 'r+t/=1');
    expect(req.url).toBe('http://127.0.0.1:4003/v4/oa/access_token');
    expect(req.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded', secret_key: 'APP_SECRET' });
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'r+t/=1', app_id: 'APP' });
  });
});

describe('parseZaloTokenResponse', () => {
  it('reads the new tokens; expires_in comes as a string of seconds', () => {
    expect(parseZaloTokenResponse({ access_token: 'A2', refresh_token: 'R2', expires_in: '90000' })).toEqual({ accessToken: 'A2', refreshToken: 'R2', expiresInSec: 90000 });
    expect(parseZaloTokenResponse({ access_token: 'A2', refresh_token: 'R2', expires_in: 3600 }).expiresInSec).toBe(3600);
  });

  it("throws with the platform's message", () => {
    const err = { error_name: 'Invalid parameter', error_reason: 'Invalid refresh token', error_description: 'Refresh token is invalid', error: -14014 };
    expect(() => parseZaloTokenResponse(err)).toThrow(new ZaloApiError('Refresh token is invalid', -14014));
    const caught = (() => {
      try {
        parseZaloTokenResponse({ error: -118, message: 'Invalid app id' });
      } catch (e) {
        return e;
      }
    })();
    expect(caught).toBeInstanceOf(ZaloApiError);
    expect(caught).toMatchObject({ message: 'Invalid app id', code: -118 });
    expect(() => parseZaloTokenResponse({ access_token: 'A' })).toThrow(ZaloApiError);
    expect(() => parseZaloTokenResponse('nope')).toThrow(ZaloApiError);
    expect(() => parseZaloTokenResponse({ access_token: 'A', refresh_token: 'R', expires_in: 'soon' })).toThrow(/expires_in/);
  });
});

describe('parseZaloSendResponse', () => {
  it('reads the message id, and treats a non-zero error in a 200 answer as a failure', () => {
    expect(parseZaloSendResponse({ error: 0, message: 'Success', data: { message_id: 'mid1', user_id: 'u' } })).toEqual({ messageId: 'mid1' });
    expect(() => parseZaloSendResponse({ error: -213, message: 'User has not interacted with the OA in the past 7 days' })).toThrow(
      'User has not interacted with the OA in the past 7 days',
    );
  });
});

describe('isZaloTokenError', () => {
  it('recognises the invalid (-216) and expired (-124) access token answers, and nothing else', () => {
    expect(isZaloTokenError({ error: -216, message: 'Access token is invalid' })).toBe(true);
    expect(isZaloTokenError({ error: '-124', message: 'Access token has expired' })).toBe(true);
    expect(isZaloTokenError({ error: 0, message: 'Success' })).toBe(false);
    expect(isZaloTokenError({ error: -213, message: 'User has not interacted with the OA in the past 7 days' })).toBe(false);
    expect(isZaloTokenError('-216')).toBe(false);
  });
});
