import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
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
};

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

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof AppError) {
      res.status(exception.status).json({ statusCode: exception.status, code: exception.code, message: exception.message, ...exception.details });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Nest wraps body-parser's and Express's own errors in an HttpException, keeping the original as the cause
      const message = (status === 400 && clientErrorMessage(exception.cause)) || DEFAULT_MESSAGES[status] || (status >= 500 ? DEFAULT_MESSAGES[500] : DEFAULT_MESSAGES[400]);
      if (status >= 500) this.logger.error(exception.message, exception.stack);
      res.status(status).json({ statusCode: status, code: HttpStatus[status] ?? 'ERROR', message });
      return;
    }
    // body-parser errors carry a status (413 too large, 400 malformed JSON, 415 charset)
    const err = exception as { status?: number; type?: string; message?: string; stack?: string };
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      const message = clientErrorMessage(err) || DEFAULT_MESSAGES[err.status] || 'Yêu cầu không hợp lệ.';
      res.status(err.status).json({ statusCode: err.status, code: HttpStatus[err.status] ?? 'ERROR', message });
      return;
    }
    this.logger.error(err?.message ?? String(exception), err?.stack);
    res.status(500).json({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'Đã có lỗi hệ thống, vui lòng thử lại sau.' });
  }
}
