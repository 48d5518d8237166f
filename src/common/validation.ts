import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { badRequest, type FieldProblem } from './errors.js';
import { NOT_NULL_REASON } from './validators.js';

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

/** Constraints that say what kind of value is expected; when one fails, limits such as min or maxLength say nothing more. */
const TYPE_CONSTRAINTS = new Set([
  'isString', 'isBoolean', 'isInt', 'isNumber', 'isEmail', 'isIn', 'isEnum', 'isArray', 'isUuid', 'isUUID', 'isISO8601',
  'isDateString', 'isObject', 'isVietnamesePhone',
]);

/** One entry per bad field, with every reason that applies (joined by "; "), in Vietnamese. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    let constraints = Object.entries(e.constraints ?? {});
    if (constraints.some(([name]) => name === 'whitelistValidation')) {
      out.push({ field, reason: REASONS.whitelistValidation('') });
      continue;
    }
    if (e.value === null && constraints.some(([name]) => name === 'isNotNull')) {
      // an optional field sent as null (see IsOptionalNonNull): leave it out or give a value
      out.push({ field, reason: NOT_NULL_REASON });
      continue;
    }
    if ((e.value === undefined || e.value === null) && constraints.length) {
      out.push({ field, reason: 'là bắt buộc' });
      continue;
    }
    if (constraints.some(([name]) => TYPE_CONSTRAINTS.has(name))) {
      constraints = constraints.filter(([name]) => TYPE_CONSTRAINTS.has(name) || !REASONS[name]);
    }
    const reasons = constraints.map(([name, english]) => {
      // a message written in Vietnamese by the DTO itself wins; otherwise translate class-validator's default
      const custom = /[^\x00-\x7F]/.test(english);
      const vi = REASONS[name];
      return custom || !vi ? english : vi(english);
    });
    if (reasons.length) out.push({ field, reason: [...new Set(reasons)].join('; ') });
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
