import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError } from './errors.js';

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Yêu cầu không hợp lệ.',
  401: 'Bạn cần đăng nhập để thực hiện thao tác này.',
  403: 'Bạn không có quyền thực hiện thao tác này.',
  404: 'Không tìm thấy địa chỉ được yêu cầu.',
  405: 'Phương thức không được hỗ trợ.',
  409: 'Yêu cầu xung đột với trạng thái hiện tại.',
  413: 'Dữ liệu gửi lên quá lớn.',
  415: 'Định dạng dữ liệu gửi lên không được hỗ trợ.',
  422: 'Dữ liệu không thể xử lý.',
  429: 'Bạn đã gửi quá nhiều yêu cầu, vui lòng thử lại sau ít phút.',
  500: 'Đã có lỗi hệ thống, vui lòng thử lại sau.',
  503: 'Hệ thống đang tạm thời gián đoạn, vui lòng thử lại sau ít phút.',
};

/** Seconds a client is asked to wait (Retry-After) when the database cannot be reached or does not answer in time. */
export const RETRY_AFTER_SECONDS = 30;
export const SERVICE_UNAVAILABLE_MESSAGE = DEFAULT_MESSAGES[503];

/** PostgreSQL error classes and codes that say the server is away, shutting down, overloaded or too slow. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-4]|57014|53300)$/;
/** Node's codes for a peer that cannot be reached. */
const UNAVAILABLE_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * TypeORM's errors that follow a lost connection: a transaction whose connection the server dropped (stopped,
 * restarted) has had its query runner released, and its next statement fails with this one rather than pg's.
 */
const UNAVAILABLE_ERROR_NAMES = new Set(['QueryRunnerProviderAlreadyReleasedError', 'ConnectionIsNotSetError']);
/** pg's and pg-pool's own sentences for a connection that could not be had or was lost. */
const UNAVAILABLE_MESSAGES = /timeout exceeded when trying to connect|timeout expired|Connection terminated|Query read timeout|is not queryable|Cannot use a pool after calling end/i;

/**
 * True for an error that says the database cannot be reached or did not answer in time (stopped, frozen, restarting,
 * out of connections, a statement past its timeout): the request may succeed later, so it is answered 503 with
 * Retry-After, not 500. TypeORM keeps pg's error as `driverError`; others chain it as `cause`.
 */
export function isServiceUnavailable(exception: unknown): boolean {
  let e = exception as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NET_CODES.has(code)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
    if (typeof (e as { name?: unknown }).name === 'string' && UNAVAILABLE_ERROR_NAMES.has((e as { name: string }).name)) return true;
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return false;
}

/** A more precise sentence for the usual 400s that come from below the controllers (body-parser, Express). */
function clientErrorMessage(cause: unknown): string | undefined {
  if ((cause as { type?: string } | undefined)?.type === 'entity.parse.failed' || cause instanceof SyntaxError) return 'Nội dung gửi lên không phải JSON hợp lệ.';
  if (cause instanceof URIError) return 'Địa chỉ yêu cầu có ký tự mã hóa không hợp lệ.';
  return undefined;
}

/** Turns every error into a JSON answer with a Vietnamese sentence; never a stack trace to a client. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  /**
   * `htmlPage`: how a browser asking for a page (not under /api, Accept preferring HTML) is answered instead of JSON:
   * a page in Vietnamese with the status and the sentence (given by the view layer, see app.setup.ts).
   */
  constructor(private readonly htmlPage?: (res: Response, status: number, message: string) => void) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    if (res.headersSent) return;
    const req = http.getRequest<Request>();
    const send = (status: number, body: { code: string; message: string } & Record<string, unknown>) => {
      if (this.htmlPage && wantsPage(req)) return this.htmlPage(res, status, body.message);
      res.status(status).json({ statusCode: status, ...body });
    };
    if (exception instanceof AppError) {
      return send(exception.status, { code: exception.code, message: exception.message, ...exception.details });
    }
    if (isServiceUnavailable(exception) || (exception instanceof HttpException && exception.getStatus() === 503)) {
      this.logger.warn(`answered 503: ${(exception as Error)?.message ?? String(exception)}`);
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      return send(503, { code: 'SERVICE_UNAVAILABLE', message: SERVICE_UNAVAILABLE_MESSAGE });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Nest wraps body-parser's and Express's own errors in an HttpException, keeping the original as the cause
      const message = (status === 400 && clientErrorMessage(exception.cause)) || DEFAULT_MESSAGES[status] || (status >= 500 ? DEFAULT_MESSAGES[500] : DEFAULT_MESSAGES[400]);
      if (status >= 500) this.logger.error(exception.message, exception.stack);
      return send(status, { code: HttpStatus[status] ?? 'ERROR', message });
    }
    // body-parser errors carry a status (413 too large, 400 malformed JSON, 415 charset)
    const err = exception as { status?: number; type?: string; message?: string; stack?: string };
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      const message = clientErrorMessage(err) || DEFAULT_MESSAGES[err.status] || 'Yêu cầu không hợp lệ.';
      return send(err.status, { code: HttpStatus[err.status] ?? 'ERROR', message });
    }
    this.logger.error(err?.message ?? String(exception), err?.stack);
    send(500, { code: 'INTERNAL_ERROR', message: 'Đã có lỗi hệ thống, vui lòng thử lại sau.' });
  }
}

/** A browser asking for a page: a GET outside /api whose Accept prefers HTML to JSON. */
function wantsPage(req: Request | undefined): boolean {
  if (!req || req.method !== 'GET' || typeof req.path !== 'string') return false;
  if (req.path === '/api' || req.path.startsWith('/api/') || req.path === '/health' || req.path.startsWith('/docs')) return false;
  return typeof req.accepts === 'function' && req.accepts(['json', 'html']) === 'html';
}
