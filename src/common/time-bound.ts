import { registerDecorator, type ValidationOptions } from 'class-validator';
import { VIETNAM_OFFSET_MS } from './vn-time.js';

/**
 * How a time parameter is read:
 * - 'from': the lower bound of a period (inclusive). A bare date is the start of that day in Viet Nam (00:00).
 * - 'to': the upper bound of a period (exclusive), or an "as of" instant. A bare date is the end of that day in
 *   Viet Nam (24:00, i.e. 00:00 of the next day), so that "to 2022-01-12" includes the whole of the 12th and
 *   "overdue at 2022-01-12" means as the day ended.
 * - 'instant': one moment (a new deadline…): a date and time are required; a bare date is refused.
 */
export type TimeBoundKind = 'from' | 'to' | 'instant';

/**
 * YYYY-MM-DD, optionally followed by THH:MM, THH:MM:SS or THH:MM:SS.fff (1–9 fraction digits, kept to the
 * millisecond) and an optional offset (Z, ±HH, ±HHMM, ±HH:MM); T and Z in either case. Nothing else: no week
 * dates (2022-W02), no ordinal dates (2022-012), no hour-only times (2022-01-12T16), no basic format (20220112),
 * no space instead of the T.
 */
const TIME_BOUND = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * A time parameter as an instant, or null when it is not one of the accepted forms (see {@link TIME_BOUND}) or not
 * a real date or time (2022-02-30, 24:00, +25:00). Without an offset it is Viet Nam time (UTC+7), never the
 * process's own zone; a bare date is read per `kind` (see {@link TimeBoundKind}).
 */
export function parseTimeBound(value: string, kind: TimeBoundKind): Date | null {
  if (typeof value !== 'string') return null;
  const m = TIME_BOUND.exec(value);
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, fraction, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const dayStart = Date.UTC(year, month - 1, day);
  const check = new Date(dayStart);
  // also refuses years 0000–0099, which Date.UTC would read as 1900–1999
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;

  if (hh === undefined) {
    if (kind === 'instant') return null;
    const start = dayStart - VIETNAM_OFFSET_MS;
    return new Date(kind === 'to' ? start + 86_400_000 : start);
  }

  const [hours, minutes, seconds] = [Number(hh), Number(mi), Number(ss ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const millis = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;

  let offsetMs = VIETNAM_OFFSET_MS;
  if (zone?.toUpperCase() === 'Z') offsetMs = 0;
  else if (zone) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 14 || om > 59 || (oh === 14 && om > 0)) return null;
    offsetMs = sign * (oh * 60 + om) * 60_000;
  }
  const at = dayStart + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis - offsetMs;
  return Number.isFinite(at) ? new Date(at) : null;
}

const MESSAGES: Record<TimeBoundKind, string> = {
  from: 'phải là ngày hoặc thời điểm theo ISO-8601 (ví dụ 2022-01-12 hoặc 2022-01-12T16:00:00+07:00); không ghi múi giờ là giờ Việt Nam',
  to: 'phải là ngày hoặc thời điểm theo ISO-8601 (ví dụ 2022-01-12 hoặc 2022-01-12T16:00:00+07:00); không ghi múi giờ là giờ Việt Nam',
  instant: 'phải là thời điểm theo ISO-8601, gồm ngày và giờ (ví dụ 2022-01-12T16:00:00+07:00); không ghi múi giờ là giờ Việt Nam',
};

/**
 * A time parameter that {@link parseTimeBound} reads with that kind. The property stays a string: read it with
 * parseTimeBound(value, kind), which then never answers null.
 */
export function IsTimeBound(kind: TimeBoundKind = 'from', options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isTimeBound',
      target: object.constructor,
      propertyName,
      options: { message: MESSAGES[kind], ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && parseTimeBound(v, kind) !== null },
    });
}
