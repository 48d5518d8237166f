import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';
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

/** The reason given for an explicit null where a value is expected (see IsOptionalNonNull). */
export const NOT_NULL_REASON = 'không được là null: bỏ trường này nếu không có giá trị hoặc không muốn thay đổi';

/**
 * A field that may be left out, but not sent as null. class-validator's @IsOptional() skips every check for null as
 * well as for a missing value, so `{"name": null}` would pass and reach a NOT NULL column, or code that reads a
 * string. The rule of the DTOs: a property typed `x?: T` takes @IsOptionalNonNull(); @IsOptional() only where the
 * type says `x?: T | null` and the service gives null a meaning ("no parent unit"). A null is refused with 400
 * naming the field, whatever the other checks of the property.
 */
export function IsOptionalNonNull(options?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) => {
    const name = propertyName as string;
    // absent: nothing to check; null or any value: every check of the property applies
    ValidateIf((o: Record<string, unknown>) => o[name] !== undefined, options)(object, name);
    registerDecorator({
      name: 'isNotNull',
      target: object.constructor,
      propertyName: name,
      options: { message: NOT_NULL_REASON, ...options },
      validator: { validate: (v: unknown) => v !== null },
    });
  };
}
