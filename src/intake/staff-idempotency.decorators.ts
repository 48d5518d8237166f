import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse } from '@nestjs/swagger';
import { badRequest } from '../common/errors.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../common/idempotency-key.js';

/**
 * The request's `Idempotency-Key` header, or null when none was sent. Present but malformed (empty, too short or
 * long, other characters, the header sent twice) is a 400 naming the header, as the citizen app's API answers.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | null => {
  const value: unknown = ctx.switchToHttp().getRequest().headers['idempotency-key'];
  if (value === undefined) return null;
  if (typeof value === 'string' && IDEMPOTENCY_KEY_PATTERN.test(value)) return value;
  throw badRequest(
    [{ field: 'Idempotency-Key', reason: 'phải gồm 8 đến 128 ký tự chữ (không dấu), số, "_" hoặc "-"' }],
    'Tiêu đề Idempotency-Key không hợp lệ.',
  );
});

/** The OpenAPI description of a staff ticket creation that takes `Idempotency-Key` (see StaffIdempotencyService). */
export const ApiStaffIdempotencyKey = () => applyDecorators(
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source, minLength: 8, maxLength: 128 },
    description:
      'Khóa chống tạo trùng, do phần mềm của điện thoại viên tạo một lần cho mỗi phản ánh (ví dụ UUID: 8–128 ký tự chữ, số, '
      + '"_" hoặc "-") và gửi lại y nguyên khi gửi lại yêu cầu đó (sau khi hết thời gian chờ, mất kết nối…). Khóa thuộc về '
      + 'tài khoản gửi và được ghi nhớ trong 24 giờ. Lần đầu tạo phản ánh (201); các lần sau với cùng khóa và cùng nội dung, '
      + 'kể cả khi gửi cùng lúc, không tạo gì mới và trả 200 với phản ánh đã tạo, đọc lại ở trạng thái hiện tại. Cùng khóa '
      + 'với nội dung khác: 409, không ghi gì. Khóa sai định dạng: 400.',
  }),
  ApiCreatedResponse({ description: 'Đã tạo phản ánh.' }),
  ApiOkResponse({ description: 'Yêu cầu lặp lại với một Idempotency-Key đã dùng: không tạo gì mới, trả lại phản ánh đã tạo ở trạng thái hiện tại.' }),
  ApiBadRequestResponse({ description: 'Dữ liệu không hợp lệ, hoặc Idempotency-Key sai định dạng.' }),
  ApiConflictResponse({ description: 'Idempotency-Key đã được dùng cho một yêu cầu khác với nội dung khác.' }),
);
