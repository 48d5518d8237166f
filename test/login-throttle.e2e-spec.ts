import { LOGIN_MAX_FAILURES } from '../src/auth/login-throttle.service.js';
import { startTestApp, TEST_PASSWORD, type TestApp } from './support/test-app.js';

describe('password guessing is slowed down', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it(`refuses logins from an address or for a username after ${LOGIN_MAX_FAILURES} failures, with a Vietnamese message`, async () => {
    await t.userToken('coordinator', null, 'dieuphoi-throttle');
    await t.userToken('operator', null, 'tongdai-throttle');
    const login = (username: string, password: string) => t.http().post('/api/auth/login').send({ username, password });
    // a successful login does not count
    for (let i = 0; i < LOGIN_MAX_FAILURES + 2; i++) await login('dieuphoi-throttle', TEST_PASSWORD).expect(200);
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) await login('dieuphoi-throttle', `sai-${i}`).expect(401);
    // now even the right password is refused for this username, without the password being checked
    const refused = await login('dieuphoi-throttle', TEST_PASSWORD).expect(429);
    expect(refused.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_LOGIN_FAILURES', message: expect.stringContaining('Đăng nhập sai quá nhiều lần') });
    // and for any username from the address that guessed
    await login('tongdai-throttle', TEST_PASSWORD).expect(429);
    // the staff login page says the same
    const page = await t.http().post('/dang-nhap').type('form').send({ username: 'tongdai-throttle', password: TEST_PASSWORD });
    expect(page.status).toBe(429);
    expect(page.text).toContain('Đăng nhập sai quá nhiều lần');
  });
});
