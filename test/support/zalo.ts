import { signZaloBody } from '../../src/intake/channels/zalo-signature.js';
import { FakePlatform } from './fake-platform.js';
import type { TestApp } from './test-app.js';

/** The Zalo OA of the tests, and one citizen who writes to it. */
export const ZALO = { appId: '4291763606161179100', oaKey: 'zalo-oa-secret-key-1022', oaId: '579745863508352884', citizen: '2512523625412515' };

/** The OA message API's answer to a message it accepts. */
export const ZALO_OK = { status: 200, json: { error: 0, message: 'Success', data: { message_id: 'oa-msg-1', user_id: 'x' } } };

/**
 * Local stand-ins for openapi.zalo.me (accepting every message) and oauth.zaloapp.com, and the settings that point
 * the application at them.
 */
export async function zaloPeers(): Promise<{ api: FakePlatform; oauth: FakePlatform; env: Record<string, string>; stop: () => Promise<void> }> {
  const api = await new FakePlatform().start();
  const oauth = await new FakePlatform().start();
  api.handler = () => ZALO_OK;
  return {
    api, oauth,
    env: {
      ZALO_APP_ID: ZALO.appId, ZALO_APP_SECRET: 'zalo-app-secret-1022', ZALO_OA_SECRET_KEY: ZALO.oaKey, ZALO_ACCESS_TOKEN: 'OA_ACCESS',
      ZALO_REFRESH_TOKEN: 'OA_REFRESH', ZALO_API_URL: api.url, ZALO_OAUTH_URL: `${oauth.url}/`,
    },
    stop: async () => { await api.stop(); await oauth.stop(); },
  };
}

/** The citizen's text message `msgId`, sent at `atMs` as a signed webhook POST; answers the ticket it became. */
export async function zaloText(t: TestApp, msgId: string, text: string, atMs: number): Promise<{ code: string; id: string }> {
  const raw = JSON.stringify({
    app_id: ZALO.appId, user_id_by_app: '552177279717587730', event_name: 'user_send_text', timestamp: String(atMs),
    sender: { id: ZALO.citizen }, recipient: { id: ZALO.oaId }, message: { msg_id: msgId, text },
  });
  const res = await t.http().post('/webhooks/zalo').set('Content-Type', 'application/json')
    .set('X-ZEvent-Signature', signZaloBody(Buffer.from(raw), ZALO.appId, ZALO.oaKey)).send(raw);
  if (res.status !== 200) throw new Error(`zalo webhook: ${res.status} ${JSON.stringify(res.body)}`);
  const [row] = await t.ds.query(`SELECT t.code, t.id FROM tickets t JOIN ticket_sources s ON s.ticket_id = t.id WHERE s.external_id = $1`, [msgId]);
  return row;
}
