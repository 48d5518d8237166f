import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AppError } from '../common/errors.js';
import { isServiceUnavailable, RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE_MESSAGE } from '../common/http-exception.filter.js';
import { TicketsService } from '../tickets/tickets.service.js';
import { Views } from '../views/views.js';
import { messageView } from './staff-views.js';
import { CsrfRejected, LoginRequired, SESSION_COOKIE, StaffSessions, type StaffRequest } from './staff-session.js';

/**
 * Errors on the staff pages answer as a Vietnamese page, never JSON nor a stack trace: no session → the login page
 * (back to the page asked for after), a forged form → 403, a ticket one may not read → the same 404 as an unknown code.
 */
@Catch()
export class StaffPageErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('StaffPages');

  constructor(private readonly views: Views, private readonly sessions: StaffSessions, private readonly tickets: TicketsService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<StaffRequest>();
    const res = http.getResponse<Response>();
    if (res.headersSent) return;
    // the header of the person signed in, with its counts (but for an outage or a failure: live.js brings them later)
    const page = (status: number, title: string, message: string) => void this.send(res, req, status, title, message);

    if (exception instanceof LoginRequired) {
      // a cookie that no longer opens a session (expired, account locked) goes
      if (req.headers.cookie?.includes(`${SESSION_COOKIE}=`)) this.sessions.clearCookie(res);
      res.set('Cache-Control', 'no-store').redirect(303, `/dang-nhap?next=${encodeURIComponent(exception.next)}`);
      return;
    }
    if (exception instanceof CsrfRejected) {
      return page(403, 'Biểu mẫu không hợp lệ',
        'Biểu mẫu đã hết hạn hoặc không phải do trang này gửi đi, nên không có thay đổi nào được thực hiện. Vui lòng tải lại trang và thử lại.');
    }
    const status = exception instanceof AppError ? exception.status : exception instanceof HttpException ? exception.getStatus() : 500;
    if (status === HttpStatus.SERVICE_UNAVAILABLE || isServiceUnavailable(exception)) {
      // the database is away or too slow: the same page for every staff page, and when to try again
      this.logger.warn(`answered 503: ${(exception as Error)?.message ?? String(exception)}`);
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      return page(503, 'Hệ thống tạm thời gián đoạn', SERVICE_UNAVAILABLE_MESSAGE);
    }
    if (status === HttpStatus.NOT_FOUND) {
      // the service's sentence for tickets ("Không tìm thấy phản ánh mã …") says the same for unknown and unreadable ones
      return page(404, 'Không tìm thấy', exception instanceof AppError ? exception.message : 'Không tìm thấy trang được yêu cầu.');
    }
    if (status === HttpStatus.FORBIDDEN) {
      return page(403, 'Không có quyền truy cập', exception instanceof AppError ? exception.message : 'Bạn không có quyền xem trang này.');
    }
    if (status < 500) {
      return page(status, 'Yêu cầu không hợp lệ', exception instanceof AppError ? exception.message : 'Yêu cầu không hợp lệ.');
    }
    this.logger.error((exception as Error)?.message ?? String(exception), (exception as Error)?.stack);
    page(500, 'Có lỗi xảy ra', 'Đã có lỗi hệ thống, vui lòng thử lại sau ít phút.');
  }

  private async send(res: Response, req: StaffRequest, status: number, title: string, message: string): Promise<void> {
    const session = req.staffSession ?? null;
    let counts = {};
    if (session && status < 500) {
      try {
        counts = await this.tickets.waitingCounts(session.user);
      } catch {
        // the counts are a convenience: the page goes out without them
      }
    }
    if (res.headersSent) return;
    this.views.send(res, status, 'staff/message.njk', messageView(session, req.path, title, message, counts));
  }
}
