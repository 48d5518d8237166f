/**
 * Local time in Viet Nam (Asia/Ho_Chi_Minh, UTC+7 all year, no daylight saving since 1975), computed by shifting
 * instants by the fixed offset: the process's own time zone is never used.
 */
export const VIETNAM_OFFSET_MS = 7 * 3600_000;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The Viet Nam wall time of an instant as a Date whose UTC fields are that wall time (read it with getUTC…):
 * the one place that shifts instants into local time.
 */
export function vietnamWallClock(date: Date): Date {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('invalid date');
  return new Date(time + VIETNAM_OFFSET_MS);
}
const shifted = vietnamWallClock;

/** "12/01/2022" */
export function formatDateVi(date: Date): string {
  const l = shifted(date);
  return `${pad(l.getUTCDate())}/${pad(l.getUTCMonth() + 1)}/${l.getUTCFullYear()}`;
}

/** "16:00 12/01/2022" */
export function formatDateTimeVi(date: Date): string {
  const l = shifted(date);
  return `${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())} ${formatDateVi(date)}`;
}

/** The local date and time as an HTML datetime-local value, "2022-01-12T16:00". */
export function localDateTimeInput(date: Date): string {
  return shifted(date).toISOString().slice(0, 16);
}

/** The local calendar date, "2022-01-12". */
export function localDate(date: Date): string {
  const l = shifted(date);
  return `${l.getUTCFullYear()}-${pad(l.getUTCMonth() + 1)}-${pad(l.getUTCDate())}`;
}

/** The instant of a local date and time: atLocalTime('2022-01-12', '16:00') = 2022-01-12T09:00:00Z. */
export function atLocalTime(date: string, hhmm: string): Date {
  return new Date(Date.parse(`${date}T${hhmm}:00Z`) - VIETNAM_OFFSET_MS);
}

/** Adds whole days to a local date string. */
export function addDays(date: string, days: number): string {
  const d = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}
