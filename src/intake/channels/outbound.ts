/**
 * Request builders for the replies and token refreshes the chat channels need. Pure: they return what to send; the
 * caller does the HTTP. Every base URL is a setting (tests point it at a local server), given without a trailing path.
 */

export interface OutboundRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  /** Serialised, ready for fetch(): JSON for the send APIs, form-encoded for the token refresh. */
  body: string;
}

/** Graph API version of the Send API. `graphUrl` is the bare host (https://graph.facebook.com); if it already ends in
 *  a version segment (`…/v25.0`), that one is used instead. */
export const FACEBOOK_GRAPH_VERSION = 'v25.0';
/** Messenger and Zalo OA both cap a text message at 2000 characters; longer replies must be split by the caller. */
export const MAX_REPLY_CHARS = 2000;

const base = (url: string) => url.replace(/\/+$/, '');

function checkText(text: string): void {
  if (text.trim() === '') throw new RangeError('Reply text must not be empty');
  if ([...text].length > MAX_REPLY_CHARS) throw new RangeError(`Reply text exceeds ${MAX_REPLY_CHARS} characters`);
}

function required(name: string, value: string): void {
  if (!value) throw new TypeError(`${name} must not be empty`);
}

/**
 * Messenger Send API: POST {graphUrl}/v25.0/{pageId}/messages?access_token={page token} with
 * `{"recipient":{"id":PSID},"messaging_type":"RESPONSE","message":{"text":…}}` (allowed within 24 h of the user's last
 * message). The page access token goes in the `access_token` query parameter, as Meta documents it; the URL therefore
 * carries a secret: never log it or put it in an error message.
 */
export function facebookSendRequest(graphUrl: string, pageId: string, pageAccessToken: string, psid: string, text: string): OutboundRequest {
  required('pageId', pageId);
  required('pageAccessToken', pageAccessToken);
  required('psid', psid);
  checkText(text);
  const root = base(graphUrl);
  const versioned = /\/v\d+\.\d+$/.test(root) ? root : `${root}/${FACEBOOK_GRAPH_VERSION}`;
  return {
    method: 'POST',
    url: `${versioned}/${encodeURIComponent(pageId)}/messages?${new URLSearchParams({ access_token: pageAccessToken })}`,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text } }),
  };
}

/** Zalo OA customer-service message: POST {apiUrl}/v3.0/oa/message/cs, header `access_token`, allowed within 48 h. */
export function zaloSendRequest(apiUrl: string, accessToken: string, userId: string, text: string): OutboundRequest {
  required('accessToken', accessToken);
  required('userId', userId);
  checkText(text);
  return {
    method: 'POST',
    url: `${base(apiUrl)}/v3.0/oa/message/cs`,
    headers: { 'Content-Type': 'application/json', access_token: accessToken },
    body: JSON.stringify({ recipient: { user_id: userId }, message: { text } }),
  };
}

/** Zalo OA token refresh: POST {oauthUrl}/v4/oa/access_token, form grant_type/refresh_token/app_id, header `secret_key`
 *  (the app secret). The answer carries a new refresh token and the old one stops working: store it durably. */
export function zaloRefreshRequest(oauthUrl: string, appId: string, appSecret: string, refreshToken: string): OutboundRequest {
  required('appId', appId);
  required('appSecret', appSecret);
  required('refreshToken', refreshToken);
  return {
    method: 'POST',
    url: `${base(oauthUrl)}/v4/oa/access_token`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', secret_key: appSecret },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, app_id: appId }).toString(),
  };
}

/** An error answer from a Zalo API; `code` is Zalo's (negative) error number when it gave one. */
export class ZaloApiError extends Error {
  override readonly name = 'ZaloApiError';
  constructor(
    message: string,
    readonly code: number | null,
  ) {
    super(message);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function zaloError(json: Record<string, unknown>, fallback: string): ZaloApiError {
  const message = [json.error_description, json.error_reason, json.error_name, json.message].find(
    (m): m is string => typeof m === 'string' && m.trim() !== '',
  );
  const code = typeof json.error === 'number' ? json.error : typeof json.error === 'string' && /^-?\d+$/.test(json.error) ? Number(json.error) : null;
  return new ZaloApiError(message ?? fallback, code);
}

/**
 * The refresh answer `{access_token, refresh_token, expires_in}` (expires_in is a string of seconds in practice, a number
 * in some accounts). Throws ZaloApiError with the platform's message (error_description / error_reason / error_name /
 * message) when the answer is an error or lacks a token.
 */
export function parseZaloTokenResponse(json: unknown): { accessToken: string; refreshToken: string; expiresInSec: number } {
  if (!isRecord(json)) throw new ZaloApiError('Zalo token response is not a JSON object', null);
  const hasError = json.error !== undefined && json.error !== 0 && json.error !== '0';
  const accessToken = json.access_token;
  const refreshToken = json.refresh_token;
  if (hasError || typeof accessToken !== 'string' || accessToken === '' || typeof refreshToken !== 'string' || refreshToken === '') {
    throw zaloError(json, 'Zalo token response carries no access_token/refresh_token');
  }
  const expiresInSec = Number(json.expires_in);
  if (!Number.isFinite(expiresInSec) || expiresInSec <= 0 || (typeof json.expires_in !== 'number' && typeof json.expires_in !== 'string')) {
    throw new ZaloApiError('Zalo token response has no valid expires_in', null);
  }
  return { accessToken, refreshToken, expiresInSec };
}

/**
 * The answer of the Zalo send API: Zalo answers HTTP 200 even on failure, with `{"error": <non-zero>, "message": …}`.
 * Returns the message id on success (`{"error":0,"data":{"message_id":…}}`), throws ZaloApiError otherwise.
 */
export function parseZaloSendResponse(json: unknown): { messageId: string | null } {
  if (!isRecord(json)) throw new ZaloApiError('Zalo send response is not a JSON object', null);
  if (json.error !== 0 && json.error !== '0') throw zaloError(json, 'Zalo send response reports an error');
  const data = isRecord(json.data) ? json.data : {};
  return { messageId: typeof data.message_id === 'string' && data.message_id !== '' ? data.message_id : null };
}

/**
 * Zalo error numbers meaning "this access token is no longer good": -216 (access token invalid, what an expired OA
 * token usually gets) and -124 (access token expired). Any of them: refresh once and try again.
 */
export const ZALO_TOKEN_ERRORS: ReadonlySet<number> = new Set([-216, -124]);

/** True when a Zalo send answer says the access token must be refreshed. */
export function isZaloTokenError(json: unknown): boolean {
  if (!isRecord(json)) return false;
  const code = typeof json.error === 'number' ? json.error : typeof json.error === 'string' && /^-?\d+$/.test(json.error) ? Number(json.error) : null;
  return code !== null && ZALO_TOKEN_ERRORS.has(code);
}
