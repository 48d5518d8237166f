/**
 * Vietnamese lunar calendar (âm lịch) <-> Gregorian calendar, for the time zone UTC+7.
 *
 * This is an implementation of the public algorithm described by Hồ Ngọc Đức ("Thuật toán tính âm lịch"):
 * lunar months begin on the day (in UTC+7) that contains the astronomical new moon; month 11 is the month that
 * contains the winter solstice; a lunar year with 13 months has a leap month, which is the first month after
 * month 11 that contains no major solar term (no multiple of 30° of the sun's longitude).
 *
 * The astronomy uses the truncated series of Jean Meeus ("Astronomical Algorithms"), accurate to a few minutes,
 * which is what the reference algorithm does. Everything is computed from Julian day numbers, so the result never
 * depends on the time zone of the process.
 */

/** A calendar date with a 1-based month. */
export interface SolarDate {
  year: number;
  month: number;
  day: number;
}

/** A lunar date; `leap` is true inside a leap month (tháng nhuận). */
export interface LunarDate {
  year: number;
  month: number;
  day: number;
  leap: boolean;
}

/** Vietnam's lunar calendar is computed for UTC+7 (China's uses UTC+8, which sometimes gives a different Tết). */
const TIME_ZONE_HOURS = 7;

/** Mean length of a synodic month, in days. */
const SYNODIC_MONTH = 29.530588853;

/** Julian day of the new moon of 1900-01-01 (k = 0 in NewMoon below). */
const NEW_MOON_EPOCH = 2415021.076998695;

const DEG = Math.PI / 180;

/** Julian day number of a Gregorian date (Gregorian rules after 1582-10-15, Julian before). */
export function jdFromDate(day: number, month: number, year: number): number {
  const a = Math.floor((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  let jd = day + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) - 32045;
  if (jd < 2299161) {
    jd = day + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - 32083;
  }
  return jd;
}

/** Gregorian date of a Julian day number (inverse of {@link jdFromDate}). */
export function jdToDate(jd: number): SolarDate {
  let b: number;
  let c: number;
  if (jd > 2299160) {
    const a = jd + 32044;
    b = Math.floor((4 * a + 3) / 146097);
    c = a - Math.floor((b * 146097) / 4);
  } else {
    b = 0;
    c = jd + 32082;
  }
  const d = Math.floor((4 * c + 3) / 1461);
  const e = c - Math.floor((1461 * d) / 4);
  const m = Math.floor((5 * e + 2) / 153);
  return {
    day: e - Math.floor((153 * m + 2) / 5) + 1,
    month: m + 3 - 12 * Math.floor(m / 10),
    year: b * 100 + d - 4800 + Math.floor(m / 10),
  };
}

/** Julian date (fractional, UT) of the k-th new moon after the one of 1900-01-01 (Meeus, chapter 49, truncated). */
function newMoon(k: number): number {
  const T = k / 1236.85; // Julian centuries from 1900-01-01 12:00
  const T2 = T * T;
  const T3 = T2 * T;
  let jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
  jd1 += 0.00033 * Math.sin((166.56 + 132.87 * T - 0.009173 * T2) * DEG);
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3; // sun's mean anomaly
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3; // moon's mean anomaly
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3; // moon's argument of latitude
  let c1 = (0.1734 - 0.000393 * T) * Math.sin(M * DEG) + 0.0021 * Math.sin(2 * DEG * M);
  c1 = c1 - 0.4068 * Math.sin(Mpr * DEG) + 0.0161 * Math.sin(DEG * 2 * Mpr);
  c1 = c1 - 0.0004 * Math.sin(DEG * 3 * Mpr);
  c1 = c1 + 0.0104 * Math.sin(DEG * 2 * F) - 0.0051 * Math.sin(DEG * (M + Mpr));
  c1 = c1 - 0.0074 * Math.sin(DEG * (M - Mpr)) + 0.0004 * Math.sin(DEG * (2 * F + M));
  c1 = c1 - 0.0004 * Math.sin(DEG * (2 * F - M)) - 0.0006 * Math.sin(DEG * (2 * F + Mpr));
  c1 = c1 + 0.001 * Math.sin(DEG * (2 * F - Mpr)) + 0.0005 * Math.sin(DEG * (2 * Mpr + M));
  // Difference between terrestrial and universal time (ΔT), in days.
  const deltaT =
    T < -11
      ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3
      : -0.000278 + 0.000265 * T + 0.000262 * T2;
  return jd1 + c1 - deltaT;
}

/** Sun's apparent longitude in radians, in [0, 2π), at Julian date `jdn` (UT). */
function sunLongitude(jdn: number): number {
  const T = (jdn - 2451545.0) / 36525; // Julian centuries from J2000.0
  const T2 = T * T;
  const M = 357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2; // mean anomaly
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2; // mean longitude
  let DL = (1.9146 - 0.004817 * T - 0.000014 * T2) * Math.sin(DEG * M);
  DL += (0.019993 - 0.000101 * T) * Math.sin(DEG * 2 * M) + 0.00029 * Math.sin(DEG * 3 * M);
  let L = (L0 + DL) * DEG;
  L -= Math.PI * 2 * Math.floor(L / (Math.PI * 2));
  return L;
}

/** Local day number (Julian day number in UTC+7) of the k-th new moon. */
function newMoonDay(k: number): number {
  return Math.floor(newMoon(k) + 0.5 + TIME_ZONE_HOURS / 24);
}

/** Sector 0..11 (of 30° each) of the sun's longitude at the start of local day `dayNumber`. */
function sunLongitudeSector(dayNumber: number): number {
  return Math.floor((sunLongitude(dayNumber - 0.5 - TIME_ZONE_HOURS / 24) / Math.PI) * 6);
}

/** Day number of the first day of lunar month 11 of the lunar year that ends in Gregorian year `year`. */
function lunarMonth11(year: number): number {
  const off = jdFromDate(31, 12, year) - 2415021;
  const k = Math.floor(off / SYNODIC_MONTH);
  const nm = newMoonDay(k);
  // If the sun is already past 270° (winter solstice) at that new moon, month 11 began one lunation earlier.
  return sunLongitudeSector(nm) >= 9 ? newMoonDay(k - 1) : nm;
}

/**
 * In a 13-month lunar year starting at month 11 on day `a11`, the offset (1..12) from month 11 of the leap month:
 * the first month whose start falls in the same solar-term sector as the next month's start.
 */
function leapMonthOffset(a11: number): number {
  const k = Math.floor((a11 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5);
  let i = 1;
  let arc = sunLongitudeSector(newMoonDay(k + i));
  let last: number;
  do {
    last = arc;
    i++;
    arc = sunLongitudeSector(newMoonDay(k + i));
  } while (arc !== last && i < 14);
  return i - 1;
}

function assertInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** First day (Julian day number) of the given lunar month, or null when that leap month does not exist. */
function lunarMonthStart(month: number, year: number, leap: boolean): number | null {
  let a11: number;
  let b11: number;
  if (month < 11) {
    a11 = lunarMonth11(year - 1);
    b11 = lunarMonth11(year);
  } else {
    a11 = lunarMonth11(year);
    b11 = lunarMonth11(year + 1);
  }
  const k = Math.floor(0.5 + (a11 - NEW_MOON_EPOCH) / SYNODIC_MONTH);
  let off = month - 11;
  if (off < 0) off += 12;
  if (b11 - a11 > 365) {
    // 13 lunations between two months 11: one of them is a leap month.
    const leapOff = leapMonthOffset(a11);
    let leapMonth = leapOff - 2;
    if (leapMonth < 0) leapMonth += 12;
    if (leap && month !== leapMonth) return null;
    if (leap || off >= leapOff) off += 1;
  } else if (leap) {
    return null;
  }
  return newMoonDay(k + off);
}

/**
 * The Gregorian date of a Vietnamese lunar date.
 * Throws a RangeError when the date does not exist (a leap month the year does not have, or day 30 of a
 * 29-day month).
 *
 * @example lunarToSolar(1, 1, 2024) // { year: 2024, month: 2, day: 10 } (Tết Giáp Thìn)
 */
export function lunarToSolar(day: number, month: number, year: number, leapMonth = false): SolarDate {
  assertInteger('Lunar day', day, 1, 30);
  assertInteger('Lunar month', month, 1, 12);
  assertInteger('Lunar year', year, 1800, 2199);
  const start = lunarMonthStart(month, year, leapMonth);
  if (start === null) {
    throw new RangeError(`Lunar year ${year} has no leap month ${month}`);
  }
  const jd = start + day - 1;
  if (day === 30 && solarToLunarJd(jd).day !== 30) {
    throw new RangeError(`Lunar month ${month}${leapMonth ? ' (leap)' : ''} of ${year} has only 29 days`);
  }
  return jdToDate(jd);
}

function solarToLunarJd(dayNumber: number): LunarDate {
  const { year } = jdToDate(dayNumber);
  const k = Math.floor((dayNumber - NEW_MOON_EPOCH) / SYNODIC_MONTH);
  let monthStart = newMoonDay(k + 1);
  if (monthStart > dayNumber) monthStart = newMoonDay(k);
  let a11 = lunarMonth11(year);
  let b11 = a11;
  let lunarYear: number;
  if (a11 >= monthStart) {
    lunarYear = year;
    a11 = lunarMonth11(year - 1);
  } else {
    lunarYear = year + 1;
    b11 = lunarMonth11(year + 1);
  }
  const lunarDay = dayNumber - monthStart + 1;
  const diff = Math.floor((monthStart - a11) / 29);
  let leap = false;
  let lunarMonth = diff + 11;
  if (b11 - a11 > 365) {
    const leapDiff = leapMonthOffset(a11);
    if (diff >= leapDiff) {
      lunarMonth = diff + 10;
      if (diff === leapDiff) leap = true;
    }
  }
  if (lunarMonth > 12) lunarMonth -= 12;
  if (lunarMonth >= 11 && diff < 4) lunarYear -= 1;
  return { year: lunarYear, month: lunarMonth, day: lunarDay, leap };
}

/**
 * The Vietnamese lunar date of a Gregorian date.
 *
 * @example solarToLunar(31, 1, 2022) // { year: 2021, month: 12, day: 29, leap: false } (the eve of Tết 2022)
 */
export function solarToLunar(day: number, month: number, year: number): LunarDate {
  assertInteger('Month', month, 1, 12);
  assertInteger('Year', year, 1800, 2199);
  assertInteger('Day', day, 1, 31);
  const jd = jdFromDate(day, month, year);
  const back = jdToDate(jd);
  if (back.day !== day || back.month !== month) {
    throw new RangeError(`Invalid date ${year}-${month}-${day}`);
  }
  return solarToLunarJd(jd);
}

/** The leap month (1..12) of a lunar year, or 0 when the year has none. */
export function leapMonthOf(lunarYear: number): number {
  assertInteger('Lunar year', lunarYear, 1800, 2199);
  for (let month = 1; month <= 12; month++) {
    if (lunarMonthStart(month, lunarYear, true) !== null) return month;
  }
  return 0;
}
