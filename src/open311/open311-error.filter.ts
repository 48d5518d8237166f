import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, type FieldProblem } from '../common/errors.js';
import { isServiceUnavailable, RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE_MESSAGE } from '../common/http-exception.filter.js';
import { Open311Error, type Open311ErrorItem } from './open311.errors.js';
import { toXml } from './open311-xml.js';

/** JSON unless the path asks for XML (`….xml`). */
export const formatOf = (path: string): 'json' | 'xml' => (/\.xml$/i.test(path) ? 'xml' : 'json');

/** Sends a GeoReport v2 body in the format of the request's path. */
export function sendOpen311(res: Response, format: 'json' | 'xml', status: number, root: string, item: string | null, body: unknown): void {
  res.status(status);
  if (format === 'xml') res.type('application/xml; charset=utf-8').send(toXml(root, item, body));
  else res.json(body);
}

const GENERIC: Record<number, string> = {
  400: 'Yêu cầu không hợp lệ.',
  403: 'Không có quyền thực hiện yêu cầu này.',
  404: 'Không tìm thấy địa chỉ được yêu cầu.',
  413: 'Dữ liệu gửi lên quá lớn.',
  429: 'Đã gửi quá nhiều yêu cầu trong thời gian ngắn, vui lòng thử lại sau.',
};

/**
 * Every error of the Open311 routes in the spec's form, `[{"code": 400, "description": "…"}]` or
 * `<errors><error><code>…`, with the status as the HTTP status; a 400 has one error per field, naming it.
 */
@Catch()
export class Open311ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Open311');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const req = host.switchToHttp().getRequest<Request>();
    let status: number;
    let errors: Open311ErrorItem[];
    if (exception instanceof Open311Error) {
      ({ status, errors } = exception);
    } else if (exception instanceof AppError) {
      status = exception.status;
      const list = (exception.details?.errors as FieldProblem[] | undefined) ?? [];
      errors = list.length ? list.map((p) => ({ code: status, description: `${p.field}: ${p.reason}` })) : [{ code: status, description: exception.message }];
    } else if (isServiceUnavailable(exception) || (exception instanceof HttpException && exception.getStatus() === 503)) {
      this.logger.warn(`answered 503: ${(exception as Error)?.message ?? String(exception)}`);
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      status = HttpStatus.SERVICE_UNAVAILABLE;
      errors = [{ code: status, description: SERVICE_UNAVAILABLE_MESSAGE }];
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      status = exception.getStatus();
      errors = [{ code: status, description: GENERIC[status] ?? GENERIC[400] }];
    } else {
      this.logger.error((exception as Error)?.message ?? String(exception), (exception as Error)?.stack);
      status = HttpStatus.INTERNAL_SERVER_ERROR;
      errors = [{ code: status, description: 'Đã có lỗi hệ thống, vui lòng thử lại sau.' }];
    }
    sendOpen311(res, formatOf(req.path), status, 'errors', 'error', errors);
  }
}
