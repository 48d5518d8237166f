import { HttpStatus } from '@nestjs/common';

/** One error type for the whole application: a code for programs, a Vietnamese sentence for people. */
export class AppError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface FieldProblem {
  field: string;
  reason: string;
}

export const badRequest = (problems: FieldProblem[], message = 'Dữ liệu gửi lên không hợp lệ.') =>
  new AppError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', message, { errors: problems });
export const notFound = (message: string) => new AppError(HttpStatus.NOT_FOUND, 'NOT_FOUND', message);
export const forbidden = (message = 'Bạn không có quyền thực hiện thao tác này.') =>
  new AppError(HttpStatus.FORBIDDEN, 'FORBIDDEN', message);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(HttpStatus.CONFLICT, code, message, details);
export const unprocessable = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(HttpStatus.UNPROCESSABLE_ENTITY, code, message, details);
export const unauthorized = (message = 'Bạn cần đăng nhập để thực hiện thao tác này.') =>
  new AppError(HttpStatus.UNAUTHORIZED, 'UNAUTHORIZED', message);
