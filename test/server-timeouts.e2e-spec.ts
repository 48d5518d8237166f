import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { applyServerTimeouts } from '../src/app.setup.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * A client that stops sending is answered (408) or dropped, never held: the server's limits come from the settings
 * (applyServerTimeouts, as main.ts applies them), set short here. Without them Node would wait 300 s for the body,
 * past this test's own timeout. Nothing here measures time: the test only waits for the server to close.
 */
describe('server timeouts: a stalled client is dropped', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({ env: { HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' } });
    const server = t.app.getHttpServer() as Server;
    applyServerTimeouts(server, t.settings);
    await t.app.listen(0, '127.0.0.1');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => t?.close());

  /** Writes `raw`, sends nothing more, and resolves with whatever the server sent once it closed the connection. */
  const stall = (raw: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        received += chunk;
      });
      socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(received) : reject(e)));
      socket.on('close', () => resolve(received));
      socket.write(raw);
    });

  it('a body shorter than its Content-Length (10 of 100 bytes) is answered 408 and the connection closed', async () => {
    const answer = await stall(
      'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username',
    );
    // Node answers 408 (nothing had been written on the connection yet) and closes it
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('headers that never end are answered 408 and the connection closed', async () => {
    const answer = await stall('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('an idle kept-alive connection is closed after a complete request', async () => {
    const answer = await stall('GET /api/auth/me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    // the request itself was answered (401: no token); then the connection closed for being idle
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toMatch(/Keep-Alive: timeout=1\b/i);
  });
});
