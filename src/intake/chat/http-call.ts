import type { OutboundRequest } from '../channels/outbound.js';

/** How long a call to a platform may take before it counts as failed (the outbox tries again later). */
export const PLATFORM_TIMEOUT_MS = 15_000;

export interface PlatformAnswer {
  status: number;
  ok: boolean;
  /** The parsed JSON answer, or undefined when the answer is not JSON. */
  json: unknown;
  text: string;
}

/**
 * Performs a request built by channels/outbound.ts with the global fetch. Errors name the platform and the cause but
 * never the URL or headers, which carry tokens.
 */
export async function callPlatform(label: string, req: OutboundRequest, timeoutMs = PLATFORM_TIMEOUT_MS): Promise<PlatformAnswer> {
  let res: Response;
  try {
    res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
    throw new Error(`${label} unreachable: ${why}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, ok: res.ok, json, text };
}

/** A short, log-safe description of a non-2xx answer. */
export function describeAnswer(label: string, a: PlatformAnswer): string {
  const j = a.json as { error?: { message?: unknown; code?: unknown } | unknown; message?: unknown } | undefined;
  const fbError = j && typeof j.error === 'object' && j.error !== null ? (j.error as { message?: unknown; code?: unknown }) : null;
  const detail = fbError?.message ?? j?.message ?? a.text.slice(0, 200);
  const code = fbError?.code ?? (typeof j?.error === 'number' ? j.error : undefined);
  return `${label} answered HTTP ${a.status}${detail ? `: ${String(detail)}` : ''}${code !== undefined ? ` (code ${String(code)})` : ''}`;
}
