/** Stands in for a messaging platform's HTTP API (graph.facebook.com, openapi.zalo.me, oauth.zaloapp.com): a local server recording every request the app makes. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
}
export type Answer = { status: number; json: unknown };

/** Headers any HTTP client adds; what remains is what the app chose to send. */
const TRANSPORT = new Set(['host', 'connection', 'content-length', 'user-agent', 'accept', 'accept-language', 'accept-encoding', 'sec-fetch-mode']);
export const appHeaders = (h: IncomingHttpHeaders) => Object.fromEntries(Object.entries(h).filter(([k]) => !TRANSPORT.has(k)));

export class FakePlatform {
  readonly requests: Seen[] = [];
  /** The answer to each request (a JSON body). */
  handler: (r: Seen) => Answer | Promise<Answer> = () => ({ status: 200, json: {} });
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const u = new URL(req.url ?? '/', 'http://fake');
        const seen: Seen = { method: req.method ?? '', path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(seen);
        const a = await this.handler(seen);
        res.writeHead(a.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(a.json));
      });
    });
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  clear(): void {
    this.requests.length = 0;
  }

  /** Stops listening (the app then finds nobody at the URL). */
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }

  /** Listens again on the same port. */
  restart(): Promise<void> {
    return new Promise((done) => this.server.listen(Number(new URL(this.url).port), '127.0.0.1', done));
  }
}
