import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Vietnamese phone numbers: accepted as 0xxxxxxxxx, +84xxxxxxxxx or 84xxxxxxxxx (spaces, dots, dashes allowed),
 * stored in E.164 (+84…), shown in the national form (0…). libphonenumber-js knows the valid ranges.
 */
export function normalizeVietnamesePhone(input: string | null | undefined): string | null {
  if (input === null || input === undefined) return null;
  const cleaned = String(input).trim().replace(/[\s.\-()]/g, '');
  if (!cleaned) return null;
  const candidate = /^84\d{9,10}$/.test(cleaned) ? `+${cleaned}` : cleaned;
  const parsed = parsePhoneNumberFromString(candidate, 'VN');
  if (!parsed || parsed.country !== 'VN' || !parsed.isValid()) return null;
  return parsed.number;
}

export function nationalPhone(e164: string | null | undefined): string | null {
  if (!e164) return null;
  return e164.startsWith('+84') ? `0${e164.slice(3)}` : e164;
}
