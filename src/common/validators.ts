import { registerDecorator, type ValidationOptions } from 'class-validator';
import { normalizeVietnamesePhone } from './phone.js';

/** A Vietnamese phone number (mobile or landline), in any usual form. */
export function IsVietnamesePhone(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isVietnamesePhone',
      target: object.constructor,
      propertyName,
      options: { message: 'không phải số điện thoại Việt Nam hợp lệ (ví dụ 0912345678 hoặc +84912345678)', ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && normalizeVietnamesePhone(v) !== null },
    });
}

export const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
