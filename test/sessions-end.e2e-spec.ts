import { bearer, startTestApp, TEST_PASSWORD, type TestApp } from './support/test-app.js';

/**
 * Ending a person's sessions (issue 12): a new password, another role or unit, or a deactivation ends at once every
 * API token and page session issued before; a name change ends none; a sign-in after the change works, also within
 * the same second.
 */
describe('ending the sessions of an account', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.userToken('admin');
  });
  afterAll(() => t?.close());

  async function signIn(username: string, password = TEST_PASSWORD) {
    const api = await t.http().post('/api/auth/login').send({ username, password }).expect(200);
    const page = await t.http().post('/dang-nhap').type('form').send({ username, password }).expect(303);
    const cookie = (page.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    return { token: api.body.accessToken as string, cookie };
  }
  const apiStatus = async (token: string) => (await t.http().get('/api/tickets').set(bearer(token))).status;
  /** 200 when the page session holds; a redirect to the sign-in page when it does not. */
  const pageAnswer = async (cookie: string) => {
    const res = await t.http().get('/tickets').set('Cookie', cookie);
    return res.status === 200 ? 200 : `${res.status} ${res.headers.location}`;
  };
  const change = (username: string, body: Record<string, unknown>) =>
    t.http().patch(`/api/users/${username}`).set(bearer(admin)).send(body).expect(200);

  it.each([
    ['a new password', { password: 'mat-khau-moi-2026' }, 'mat-khau-moi-2026'],
    ['another role', { role: 'operator', unitCode: null }, TEST_PASSWORD],
    ['another unit', { unitCode: 'SO-YTE' }, TEST_PASSWORD],
  ])('%s ends the tokens and page sessions issued before, and a new sign-in works', async (_what, body, password) => {
    const username = `canbo.${Math.random().toString(36).slice(2, 8)}`;
    await t.userToken('unit_staff', 'UB-29401', username);
    const before = await signIn(username);
    expect([await apiStatus(before.token), await pageAnswer(before.cookie)]).toEqual([200, 200]);

    t.clock.advance(60_000);
    await change(username, body);
    expect(await apiStatus(before.token)).toBe(401);
    expect(await pageAnswer(before.cookie)).toMatch(/^303 \/dang-nhap/);

    // signed in again in the very second of the change: that session holds
    const after = await signIn(username, password);
    expect([await apiStatus(after.token), await pageAnswer(after.cookie)]).toEqual([200, 200]);
  });

  it('a deactivated account loses its sessions, and they do not come back with the account', async () => {
    const username = `canbo.${Math.random().toString(36).slice(2, 8)}`;
    await t.userToken('coordinator', null, username);
    const before = await signIn(username);
    t.clock.advance(60_000);
    await change(username, { active: false });
    expect(await apiStatus(before.token)).toBe(401);
    await t.http().post('/api/auth/login').send({ username, password: TEST_PASSWORD }).expect(401);
    t.clock.advance(60_000);
    await change(username, { active: true });
    expect(await apiStatus(before.token)).toBe(401);
    expect(await pageAnswer(before.cookie)).toMatch(/^303 \/dang-nhap/);
  });

  it('a new full name ends nothing', async () => {
    const username = `canbo.${Math.random().toString(36).slice(2, 8)}`;
    await t.userToken('coordinator', null, username);
    const before = await signIn(username);
    t.clock.advance(60_000);
    await change(username, { fullName: 'Nguyễn Thị Hoa' });
    expect([await apiStatus(before.token), await pageAnswer(before.cookie)]).toEqual([200, 200]);
  });
});
