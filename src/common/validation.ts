import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { badRequest, type FieldProblem } from './errors.js';

const num = (msg: string) => msg.match(/-?\d+(\.\d+)?/)?.[0] ?? '';
const after = (msg: string) => msg.split(': ').slice(1).join(': ');

/** Vietnamese reasons for class-validator's constraints. Custom validators give their own Vietnamese message. */
const REASONS: Record<string, (english: string) => string> = {
  whitelistValidation: () => 'trường này không được chấp nhận',
  isNotEmpty: () => 'không được để trống',
  isDefined: () => 'là bắt buộc',
  isString: () => 'phải là chuỗi ký tự',
  isBoolean: () => 'phải là true hoặc false',
  isInt: () => 'phải là số nguyên',
  isNumber: () => 'phải là số',
  isEmail: () => 'không phải địa chỉ e-mail hợp lệ',
  isIn: (m) => `phải là một trong các giá trị: ${after(m)}`,
  isEnum: (m) => `phải là một trong các giá trị: ${after(m)}`,
  maxLength: (m) => `dài tối đa ${num(m)} ký tự`,
  minLength: (m) => `phải dài ít nhất ${num(m)} ký tự`,
  min: (m) => `không được nhỏ hơn ${num(m)}`,
  max: (m) => `không được lớn hơn ${num(m)}`,
  isArray: () => 'phải là một danh sách',
  arrayMaxSize: (m) => `có tối đa ${num(m)} phần tử`,
  isUuid: () => 'không phải mã định danh hợp lệ',
  isUUID: () => 'không phải mã định danh hợp lệ',
  isISO8601: () => 'phải là thời điểm theo ISO-8601 (ví dụ 2022-01-12T16:00:00+07:00)',
  isDateString: () => 'phải là thời điểm theo ISO-8601 (ví dụ 2022-01-12T16:00:00+07:00)',
  matches: () => 'không đúng định dạng',
  isObject: () => 'phải là một đối tượng',
  nestedValidation: () => 'không hợp lệ',
};

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const constraints = Object.keys(e.constraints ?? {});
    if ((e.value === undefined || e.value === null) && constraints.length && !constraints.includes('whitelistValidation')) {
      out.push({ field, reason: 'là bắt buộc' });
      continue;
    }
    for (const [name, english] of Object.entries(e.constraints ?? {})) {
      // a message written in Vietnamese by the DTO itself wins; otherwise translate class-validator's default
      const custom = /[^\x00-\x7F]/.test(english);
      const vi = REASONS[name];
      out.push({ field, reason: custom || !vi ? english : vi(english) });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/** The global pipe: strict DTOs (unknown fields refused), Vietnamese reasons per field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => badRequest(flattenValidationErrors(errors)),
  });
}
