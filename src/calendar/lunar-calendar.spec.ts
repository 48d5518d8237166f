import { leapMonthOf, lunarToSolar, solarToLunar } from './lunar-calendar.js';

describe('lunarToSolar', () => {
  it('finds Tết (1/1 lunar) for 2021–2027', () => {
    expect(lunarToSolar(1, 1, 2021)).toEqual({ year: 2021, month: 2, day: 12 });
    expect(lunarToSolar(1, 1, 2022)).toEqual({ year: 2022, month: 2, day: 1 });
    expect(lunarToSolar(1, 1, 2023)).toEqual({ year: 2023, month: 1, day: 22 });
    expect(lunarToSolar(1, 1, 2024)).toEqual({ year: 2024, month: 2, day: 10 });
    expect(lunarToSolar(1, 1, 2025)).toEqual({ year: 2025, month: 1, day: 29 });
    expect(lunarToSolar(1, 1, 2026)).toEqual({ year: 2026, month: 2, day: 17 });
    expect(lunarToSolar(1, 1, 2027)).toEqual({ year: 2027, month: 2, day: 6 });
  });

  it('finds Giỗ Tổ Hùng Vương (10/3 lunar)', () => {
    expect(lunarToSolar(10, 3, 2021)).toEqual({ year: 2021, month: 4, day: 21 });
    expect(lunarToSolar(10, 3, 2022)).toEqual({ year: 2022, month: 4, day: 10 });
    expect(lunarToSolar(10, 3, 2023)).toEqual({ year: 2023, month: 4, day: 29 });
    expect(lunarToSolar(10, 3, 2024)).toEqual({ year: 2024, month: 4, day: 18 });
    expect(lunarToSolar(10, 3, 2025)).toEqual({ year: 2025, month: 4, day: 7 });
  });

  it('uses UTC+7 astronomy, where Vietnam and China (UTC+8) disagree', () => {
    expect(lunarToSolar(1, 1, 1985)).toEqual({ year: 1985, month: 1, day: 21 }); // China: 20/02/1985
    expect(lunarToSolar(1, 1, 2007)).toEqual({ year: 2007, month: 2, day: 17 }); // China: 18/02/2007
  });

  it('handles leap months', () => {
    expect(leapMonthOf(2020)).toBe(4);
    expect(leapMonthOf(2022)).toBe(0);
    expect(leapMonthOf(2023)).toBe(2);
    expect(leapMonthOf(2025)).toBe(6);
    expect(lunarToSolar(1, 4, 2020, true)).toEqual({ year: 2020, month: 5, day: 23 });
    expect(lunarToSolar(1, 2, 2023, true)).toEqual({ year: 2023, month: 3, day: 22 });
    expect(lunarToSolar(1, 2, 2023)).toEqual({ year: 2023, month: 2, day: 20 });
    expect(lunarToSolar(1, 6, 2025, true)).toEqual({ year: 2025, month: 7, day: 25 });
  });

  it('rejects lunar dates that do not exist', () => {
    expect(() => lunarToSolar(1, 3, 2023, true)).toThrow('no leap month 3');
    expect(() => lunarToSolar(1, 1, 2022, true)).toThrow(RangeError);
    // Tháng Chạp of Tân Sửu (lunar year 2021) had 29 days: Tết 2022 was on the 30th day.
    expect(lunarToSolar(29, 12, 2021)).toEqual({ year: 2022, month: 1, day: 31 });
    expect(() => lunarToSolar(30, 12, 2021)).toThrow('only 29 days');
    expect(() => lunarToSolar(0, 1, 2022)).toThrow(RangeError);
    expect(() => lunarToSolar(1, 13, 2022)).toThrow(RangeError);
  });
});

describe('solarToLunar', () => {
  it('gives the lunar date of a few known days', () => {
    expect(solarToLunar(31, 1, 2022)).toEqual({ year: 2021, month: 12, day: 29, leap: false });
    expect(solarToLunar(9, 2, 2024)).toEqual({ year: 2023, month: 12, day: 30, leap: false });
    expect(solarToLunar(22, 3, 2023)).toEqual({ year: 2023, month: 2, day: 1, leap: true });
    expect(solarToLunar(2, 9, 2025)).toEqual({ year: 2025, month: 7, day: 11, leap: false });
  });

  it('is the inverse of lunarToSolar over 2020–2028', () => {
    const start = Date.UTC(2020, 0, 1);
    const end = Date.UTC(2028, 11, 31);
    for (let ms = start; ms <= end; ms += 86_400_000) {
      const d = new Date(ms);
      const solar = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
      const lunar = solarToLunar(solar.day, solar.month, solar.year);
      expect(lunarToSolar(lunar.day, lunar.month, lunar.year, lunar.leap)).toEqual(solar);
    }
  });

  it('rejects invalid dates', () => {
    expect(() => solarToLunar(30, 2, 2024)).toThrow('Invalid date');
  });
});
