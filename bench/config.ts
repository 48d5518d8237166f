/** What `npm run bench` measures and at which sizes, from the environment (see README "Speed"). */

export interface BenchConfig {
  /** Ticket counts of the scratch databases, smallest first (BENCH_SCALE=10k,1M). */
  scales: number[];
  /** Rounds of the quick measures (median reported). */
  rounds: number;
  /** Rounds of the measures that take long at a million tickets (creation, crisis, mass sweep, xlsx, lists). */
  heavyRounds: number;
  /** Tickets created per creation round (BENCH_CREATE) and the concurrency of the clients. */
  create: number;
  concurrency: number;
  /** Keep the scratch databases (to look at them afterwards); dropped by default. */
  keep: boolean;
}

/** "10k" → 10000, "1M" → 1000000, "250000" → 250000. */
export function parseCount(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(text);
  if (!m) throw new Error(`not a ticket count: "${text}" (e.g. 10k, 100k, 1M)`);
  const n = Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1);
  if (!Number.isInteger(n) || n < 1000) throw new Error(`ticket count too small: "${text}" (at least 1000)`);
  return n;
}

/** 10000 → "10k", 1000000 → "1M". */
export function scaleLabel(n: number): string {
  if (n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n % 1000 === 0) return `${n / 1000}k`;
  return String(n);
}

function positiveInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

export function readConfig(): BenchConfig {
  const scales = [...new Set((process.env.BENCH_SCALE ?? '10k,1M').split(',').filter((s) => s.trim()).map(parseCount))].sort((a, b) => a - b);
  if (!scales.length) throw new Error('BENCH_SCALE names no size');
  return {
    scales,
    rounds: positiveInt('BENCH_ROUNDS', 5),
    heavyRounds: positiveInt('BENCH_HEAVY_ROUNDS', 3),
    create: positiveInt('BENCH_CREATE', 2000, 1000),
    concurrency: positiveInt('BENCH_CONCURRENCY', 32),
    keep: /^(1|true|yes)$/i.test(process.env.BENCH_KEEP ?? ''),
  };
}
