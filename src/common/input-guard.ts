import { isUtf8 } from 'node:buffer';
import {
  HttpStatus, Injectable, type ArgumentMetadata, type CanActivate, type ExecutionContext, type PipeTransform,
} from '@nestjs/common';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError, badRequest, type FieldProblem } from './errors.js';

/**
 * The checks every request passes before anything of it reaches a service or the database:
 * - JSON nested deeper than MAX_JSON_DEPTH is refused before it is parsed (a few kilobytes of `[[[[…` would otherwise
 *   overflow the stack of whatever walks the parsed value: class-transformer, class-validator, a channel adapter);
 * - a NUL character (PostgreSQL's text cannot hold one) or a lone UTF-16 surrogate (no valid UTF-8 exists for it) in
 *   any string or field name of the body, the query string or the path parameters is refused, naming the field.
 *
 * Both answer 400 with the project's error shape through the route's own exception filter, so the pages answer with
 * a Vietnamese page and the API with JSON. Where they run:
 * - the JSON parser's `verify` hook measures the nesting on the raw bytes (iteratively: the check cannot overflow),
 *   keeps the raw bytes for the webhooks' signatures as Nest's rawBody option does, and parks a refusal for
 *   InputGuard instead of letting the parser recurse;
 * - InputGuard (global; it runs after the authentication guard, whose one query takes only a token's verified
 *   subject, and before the routes' own guards) checks the parsed JSON or urlencoded body, the query and the path
 *   parameters, also for the routes that read `req` themselves (the webhooks); an anonymous request to a protected
 *   route is still answered 401 first;
 * - InputPipe (global, before validation) checks the same values once more as the route receives them, which covers
 *   multipart fields, parsed only by the route's interceptor after the guards, and uploaded files kept in memory that
 *   are text (the CSV import): as text, they cannot hold NUL either.
 */

/** Deepest nesting of arrays and objects accepted in a JSON body. The deepest real body (a Messenger batch) has 8. */
export const MAX_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const REASON_NUL = 'chứa ký tự NUL (\\u0000), ký tự này không được phép';
const REASON_SURROGATE = 'chứa ký tự Unicode không hợp lệ (nửa cặp thay thế UTF-16 đứng riêng)';
const REASON_DEPTH = `là JSON lồng nhau quá sâu (tối đa ${MAX_JSON_DEPTH} cấp)`;

/** Why a string cannot be taken, or null when it can. */
export function badTextReason(s: string): string | null {
  if (s.includes('\u0000')) return REASON_NUL;
  if (LONE_SURROGATE.test(s)) return REASON_SURROGATE;
  return null;
}

/**
 * True when the JSON text nests arrays and objects deeper than `max`. One pass over the bytes (or characters), strings
 * and their escapes skipped, no recursion and no allocation: safe on any input, malformed or not. In UTF-8 no byte of
 * a multi-byte character is an ASCII bracket, quote or backslash, so bytes can be read as characters.
 */
export function jsonNestingExceeds(text: Uint8Array | string, max = MAX_JSON_DEPTH): boolean {
  const bytes = typeof text !== 'string';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = bytes ? (text as Uint8Array)[i] : (text as string).charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** A field name as shown in an answer: a name that is itself the problem is shown with its bad characters escaped. */
function shownName(name: string): string {
  return name.replace(/[\u0000-\u001f]|[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
const join = (prefix: string, key: string) => (prefix ? `${prefix}.${shownName(key)}` : shownName(key));

/**
 * The first string or field name (in document order) holding NUL or a lone surrogate, with its path
 * (`emails.1`, `reporter.name`), or null. Walks with an explicit stack, so a deep value cannot overflow it.
 */
export function findBadText(root: unknown, rootField: string): FieldProblem | null {
  const stack: Array<[unknown, string]> = [[root, rootField]];
  let visited = 0;
  while (stack.length) {
    const [value, field] = stack.pop()!;
    if (typeof value === 'string') {
      const reason = badTextReason(value);
      if (reason) return { field: field || 'body', reason };
    } else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
      // a body of a megabyte has fewer values than this; the bound only keeps the walk finite
      if (++visited > 200_000) return null;
      const keys = Object.keys(value);
      const children: Array<[unknown, string]> = [];
      for (const key of keys) {
        const reason = badTextReason(key);
        if (reason) return { field: join(field, key), reason: `có tên trường ${reason}` };
        children.push([(value as Record<string, unknown>)[key], join(field, key)]);
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
  return null;
}

/** The 400 for a refused value, with a sentence that a page can show as it is. */
export function refusedInput(problem: FieldProblem): AppError {
  return badRequest([problem], `Dữ liệu gửi lên không hợp lệ: “${problem.field}” ${problem.reason}.`);
}

const unsupportedCharset = () =>
  new AppError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'UNSUPPORTED_CHARSET', 'Nội dung JSON phải được mã hóa UTF-8 hoặc UTF-16.', {
    errors: [{ field: 'Content-Type', reason: 'bảng mã không được hỗ trợ; hãy gửi JSON mã hóa UTF-8' }],
  });

/** Refusals decided while the body was read, for InputGuard to raise inside the route (and its exception filter). */
const parked = new WeakMap<Request, AppError>();

/** Thrown from the JSON parser's verify hook: stops the parse; turned into a parked refusal just after the parsers. */
class RefusedBody extends Error {
  constructor(readonly refusal: AppError) {
    super(refusal.message);
  }
}

function decode(buf: Buffer, encoding: string): string | null {
  try {
    return new TextDecoder(encoding).decode(buf);
  } catch {
    return null; // a charset TextDecoder does not know (utf-32): refused below
  }
}

/**
 * Express's JSON parser with the nesting check on the raw bytes, before JSON.parse and everything that walks its
 * result. Keeps `req.rawBody` (the exact bytes the webhooks' signatures cover), as Nest's `rawBody: true` does.
 */
export function jsonBodyParser(options: { limit: string }): RequestHandler {
  return express.json({
    limit: options.limit,
    verify: (req, _res, buf, encoding) => {
      (req as Request & { rawBody?: Buffer }).rawBody = buf;
      const text = encoding === 'utf-8' ? buf : decode(buf, encoding);
      if (text === null) throw new RefusedBody(unsupportedCharset());
      if (jsonNestingExceeds(text)) throw new RefusedBody(refusedInput({ field: 'body', reason: REASON_DEPTH }));
    },
  });
}

/**
 * Placed right after the body parsers: a body refused by jsonBodyParser goes on without a body, its refusal parked for
 * InputGuard, so that the route's own filter answers it (a page for the pages). Any other error goes on as before.
 */
export function parkRefusedBody(err: unknown, req: Request, _res: Response, next: NextFunction): void {
  if (!(err instanceof RefusedBody)) return next(err);
  parked.set(req, err.refusal);
  req.body = undefined;
  next();
}

/** NUL or a lone surrogate in the path parameters, the query string or the parsed body, or null. */
export function requestProblem(req: Request): FieldProblem | null {
  return findBadText(req.params ?? {}, '')
    ?? findBadText(req.query ?? {}, '')
    ?? (req.body === undefined ? null : findBadText(req.body, typeof req.body === 'string' ? 'body' : ''));
}

const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A platform's message (Zalo, Facebook) is never refused for its text: a 400 would make the platform redeliver it
 * until it gives up, and the citizen's message would be lost. NUL and lone surrogates in the parsed body become
 * U+FFFD instead (the signature was checked over the raw bytes, which stay as they came). Keys are left as they are:
 * the adapters read only known keys.
 */
export function scrubBadText(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(BAD_TEXT, '\uFFFD');
  if (Array.isArray(value)) return value.map(scrubBadText);
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) (value as Record<string, unknown>)[k] = scrubBadText(v);
  }
  return value;
}

const isPlatformWebhook = (req: Request) => req.method === 'POST' && req.path.startsWith('/webhooks/');

/** Global guard, before the routes' own guards and pipes: refuses what the parsers let through and nothing may store. */
@Injectable()
export class InputGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    const refusal = parked.get(req);
    if (refusal) throw refusal;
    if (isPlatformWebhook(req) && req.body !== undefined) req.body = scrubBadText(req.body);
    const problem = requestProblem(req);
    if (problem) throw refusedInput(problem);
    return true;
  }
}

interface HeldUpload {
  fieldname: string;
  buffer: Buffer;
}
const isHeldUpload = (v: unknown): v is HeldUpload =>
  typeof v === 'object' && v !== null && typeof (v as HeldUpload).fieldname === 'string' && Buffer.isBuffer((v as HeldUpload).buffer);

/**
 * An uploaded file kept in memory whose bytes are UTF-8 text (a route reads it as text: the CSV import) must not hold
 * NUL. Binary files (photos, which PhotoStorage writes to disk anyway) are not valid UTF-8 and are left alone.
 */
function uploadProblem(value: unknown): FieldProblem | null {
  for (const file of Array.isArray(value) ? value : [value]) {
    if (isHeldUpload(file) && file.buffer.includes(0) && isUtf8(file.buffer)) {
      return { field: file.fieldname, reason: `là tệp văn bản ${REASON_NUL}` };
    }
  }
  return null;
}

/** Global pipe, before validation: the same check on each value a route takes (multipart fields and files included). */
@Injectable()
export class InputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') {
      // @UploadedFile(s) arrive as "custom" parameters, like @CurrentUser; only uploads are looked at
      const problem = uploadProblem(value);
      if (problem) throw refusedInput(problem);
      return value;
    }
    if (metadata.type !== 'body' && metadata.type !== 'query' && metadata.type !== 'param') return value;
    const problem = findBadText(value, metadata.data ?? '');
    if (problem) throw refusedInput(problem);
    return value;
  }
}
