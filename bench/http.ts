/** A small keep-alive HTTP client for the bench (node:http, no per-request overhead worth measuring). */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface HttpResult {
  status: number;
  /** Size of the response body, in bytes. */
  bytes: number;
  ms: number;
  /** The body, when asked for (small JSON answers). */
  body?: string;
  /** The first 2 kB of the body, always (what an error answer says). */
  head: string;
  headers: http.IncomingHttpHeaders;
}

export class HttpClient {
  private readonly agent: http.Agent;

  constructor(private readonly port: number, maxSockets = 64) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(method: string, path: string, opts: { headers?: Record<string, string>; json?: unknown; keepBody?: boolean; timeoutMs?: number } = {}): Promise<HttpResult> {
    const payload = opts.json === undefined ? undefined : Buffer.from(JSON.stringify(opts.json));
    const headers: Record<string, string | number> = { ...opts.headers };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent }, (res) => {
        let bytes = 0;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          if (opts.keepBody || bytes < 2048) chunks.push(c);
          bytes += c.length;
        });
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0, bytes, ms: performance.now() - t0, headers: res.headers,
            body: opts.keepBody ? all.toString('utf8') : undefined, head: all.subarray(0, 2048).toString('utf8'),
          });
        });
        res.on('error', reject);
      });
      req.setTimeout(opts.timeoutMs ?? 15 * 60_000, () => req.destroy(new Error(`${method} ${path}: no answer in time`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A JSON answer that must be 2xx. */
  async json<T>(method: string, path: string, opts: { headers?: Record<string, string>; json?: unknown } = {}): Promise<T> {
    const res = await this.request(method, path, { ...opts, keepBody: true });
    if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.body?.slice(0, 300)}`);
    return JSON.parse(res.body!) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Runs `total` tasks with `concurrency` of them in flight; returns each task's latency in issue order and the
 * wall time of the whole.
 */
export async function runConcurrently(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<{ latencies: number[]; wallMs: number; errors: string[]; failed: number }> {
  const latencies = new Array<number>(total);
  const errors: string[] = [];
  let failed = 0;
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const s = performance.now();
      try {
        await task(i);
      } catch (e) {
        failed++;
        if (errors.length < 3) errors.push(e instanceof Error ? e.message : String(e));
      }
      latencies[i] = performance.now() - s;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return { latencies, wallMs: performance.now() - t0, errors, failed };
}
