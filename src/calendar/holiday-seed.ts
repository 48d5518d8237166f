/**
 * Seed for the per-year table of public holidays and swapped working days (see ../shared/reference/calendar.md).
 *
 * The table is data that an administrator can edit: the government fixes the exact days each year, often moving
 * compensatory days or swapping a weekday off against a Saturday worked ("làm bù"). This module only proposes a
 * starting point:
 *  - for the years in {@link KNOWN_TABLES}, the days the government actually announced for civil servants;
 *  - for the other years, the days computed from the law alone ({@link ruleSeed}).
 *
 * Rules used by {@link ruleSeed} (Bộ luật Lao động 2019, Điều 112, in force since 2021):
 *  - Tết Dương lịch: 1/1.
 *  - Tết Nguyên đán: 5 days, from the last day of the old lunar year (29 or 30 tháng Chạp, whichever ends the
 *    month) through mùng 4 tháng Giêng. The government usually widens this break with compensatory or swapped days;
 *    only the known tables carry that.
 *  - Giỗ Tổ Hùng Vương: 10/3 lunar.
 *  - Ngày Chiến thắng: 30/4. Ngày Quốc tế Lao động: 1/5.
 *  - Quốc khánh: 2/9 plus one adjacent day. The adjacent day is always a weekday and, when possible, the one that
 *    joins the break to a weekend, as the government chose in 2021–2025: 3/9 when 2/9 falls on a Sunday, Monday or
 *    Thursday; 1/9 otherwise (Tuesday, Wednesday, Friday, Saturday). With 2/9 on a Wednesday no choice touches a
 *    weekend and we take the day before.
 *  - A holiday that falls on a Saturday or Sunday (the weekly rest days of public offices, Quyết định 188/1999)
 *    gives a compensatory day off ("Nghỉ bù …") on the next Monday–Friday that is neither a holiday nor already a
 *    compensatory day. Holidays are processed in date order, so when two consecutive weekend days are holidays the
 *    first one gets the first free weekday (30/4/2022 → Monday 02/05, 1/5/2022 → Tuesday 03/05).
 *
 * The weekly rest days here are those of public offices (Saturday, Sunday) and do not depend on the office hours
 * configured for the business calendar.
 */
import { jdFromDate, jdToDate, lunarToSolar } from './lunar-calendar.js';

export interface CalendarDay {
  /** Local date, YYYY-MM-DD. */
  date: string;
  /** 'off': no work that day; 'work': a working day even if it is a weekend (làm bù). */
  kind: 'off' | 'work';
  /** Vietnamese name with full diacritics, shown to administrators. */
  name: string;
}

/** Holiday names, in one place so the rule and the known tables agree. */
export const HOLIDAY_NAMES = {
  newYear: 'Tết Dương lịch',
  tet: 'Tết Nguyên đán',
  hungKings: 'Giỗ Tổ Hùng Vương',
  victory: 'Ngày Chiến thắng',
  labour: 'Ngày Quốc tế Lao động',
  national: 'Quốc khánh',
  nationalAdjacent: 'Quốc khánh (ngày liền kề)',
} as const;

/** Name of the compensatory day off for a holiday that fell on a weekend. */
export function compensatoryName(holidayName: string): string {
  return `Nghỉ bù ${holidayName}`;
}

/** First year the rule applies to (Bộ luật Lao động 2019 took effect on 1/1/2021). */
export const FIRST_RULE_YEAR = 2021;
/** Last year the lunar computation supports. */
export const LAST_RULE_YEAR = 2199;

const off = (date: string, name: string): CalendarDay => ({ date, kind: 'off', name });
const work = (date: string, name: string): CalendarDay => ({ date, kind: 'work', name });

/**
 * Tables the government actually announced for civil servants (public offices working Monday–Friday), used instead
 * of the rule for those years. Only days that are not an ordinary weekend are listed, plus the legal holidays
 * themselves even when they fall on a weekend (so the administrator sees them).
 *
 * - 2021: Tết 10–16/02 off (the compensatory days for Saturday 13/02 and Sunday 14/02 were given on 10/02 and
 *   16/02 instead of 16/02 and 17/02); 1/5 a Saturday, Monday 03/05 off; Quốc khánh 02–03/09.
 * - 2022 (calendar.md): 1/1 a Saturday, Monday 03/01 off; Tết Saturday 29/01 to Sunday 06/02 (weekdays 31/01–04/02
 *   are the five legal days); Giỗ Tổ 10/04 a Sunday, Monday 11/04 off; 30/4 a Saturday and 1/5 a Sunday: the
 *   decision gave 30/4–3/5 off. calendar.md names Monday 02/05 as the day for 1/5, so 02/05 is labelled for 1/5
 *   and Tuesday 03/05 for 30/4 (the rule, which goes in date order, labels them the other way round; the days off
 *   are the same). Quốc khánh 01–02/09.
 * - 2023: 1/1 a Sunday, Monday 02/01 off; Tết 20–26/01 (29 Chạp to mùng 5; the legal compensatory days for Saturday
 *   21/01 and Sunday 22/01 moved to 20/01 and 26/01); Giỗ Tổ 29/04 a Saturday and 30/4 a Sunday: 29/04–03/05 off;
 *   Quốc khánh: 2/9 a Saturday, 01/09 and Monday 04/09 off.
 * - 2024: Tết 08–14/02 (29 Chạp to mùng 5); 30/4–1/5: Saturday 27/04 to Wednesday 01/05 off, Monday 29/04 swapped
 *   against Saturday 04/05 worked; Quốc khánh 02–03/09 (Saturday 31/08 to Tuesday 03/09).
 */
export const KNOWN_TABLES: Readonly<Record<number, readonly CalendarDay[]>> = {
  2021: [
    off('2021-01-01', HOLIDAY_NAMES.newYear),
    off('2021-02-10', compensatoryName(HOLIDAY_NAMES.tet)),
    off('2021-02-11', HOLIDAY_NAMES.tet),
    off('2021-02-12', HOLIDAY_NAMES.tet),
    off('2021-02-13', HOLIDAY_NAMES.tet),
    off('2021-02-14', HOLIDAY_NAMES.tet),
    off('2021-02-15', HOLIDAY_NAMES.tet),
    off('2021-02-16', compensatoryName(HOLIDAY_NAMES.tet)),
    off('2021-04-21', HOLIDAY_NAMES.hungKings),
    off('2021-04-30', HOLIDAY_NAMES.victory),
    off('2021-05-01', HOLIDAY_NAMES.labour),
    off('2021-05-03', compensatoryName(HOLIDAY_NAMES.labour)),
    off('2021-09-02', HOLIDAY_NAMES.national),
    off('2021-09-03', HOLIDAY_NAMES.nationalAdjacent),
  ],
  2022: [
    off('2022-01-01', HOLIDAY_NAMES.newYear),
    off('2022-01-03', compensatoryName(HOLIDAY_NAMES.newYear)),
    off('2022-01-31', HOLIDAY_NAMES.tet),
    off('2022-02-01', HOLIDAY_NAMES.tet),
    off('2022-02-02', HOLIDAY_NAMES.tet),
    off('2022-02-03', HOLIDAY_NAMES.tet),
    off('2022-02-04', HOLIDAY_NAMES.tet),
    off('2022-04-10', HOLIDAY_NAMES.hungKings),
    off('2022-04-11', compensatoryName(HOLIDAY_NAMES.hungKings)),
    off('2022-04-30', HOLIDAY_NAMES.victory),
    off('2022-05-01', HOLIDAY_NAMES.labour),
    off('2022-05-02', compensatoryName(HOLIDAY_NAMES.labour)),
    off('2022-05-03', compensatoryName(HOLIDAY_NAMES.victory)),
    off('2022-09-01', HOLIDAY_NAMES.nationalAdjacent),
    off('2022-09-02', HOLIDAY_NAMES.national),
  ],
  2023: [
    off('2023-01-01', HOLIDAY_NAMES.newYear),
    off('2023-01-02', compensatoryName(HOLIDAY_NAMES.newYear)),
    off('2023-01-20', compensatoryName(HOLIDAY_NAMES.tet)),
    off('2023-01-21', HOLIDAY_NAMES.tet),
    off('2023-01-22', HOLIDAY_NAMES.tet),
    off('2023-01-23', HOLIDAY_NAMES.tet),
    off('2023-01-24', HOLIDAY_NAMES.tet),
    off('2023-01-25', HOLIDAY_NAMES.tet),
    off('2023-01-26', compensatoryName(HOLIDAY_NAMES.tet)),
    off('2023-04-29', HOLIDAY_NAMES.hungKings),
    off('2023-04-30', HOLIDAY_NAMES.victory),
    off('2023-05-01', HOLIDAY_NAMES.labour),
    off('2023-05-02', compensatoryName(HOLIDAY_NAMES.hungKings)),
    off('2023-05-03', compensatoryName(HOLIDAY_NAMES.victory)),
    off('2023-09-01', HOLIDAY_NAMES.nationalAdjacent),
    off('2023-09-02', HOLIDAY_NAMES.national),
    off('2023-09-04', compensatoryName(HOLIDAY_NAMES.national)),
  ],
  2024: [
    off('2024-01-01', HOLIDAY_NAMES.newYear),
    off('2024-02-08', compensatoryName(HOLIDAY_NAMES.tet)),
    off('2024-02-09', HOLIDAY_NAMES.tet),
    off('2024-02-10', HOLIDAY_NAMES.tet),
    off('2024-02-11', HOLIDAY_NAMES.tet),
    off('2024-02-12', HOLIDAY_NAMES.tet),
    off('2024-02-13', HOLIDAY_NAMES.tet),
    off('2024-02-14', compensatoryName(HOLIDAY_NAMES.tet)),
    off('2024-04-18', HOLIDAY_NAMES.hungKings),
    off('2024-04-29', 'Nghỉ hoán đổi (làm bù thứ Bảy 04/05/2024)'),
    off('2024-04-30', HOLIDAY_NAMES.victory),
    off('2024-05-01', HOLIDAY_NAMES.labour),
    work('2024-05-04', 'Làm bù cho ngày nghỉ thứ Hai 29/04/2024'),
    off('2024-09-02', HOLIDAY_NAMES.national),
    off('2024-09-03', HOLIDAY_NAMES.nationalAdjacent),
  ],
};

// --- date arithmetic on Julian day numbers (independent of the process's time zone) ---

function jd(year: number, month: number, day: number): number {
  return jdFromDate(day, month, year);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a Julian day number. */
function isoWeekday(dayNumber: number): number {
  return (dayNumber % 7) + 1;
}

function isWeekend(dayNumber: number): boolean {
  return isoWeekday(dayNumber) >= 6;
}

function isoDate(dayNumber: number): string {
  const { year, month, day } = jdToDate(dayNumber);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The adjacent day of Quốc khánh (see the module comment): 3/9 when 2/9 is a Sunday, Monday or Thursday,
 * else 1/9.
 */
function nationalDayAdjacent(year: number): number {
  const national = jd(year, 9, 2);
  const weekday = isoWeekday(national);
  return weekday === 7 || weekday === 1 || weekday === 4 ? national + 1 : national - 1;
}

/** The days off of a year computed from the law alone, with compensatory days for weekend holidays. */
export function ruleSeed(year: number): CalendarDay[] {
  if (!Number.isInteger(year) || year < FIRST_RULE_YEAR || year > LAST_RULE_YEAR) {
    throw new RangeError(`Holiday rule is defined for years ${FIRST_RULE_YEAR}–${LAST_RULE_YEAR}, got ${year}`);
  }
  const holidays: Array<{ day: number; name: string }> = [];
  holidays.push({ day: jd(year, 1, 1), name: HOLIDAY_NAMES.newYear });

  // Tết: the eve (last day of the old lunar year, whether 29 or 30 tháng Chạp) is the day before mùng 1.
  const tet = lunarToSolar(1, 1, year);
  const tetDay = jd(tet.year, tet.month, tet.day);
  for (let i = -1; i <= 3; i++) holidays.push({ day: tetDay + i, name: HOLIDAY_NAMES.tet });

  const hung = lunarToSolar(10, 3, year);
  holidays.push({ day: jd(hung.year, hung.month, hung.day), name: HOLIDAY_NAMES.hungKings });
  holidays.push({ day: jd(year, 4, 30), name: HOLIDAY_NAMES.victory });
  holidays.push({ day: jd(year, 5, 1), name: HOLIDAY_NAMES.labour });
  holidays.push({ day: jd(year, 9, 2), name: HOLIDAY_NAMES.national });
  holidays.push({ day: nationalDayAdjacent(year), name: HOLIDAY_NAMES.nationalAdjacent });
  holidays.sort((a, b) => a.day - b.day);

  // A weekend holiday, or a holiday that coincides with another one (Giỗ Tổ can fall on 30/4 or 1/5 in some
  // years), gives a compensatory day on the next free weekday.
  const taken = new Set<number>();
  const owed: Array<{ day: number; name: string }> = [];
  for (const h of holidays) {
    if (taken.has(h.day) || isWeekend(h.day)) owed.push(h);
    taken.add(h.day);
  }
  const compensatory: Array<{ day: number; name: string }> = [];
  for (const h of owed) {
    let d = h.day + 1;
    while (isWeekend(d) || taken.has(d)) d++;
    taken.add(d);
    compensatory.push({ day: d, name: compensatoryName(h.name) });
  }

  // One entry per date: a coinciding holiday is listed once, under the first name.
  const byDay = new Map<number, string>();
  for (const h of [...holidays, ...compensatory]) if (!byDay.has(h.day)) byDay.set(h.day, h.name);
  return [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([day, name]) => off(isoDate(day), name));
}

/**
 * Proposed table for a year: the government's known table when there is one ({@link KNOWN_TABLES}), else
 * {@link ruleSeed}. Entries are sorted by date; each call returns fresh objects.
 */
export function holidaySeed(year: number): CalendarDay[] {
  const known = KNOWN_TABLES[year];
  if (known) return known.map((d) => ({ ...d }));
  return ruleSeed(year);
}
