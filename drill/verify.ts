/**
 * What the drill checks after a scenario, in its own database and at its SMTP sink:
 *  - tickets: every order acknowledged (2xx) is in the database exactly once, under the code it was answered
 *    (lost: acknowledged and absent; doubled: more than one ticket for one order, i.e. for one Idempotency-Key or
 *    one staff request); an order never answered may be there once or not at all;
 *  - mails: once the outbox has drained, every citizen's report of the scenario (channel app: a staff member gives
 *    the caller the code on the telephone, no mail) has its acknowledgement delivered exactly once
 *    (counted by Message-ID, which the sender derives from the outbox row, and by the ticket code in the subject), and
 *    over all deliveries so far no Message-ID arrived twice and no row marked sent or failed lacks its delivery.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import type { SmtpRelay } from '../test/support/smtp-relay.js';
import { sleep } from '../test/support/wait.js';
import { log } from './cluster.js';
import type { Order } from './load.js';

export interface Findings {
  lost: number;
  doubled: number;
  /** Each lost or doubled thing, and every other expectation not met, one line each. */
  problems: string[];
  notes: string[];
}

export const noFindings = (): Findings => ({ lost: 0, doubled: 0, problems: [], notes: [] });

export function merge(into: Findings, more: Findings): Findings {
  into.lost += more.lost;
  into.doubled += more.doubled;
  into.problems.push(...more.problems);
  into.notes.push(...more.notes);
  return into;
}

/** A short session on the drill's database (which may have been restarted since the last one). */
export async function withDb<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

interface TicketRow {
  id: string;
  code: string;
  marker: string;
}

const LIST_LIMIT = 10;

function listed(problems: string[], lines: string[], what: string): void {
  problems.push(...lines.slice(0, LIST_LIMIT));
  if (lines.length > LIST_LIMIT) problems.push(`… and ${lines.length - LIST_LIMIT} more ${what}`);
}

/** The tickets of a scenario, by marker. */
async function ticketsOf(c: pg.Client, scenario: string): Promise<Map<string, TicketRow[]>> {
  const { rows } = await c.query<TicketRow>(
    `SELECT id, code, substring(content from '\\[drill:[a-z0-9-]+:[0-9]+\\]') AS marker FROM tickets WHERE content LIKE $1`,
    [`%[drill:${scenario}:%`],
  );
  const by = new Map<string, TicketRow[]>();
  for (const r of rows) by.set(r.marker, [...(by.get(r.marker) ?? []), r]);
  return by;
}

/** Tickets lost or doubled among the orders (all of them repeated with their key until answered, see Load). */
export async function checkTickets(url: string, scenario: string, orders: Order[]): Promise<Findings> {
  const f = noFindings();
  const by = await withDb(url, (c) => ticketsOf(c, scenario));
  const lost: string[] = [];
  const doubled: string[] = [];
  for (const o of orders) {
    const found = by.get(o.marker) ?? [];
    const via = `${o.kind === 'citizen' ? 'citizen report' : 'staff request'} (Idempotency-Key ${o.key})`;
    if (found.length > 1) {
      f.doubled += found.length - 1;
      doubled.push(`doubled: ${o.marker} ${via}: ${found.length} tickets ${found.map((t) => t.code).join(', ')}${o.code ? `, answered ${o.code}` : ', never answered'}`);
    }
    if (o.otherCodes.length) {
      f.doubled += 1;
      doubled.push(`doubled: ${o.marker} ${via}: answered ${o.code}, and later ${o.otherCodes.join(', ')}`);
    }
    if (o.code) {
      if (!found.some((t) => t.code === o.code)) {
        f.lost++;
        lost.push(`lost: ${o.marker} ${via} answered ${o.attempts.find((a) => a.status && a.status < 300)?.status} with ${o.code}; `
          + (found.length ? `the database has ${found.map((t) => t.code).join(', ')} instead` : 'not in the database'));
      }
    } else {
      // repeated with its key until the end of settle() and never acknowledged
      const last = o.attempts.at(-1);
      const why = last ? (last.error ?? `${last.status} ${last.head?.slice(0, 120) ?? ''}`) : 'never sent';
      if (!found.length) f.lost++;
      lost.push(`${found.length ? `never confirmed (written as ${found[0]!.code})` : 'lost'}: ${o.marker} ${via}: no 2xx after ${o.attempts.length} attempts (last: ${why})`);
    }
  }
  listed(f.problems, lost, 'lost or unconfirmed orders');
  listed(f.problems, doubled, 'doubled orders');
  const repeated = orders.filter((o) => o.attempts.length > 1);
  const repeatedAfterAnswer = repeated.filter((o) => o.attempts.slice(0, -1).some((a) => a.status !== undefined));
  f.notes.push(`orders: ${orders.length} (${orders.filter((o) => o.kind === 'staff').length} staff, ${orders.filter((o) => o.kind === 'citizen').length} citizen); `
    + `${repeated.length} sent again with their key, ${repeatedAfterAnswer.length} of them after an answer other than 2xx; `
    + `${orders.filter((o) => o.attempts.filter((a) => a.status !== undefined && a.status < 300).length > 1).length} answered 2xx more than once`);
  return f;
}

/** The rows still waiting, with the state of their delivery job in Redis (Bull's key: <prefix>:outbox:<job id>). */
async function waiting(url: string, redisUrl: string): Promise<string[]> {
  const rows = await withDb(url, async (c) => (await c.query<{ id: string; status: string; attempts: number; available_at: Date; claimed_at: Date | null; last_error: string | null }>(
    `SELECT id, status, attempts, available_at, claimed_at, last_error FROM outbox_messages WHERE status IN ('pending', 'sending') ORDER BY available_at LIMIT 5`)).rows);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    return await Promise.all(rows.map(async (r) => {
      // the relay names the job after the attempts made when it queued it; a claim has counted one more since
      const jobId = `deliver:${r.id}:${r.status === 'sending' ? r.attempts - 1 : r.attempts}`;
      const job = await redis.hgetall(`drill:outbox:${jobId}`).catch(() => ({}) as Record<string, string>);
      const lists = await Promise.all(['wait', 'active', 'delayed', 'completed', 'failed'].map(async (l) => {
        const inList = l === 'wait' || l === 'active' ? (await redis.lpos(`drill:outbox:${l}`, jobId)) !== null : (await redis.zscore(`drill:outbox:${l}`, jobId)) !== null;
        return inList ? l : null;
      })).catch(() => []);
      return `${r.id} ${r.status} attempts ${r.attempts} available ${r.available_at.toISOString()} claimed ${r.claimed_at?.toISOString() ?? '-'}`
        + `${r.last_error ? ` error "${r.last_error.slice(0, 80)}"` : ''}; job ${jobId}: ${Object.keys(job).length ? `in ${lists.filter(Boolean).join(',') || 'no list'}` : 'none'}`;
    }));
  } finally {
    redis.disconnect();
  }
}

/**
 * Waits until no outbox row is pending or being sent and the sink has received nothing new for 2 s. Rows still
 * waiting after 10 s are described in the notes (with their delivery job), since a delay is worth knowing.
 */
export async function drainOutbox(url: string, redisUrl: string, sink: SmtpRelay, boundSeconds: number, notes: string[]): Promise<{ seconds: number; left: Record<string, number> }> {
  const t0 = Date.now();
  let lastCount = -1;
  let stableSince = Date.now();
  let lastLog = Date.now();
  let described = false;
  for (;;) {
    const left = await withDb(url, async (c) => {
      const { rows } = await c.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM outbox_messages WHERE status IN ('pending', 'sending') GROUP BY status`);
      return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
    }).catch(() => ({ unknown: -1 }) as Record<string, number>);
    if (sink.received.length !== lastCount) {
      lastCount = sink.received.length;
      stableSince = Date.now();
    }
    const seconds = (Date.now() - t0) / 1000;
    if (!Object.keys(left).length && Date.now() - stableSince >= 2000) return { seconds, left };
    if (seconds > boundSeconds) return { seconds, left };
    if (!described && seconds > 10 && Object.keys(left).length) {
      described = true;
      const rows = await waiting(url, redisUrl).catch((e: Error) => [`(could not read them: ${e.message})`]);
      notes.push(`outbox rows still waiting 10 s after the load stopped (${JSON.stringify(left)}):`, ...rows.map((r) => `  ${r}`));
    }
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      log(`outbox: still ${JSON.stringify(left)} after ${Math.round(seconds)} s (a message left "sending" is taken again after 5 minutes)`);
    }
    await sleep(500);
  }
}

/** Message-IDs are `<outbox row id@domain>`. */
const rowIdOf = (messageId: string | undefined) => messageId?.replace(/^<|@.*$/g, '') ?? '';

/** Mails at the sink, counted by outbox row and by the ticket code of the subject; and the problems already reported. */
export class MailLedger {
  private readonly reported = new Set<string>();

  constructor(private readonly sink: SmtpRelay) {}

  private counts(): { byRow: Map<string, number>; byCode: Map<string, number> } {
    const byRow = new Map<string, number>();
    const byCode = new Map<string, number>();
    for (const { mail } of this.sink.received) {
      const row = rowIdOf(mail.messageId);
      byRow.set(row, (byRow.get(row) ?? 0) + 1);
      const code = /^\[(PA-[A-Z0-9]{4}-[A-Z0-9]{4})\] Tổng đài 1022 đã tiếp nhận/.exec(mail.subject ?? '')?.[1];
      if (code) byCode.set(code, (byCode.get(code) ?? 0) + 1);
    }
    return { byRow, byCode };
  }

  /** After the outbox has drained: the acknowledgements of the scenario's tickets, then every delivery so far. */
  async check(url: string, scenario: string): Promise<Findings> {
    const f = noFindings();
    const { byRow, byCode } = this.counts();
    const { acks, rows } = await withDb(url, async (c) => ({
      acks: (await c.query<{ code: string; id: string | null; status: string | null }>(
        `SELECT t.code, o.id, o.status FROM tickets t LEFT JOIN outbox_messages o ON o.dedupe_key = 'ack:' || t.id
          WHERE t.content LIKE $1 AND t.channel = 'app'`, [`%[drill:${scenario}:%`])).rows,
      rows: (await c.query<{ id: string; status: string; dedupe_key: string }>(`SELECT id, status, dedupe_key FROM outbox_messages`)).rows,
    }));
    const lost: string[] = [];
    const doubled: string[] = [];
    const checked = new Set<string>();
    for (const a of acks) {
      const received = a.id ? byRow.get(a.id) ?? 0 : 0;
      const bySubject = byCode.get(a.code) ?? 0;
      if (a.id) checked.add(a.id);
      if (!a.id) lost.push(`mail lost: ${a.code} has no acknowledgement in the outbox`);
      else if (received === 0) lost.push(`mail lost: acknowledgement of ${a.code} (outbox ${a.id}, ${a.status}) never reached the SMTP sink`);
      if (received > 1 || bySubject > 1) doubled.push(`mail doubled: acknowledgement of ${a.code} (outbox ${a.id}) delivered ${Math.max(received, bySubject)} times`);
      if (a.id && (received !== 1 || bySubject > 1)) this.reported.add(a.id);
    }
    f.lost += lost.length;
    f.doubled += doubled.length;
    // every other message (notices, reports, earlier scenarios' rows delivered late): once each, reported once
    for (const r of rows) {
      if (checked.has(r.id) || this.reported.has(r.id)) continue;
      const received = byRow.get(r.id) ?? 0;
      if (received > 1) {
        this.reported.add(r.id);
        f.doubled++;
        doubled.push(`mail doubled: outbox ${r.id} (${r.dedupe_key}) delivered ${received} times`);
      } else if ((r.status === 'sent' || r.status === 'failed') && received === 0) {
        this.reported.add(r.id);
        f.lost++;
        lost.push(`mail lost: outbox ${r.id} (${r.dedupe_key}) is ${r.status}, never reached the SMTP sink`);
      }
    }
    listed(f.problems, lost, 'lost mails');
    listed(f.problems, doubled, 'doubled mails');
    f.notes.push(`acknowledgements checked: ${acks.length}; mails at the sink so far: ${this.sink.received.length}`);
    return f;
  }
}
