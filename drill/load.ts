/**
 * The drill's clients: `concurrency` workers creating tickets without pause, half through the staff API
 * (POST /api/tickets, an operator's token) and half through the citizen app's API (POST /api/public/reports with an
 * Idempotency-Key), alternating between the application instances ("behind nothing": no proxy, the client picks).
 * Every ticket carries a marker in its text (`[drill:<scenario>:<n>]`) and an e-mail address, so that the checks
 * find it in the database and its acknowledgement at the SMTP sink.
 *
 * Both APIs take an Idempotency-Key (README "Intake": the citizen app, and staff retries), and every order carries
 * one: when a client gets no answer, or a 5xx, it sends the same request with the same key again, to the other
 * instance (a refused connection at once, anything else after a pause), a few times now and then in settle(), as
 * the citizen app and the operators' client would. So every order must end acknowledged, as one ticket.
 */
import { performance } from 'node:perf_hooks';
import type { HttpClient } from '../bench/http.js';
import { sleep } from '../test/support/wait.js';

export type Kind = 'staff' | 'citizen';

export interface Attempt {
  /** performance.now() at the start and at the end (answer or failure). */
  start: number;
  end: number;
  instance: number;
  status?: number;
  retryAfter?: string;
  /** No answer: the error code (ECONNREFUSED, ECONNRESET …) or message. */
  error?: string;
  /** The first bytes of an answer other than 2xx. */
  head?: string;
}

/** One ticket the drill asked for, over however many attempts. */
export interface Order {
  seq: number;
  kind: Kind;
  marker: string;
  key: string;
  body: Record<string, unknown>;
  attempts: Attempt[];
  /** The tracking code of the first 2xx answer. */
  code?: string;
  /** A later 2xx answer (a repetition with the same key) named another code. */
  otherCodes: string[];
}

export interface Reference {
  communes: string[];
  categories: string[];
}

const STAFF_PATH = '/api/tickets';
const CITIZEN_PATH = '/api/public/reports';
/** Attempts a worker makes for an order before leaving it to settle(). */
const TRIES = 4;

const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length]!;

export class Load {
  readonly orders: Order[] = [];
  private seq = 0;
  private turn = 0;
  private stopped = false;
  private workers: Array<Promise<void>> = [];

  constructor(
    private readonly scenario: string,
    private readonly clients: HttpClient[],
    private readonly staffToken: string,
    private readonly ref: Reference,
    private readonly opts: { concurrency: number; timeoutMs: number },
  ) {}

  /** Every attempt, in the order they ended. */
  get attempts(): Attempt[] {
    return this.orders.flatMap((o) => o.attempts);
  }

  start(): void {
    this.stopped = false;
    this.workers = Array.from({ length: this.opts.concurrency }, () => this.work());
  }

  /** Stops sending new orders; resolves when the ones under way have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
  }

  /** A new order (not sent). */
  order(kind: Kind): Order {
    const seq = ++this.seq;
    const marker = `[drill:${this.scenario}:${seq}]`;
    const phone = `091${String(1_000_000 + ((seq * 7919) % 9_000_000)).padStart(7, '0')}`;
    const email = `${kind === 'staff' ? 'goi' : 'app'}-${this.scenario}-${seq}@drill.example`;
    const common = { areaCode: pick(this.ref.communes, seq), categoryCode: pick(this.ref.categories, seq * 31) };
    const content = `Phản ánh thử số ${seq} (${this.scenario}): nước ngập trước nhà nhiều ngày, đề nghị khơi thông cống. ${marker}`;
    const body = kind === 'staff'
      ? { channel: 'hotline', reporterName: 'Người gọi thử', reporterPhone: phone, reporterEmail: email, ...common, content }
      : { fullName: 'Người dân thử', phone, email, ...common, content };
    const o: Order = { seq, kind, marker, key: `drill-${this.scenario}-${seq}-${Date.now().toString(36)}`, body, attempts: [], otherCodes: [] };
    this.orders.push(o);
    return o;
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const o = this.order(this.seq % 2 === 0 ? 'staff' : 'citizen');
      await this.send(o, this.turn++ % this.clients.length, TRIES);
    }
  }

  /** Sends an order until it is acknowledged or may not (or need not, now) be sent again. */
  async send(o: Order, instance: number, tries: number): Promise<void> {
    for (let i = 0; i < tries && !o.code; i++) {
      const a = await this.attempt(o, instance);
      if (o.code) return;
      const refused = a.error === 'ECONNREFUSED';
      instance = (instance + 1) % this.clients.length;
      if (!refused) await sleep(300);
    }
  }

  /** One HTTP request for the order. */
  async attempt(o: Order, instance: number): Promise<Attempt> {
    const headers: Record<string, string> = { 'idempotency-key': o.key };
    if (o.kind === 'staff') headers.authorization = `Bearer ${this.staffToken}`;
    const start = performance.now();
    const a: Attempt = { start, end: start, instance };
    try {
      const res = await this.clients[instance]!.request('POST', o.kind === 'staff' ? STAFF_PATH : CITIZEN_PATH, {
        headers, json: o.body, keepBody: true, timeoutMs: this.opts.timeoutMs,
      });
      a.status = res.status;
      const ra = res.headers['retry-after'];
      if (ra !== undefined) a.retryAfter = String(ra);
      if (res.status >= 200 && res.status < 300) {
        const code = (JSON.parse(res.body!) as { code: string }).code;
        if (!o.code) o.code = code;
        else if (code !== o.code) o.otherCodes.push(code);
      } else {
        a.head = res.head.slice(0, 300);
      }
    } catch (e) {
      a.error = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    }
    a.end = performance.now();
    o.attempts.push(a);
    return a;
  }

  /**
   * After the scenario: every order not yet acknowledged is sent again with its key until it is (what a client does
   * once the service answers again); resolves with those still unacknowledged after `timeoutMs`.
   */
  async settle(timeoutMs: number): Promise<Order[]> {
    const end = performance.now() + timeoutMs;
    let open = this.orders.filter((o) => !o.code);
    while (open.length && performance.now() < end) {
      for (let i = 0; i < open.length; i += this.opts.concurrency) {
        await Promise.all(open.slice(i, i + this.opts.concurrency).map((o) => this.send(o, o.seq % this.clients.length, 2)));
      }
      open = open.filter((o) => !o.code);
      if (open.length) await sleep(1000);
    }
    return open;
  }
}
