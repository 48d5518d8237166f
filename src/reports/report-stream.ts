/**
 * Plumbing for the report's files written as streams (report-xlsx.ts, the JSON of reports.controller.ts): waiting
 * for the output to drain, the whole output in memory, and an output read as it is written.
 */
import { PassThrough, Writable, type Readable } from 'node:stream';

/** Rejected when the output closed before the writer was done (a client that went away). */
export class OutputClosedError extends Error {
  constructor() {
    super('the output closed before the report was written');
  }
}

/**
 * Resolves when `out` can take more (at once when it can), rejects when it closes or fails first: writers await it
 * between batches, so that what they write waits for the reader instead of piling up in memory.
 */
export function drained(out: Writable): Promise<void> {
  if (out.destroyed || out.closed) return Promise.reject(new OutputClosedError());
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      out.off('drain', onDrain).off('close', onClose).off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new OutputClosedError());
    const onError = (error: Error) => done(error);
    out.on('drain', onDrain).on('close', onClose).on('error', onError);
  });
}

/**
 * `work` (something that ends by finishing `out`), or OutputClosedError if `out` closes before it is done: a writer
 * waiting for its output to finish would otherwise wait for good once the reader destroyed it.
 */
export function unlessClosed<T>(out: Writable, work: Promise<T>): Promise<T> {
  let onClose = () => undefined as void;
  const closed = new Promise<never>((_, reject) => {
    // a finished output closes too (before `work` hears of it): only a close without a finish stops the writer
    onClose = () => {
      if (!out.writableFinished) reject(new OutputClosedError());
    };
    if (out.destroyed) onClose();
    else out.once('close', onClose);
  });
  closed.catch(() => undefined);
  return Promise.race([work, closed]).finally(() => out.off('close', onClose));
}

/** What `write` writes to its output, in one buffer. */
export async function collect(write: (out: Writable) => Promise<void>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await write(out);
  if (!out.writableEnded) out.end();
  return Buffer.concat(chunks);
}

/**
 * A stream of what `write` writes, as it writes it, at the pace of its reader (who destroys it to stop `write`):
 * an error before anything was written is the stream's error, so an HTTP handler can still answer it.
 */
export function readableOf(write: (out: Writable) => Promise<void>): Readable {
  const out = new PassThrough();
  write(out).then(
    () => {
      if (!out.writableEnded) out.end();
    },
    (error: unknown) => {
      if (!out.destroyed) out.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  );
  return out;
}
