/**
 * Working-time arithmetic for SLA deadlines: office hours with a lunch break, weekly working days, and a per-year
 * table of days off and extra working days (see holiday-seed.ts).
 *
 * Every computation happens in the business zone (UTC+7 by default; Asia/Ho_Chi_Minh has no daylight saving), by
 * shifting instants by a fixed offset and reading UTC fields. The process's own time zone is never used.
 *
 * Working periods are half-open: 07:00–11:30 contains 07:00 but not 11:30. Durations are counted in milliseconds
 * internally, so fractional minutes are exact to the millisecond.
 */
import type { CalendarDay } from './holiday-seed.js';

export interface OfficeHours {
  /** Working periods of a day, 'HH:MM' local time, e.g. 07:00–11:30 and 13:30–17:00. Sorted, not overlapping. */
  periods: Array<{ start: string; end: string }>;
  /** ISO weekdays worked (1 = Monday … 7 = Sunday); [1, 2, 3, 4, 5] by default. */
  workdays: number[];
}

/** 07:00–11:30 and 13:30–17:00, Monday–Friday. Frozen: copy it to change it. */
export const DEFAULT_OFFICE_HOURS: OfficeHours = Object.freeze({
  periods: Object.freeze([Object.freeze({ start: '07:00', end: '11:30' }), Object.freeze({ start: '13:30', end: '17:00' })]),
  workdays: Object.freeze([1, 2, 3, 4, 5]),
}) as unknown as OfficeHours;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1440;
/** Julian day number of 1970-01-01, to turn an epoch day index into a weekday. */
const UNIX_EPOCH_JD = 2440588;
/** Stop looking for working time after this many consecutive days without any (a misconfigured calendar). */
const MAX_IDLE_DAYS = 3660;

/** Minutes since midnight of an 'HH:MM' string; '24:00' is accepted (as an end of day). */
function parseClock(value: string, context: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!m) throw new Error(`Invalid time '${value}' in ${context}: expected HH:MM`);
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) {
    throw new Error(`Invalid time '${value}' in ${context}: hours must be 00–23 (or 24:00) and minutes 00–59`);
  }
  return hours * 60 + minutes;
}

interface Period {
  /** Minutes since local midnight. */
  start: number;
  end: number;
}

/** Validates office hours and returns the periods in minutes, sorted. Throws an Error on a bad configuration. */
function compilePeriods(hours: OfficeHours): Period[] {
  if (!hours || !Array.isArray(hours.periods) || hours.periods.length === 0) {
    throw new Error('Office hours must have at least one working period');
  }
  const periods = hours.periods.map((p, i) => {
    const context = `office hours period ${i + 1} ('${p?.start}-${p?.end}')`;
    if (typeof p?.start !== 'string' || typeof p?.end !== 'string') throw new Error(`Missing start or end in ${context}`);
    const start = parseClock(p.start, context);
    const end = parseClock(p.end, context);
    if (start >= MINUTES_PER_DAY) throw new Error(`A period cannot start at 24:00 in ${context}`);
    if (end <= start) throw new Error(`Period end must be after its start in ${context}`);
    return { start, end };
  });
  periods.sort((a, b) => a.start - b.start);
  for (let i = 1; i < periods.length; i++) {
    if (periods[i].start < periods[i - 1].end) throw new Error('Office hours periods must not overlap');
  }
  if (!Array.isArray(hours.workdays) || hours.workdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw new Error('Office hours workdays must be ISO weekdays 1 (Monday) to 7 (Sunday)');
  }
  return periods;
}

/**
 * Parses office hours such as '07:00-11:30,13:30-17:00' (Monday–Friday). Spaces are allowed and an en dash may
 * be used instead of the hyphen. Throws an Error with a clear message on a bad spec.
 */
export function parseOfficeHours(spec: string): OfficeHours {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new Error("Office hours spec is empty: expected e.g. '07:00-11:30,13:30-17:00'");
  }
  const periods = spec.split(',').map((part) => {
    const m = /^\s*(\S+)\s*[-–]\s*(\S+)\s*$/.exec(part);
    if (!m) throw new Error(`Invalid office hours period '${part.trim()}': expected HH:MM-HH:MM`);
    return { start: m[1], end: m[2] };
  });
  const hours: OfficeHours = { periods, workdays: [...DEFAULT_OFFICE_HOURS.workdays] };
  compilePeriods(hours); // validates
  return hours;
}

/** Epoch day index (days since 1970-01-01) of a 'YYYY-MM-DD' string. Throws on an invalid date. */
function dayIndexOf(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`Invalid date '${date}': expected YYYY-MM-DD`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new Error(`Invalid date '${date}'`);
  }
  return ms / DAY_MS;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of an epoch day index. */
function isoWeekdayOf(dayIndex: number): number {
  return ((dayIndex + UNIX_EPOCH_JD) % 7) + 1;
}

function assertDate(t: Date, name: string): number {
  const ms = t instanceof Date ? t.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new Error(`${name} must be a valid Date`);
  return ms;
}

export class BusinessCalendar {
  private readonly periods: Period[];
  private readonly workdays: ReadonlySet<number>;
  /** Explicit kind per epoch day index, from the holiday table. */
  private readonly overrides = new Map<number, 'off' | 'work'>();
  private readonly offsetMs: number;

  constructor(hours: OfficeHours, days: CalendarDay[], utcOffsetMinutes = 420) {
    this.periods = compilePeriods(hours);
    this.workdays = new Set(hours.workdays);
    if (!Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) > 14 * 60) {
      throw new Error(`Invalid UTC offset ${utcOffsetMinutes} minutes`);
    }
    this.offsetMs = utcOffsetMinutes * MINUTE_MS;
    for (const d of days) {
      if (d.kind !== 'off' && d.kind !== 'work') throw new Error(`Invalid calendar day kind '${d.kind}' on ${d.date}`);
      const index = dayIndexOf(d.date);
      const existing = this.overrides.get(index);
      if (existing && existing !== d.kind) {
        throw new Error(`Calendar day ${d.date} is listed both as a day off and as a working day`);
      }
      this.overrides.set(index, d.kind);
    }
  }

  /** Whether a local date (YYYY-MM-DD) is worked: a 'work' day, or a weekday in `workdays` that is not 'off'. */
  isWorkingDay(date: string): boolean {
    return this.isWorkingDayIndex(dayIndexOf(date));
  }

  /** Whether the instant falls inside a working period of a working day (periods are half-open). */
  isWorkingTime(t: Date): boolean {
    const local = assertDate(t, 'Time') + this.offsetMs;
    const dayIndex = Math.floor(local / DAY_MS);
    if (!this.isWorkingDayIndex(dayIndex)) return false;
    const minute = (local - dayIndex * DAY_MS) / MINUTE_MS;
    return this.periods.some((p) => minute >= p.start && minute < p.end);
  }

  /** `t` itself when it is inside working time, else the start of the next working period. */
  nextWorkingStart(t: Date): Date {
    const local = assertDate(t, 'Time') + this.offsetMs;
    for (const [start] of this.periodsFrom(local)) {
      return this.toDate(Math.max(local, start));
    }
    throw new Error('unreachable: periodsFrom() never ends'); // keeps the compiler's flow analysis happy
  }

  /**
   * The instant when `minutes` of working time have elapsed from `start`. Starting outside working time counts from
   * the next period start; a deadline that lands exactly on the end of a period stays there. Zero minutes gives
   * {@link nextWorkingStart}.
   */
  addWorkingMinutes(start: Date, minutes: number): Date {
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new RangeError(`Working minutes must be a finite number >= 0, got ${minutes}`);
    }
    const local = assertDate(start, 'Start') + this.offsetMs;
    let remaining = Math.round(minutes * MINUTE_MS);
    for (const [periodStart, periodEnd] of this.periodsFrom(local)) {
      const from = Math.max(local, periodStart);
      const available = periodEnd - from;
      if (remaining <= available) return this.toDate(from + remaining);
      remaining -= available;
    }
    throw new Error('unreachable: periodsFrom() never ends'); // keeps the compiler's flow analysis happy
  }

  /** Working minutes in [a, b); negative when b is before a. */
  workingMinutesBetween(a: Date, b: Date): number {
    const from = assertDate(a, 'Start');
    const to = assertDate(b, 'End');
    if (to < from) return -this.workingMinutesBetween(b, a);
    const localFrom = from + this.offsetMs;
    const localTo = to + this.offsetMs;
    let total = 0;
    const lastDay = Math.floor(localTo / DAY_MS);
    for (let day = Math.floor(localFrom / DAY_MS); day <= lastDay; day++) {
      if (!this.isWorkingDayIndex(day)) continue;
      const base = day * DAY_MS;
      for (const p of this.periods) {
        const s = Math.max(localFrom, base + p.start * MINUTE_MS);
        const e = Math.min(localTo, base + p.end * MINUTE_MS);
        if (e > s) total += e - s;
      }
    }
    return total / MINUTE_MS;
  }

  private isWorkingDayIndex(dayIndex: number): boolean {
    const override = this.overrides.get(dayIndex);
    if (override) return override === 'work';
    return this.workdays.has(isoWeekdayOf(dayIndex));
  }

  /**
   * The working periods, as [start, end) in local epoch milliseconds, that end after `local`, in order: the rest
   * of the current day, then day by day. Throws when no working time exists for {@link MAX_IDLE_DAYS} days.
   */
  private *periodsFrom(local: number): Generator<[number, number]> {
    let idle = 0;
    for (let day = Math.floor(local / DAY_MS); ; day++) {
      if (this.isWorkingDayIndex(day)) {
        const base = day * DAY_MS;
        for (const p of this.periods) {
          const end = base + p.end * MINUTE_MS;
          if (end <= local) continue;
          idle = 0;
          yield [base + p.start * MINUTE_MS, end];
        }
      }
      if (++idle > MAX_IDLE_DAYS) {
        throw new Error(`No working time within ${MAX_IDLE_DAYS} days: check the office hours and the calendar`);
      }
    }
  }

  private toDate(local: number): Date {
    return new Date(local - this.offsetMs);
  }
}
