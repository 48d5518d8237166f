import { BusinessCalendar, DEFAULT_OFFICE_HOURS } from './business-calendar.js';
import { CalendarDay, HOLIDAY_NAMES, KNOWN_TABLES, holidaySeed, ruleSeed } from './holiday-seed.js';
import { lunarToSolar } from './lunar-calendar.js';

const YEARS = [2021, 2022, 2023, 2024, 2025, 2026, 2027];

/** 'YYYY-MM-DD' plus n days, in UTC (no process time zone involved). */
function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function isoWeekday(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

const isWeekend = (date: string) => isoWeekday(date) >= 6;
const offDates = (days: CalendarDay[]) => days.filter((d) => d.kind === 'off').map((d) => d.date);

describe('holidaySeed 2022 (calendar.md)', () => {
  const seed = holidaySeed(2022);
  const calendar = new BusinessCalendar(DEFAULT_OFFICE_HOURS, seed);

  it('is the government table', () => {
    expect(seed).toEqual([
      { date: '2022-01-01', kind: 'off', name: 'Tết Dương lịch' },
      { date: '2022-01-03', kind: 'off', name: 'Nghỉ bù Tết Dương lịch' },
      { date: '2022-01-31', kind: 'off', name: 'Tết Nguyên đán' },
      { date: '2022-02-01', kind: 'off', name: 'Tết Nguyên đán' },
      { date: '2022-02-02', kind: 'off', name: 'Tết Nguyên đán' },
      { date: '2022-02-03', kind: 'off', name: 'Tết Nguyên đán' },
      { date: '2022-02-04', kind: 'off', name: 'Tết Nguyên đán' },
      { date: '2022-04-10', kind: 'off', name: 'Giỗ Tổ Hùng Vương' },
      { date: '2022-04-11', kind: 'off', name: 'Nghỉ bù Giỗ Tổ Hùng Vương' },
      { date: '2022-04-30', kind: 'off', name: 'Ngày Chiến thắng' },
      { date: '2022-05-01', kind: 'off', name: 'Ngày Quốc tế Lao động' },
      { date: '2022-05-02', kind: 'off', name: 'Nghỉ bù Ngày Quốc tế Lao động' },
      { date: '2022-05-03', kind: 'off', name: 'Nghỉ bù Ngày Chiến thắng' },
      { date: '2022-09-01', kind: 'off', name: 'Quốc khánh (ngày liền kề)' },
      { date: '2022-09-02', kind: 'off', name: 'Quốc khánh' },
    ]);
  });

  it('gives Saturday 29/01 to Sunday 06/02/2022 off for Tết, and work on both sides', () => {
    expect(calendar.isWorkingDay('2022-01-28')).toBe(true);
    for (let d = '2022-01-29'; d <= '2022-02-06'; d = addDays(d, 1)) {
      expect([d, calendar.isWorkingDay(d)]).toEqual([d, false]);
    }
    expect(calendar.isWorkingDay('2022-02-07')).toBe(true);
  });

  it('gives Monday 11/04 for Giỗ Tổ, 02–03/05 for 30/4–1/5 and 01–02/09 for Quốc khánh', () => {
    expect(calendar.isWorkingDay('2022-04-11')).toBe(false);
    expect(calendar.isWorkingDay('2022-04-12')).toBe(true);
    expect(calendar.isWorkingDay('2022-05-02')).toBe(false);
    expect(calendar.isWorkingDay('2022-05-03')).toBe(false);
    expect(calendar.isWorkingDay('2022-05-04')).toBe(true);
    expect(calendar.isWorkingDay('2022-08-31')).toBe(true);
    expect(calendar.isWorkingDay('2022-09-01')).toBe(false);
    expect(calendar.isWorkingDay('2022-09-02')).toBe(false);
    expect(calendar.isWorkingDay('2022-09-05')).toBe(true);
  });

  it('gives the same days off as the rule (only the labels of 02/05 and 03/05 differ)', () => {
    expect(offDates(ruleSeed(2022))).toEqual(offDates(seed));
  });
});

describe('holidaySeed 2021–2027', () => {
  it.each(YEARS)('%i: Tết is off from the eve (29 or 30 tháng Chạp) through mùng 4', (year) => {
    const tet = lunarToSolar(1, 1, year);
    const first = `${tet.year}-${String(tet.month).padStart(2, '0')}-${String(tet.day).padStart(2, '0')}`;
    for (const seed of [holidaySeed(year), ruleSeed(year)]) {
      const byDate = new Map(seed.map((d) => [d.date, d]));
      for (let i = -1; i <= 3; i++) {
        expect(byDate.get(addDays(first, i))).toEqual({ date: addDays(first, i), kind: 'off', name: HOLIDAY_NAMES.tet });
      }
    }
  });

  it('puts Tết 2021 on 10–16/02 as the government did', () => {
    const calendar = new BusinessCalendar(DEFAULT_OFFICE_HOURS, holidaySeed(2021));
    expect(calendar.isWorkingDay('2021-02-09')).toBe(true);
    for (let d = '2021-02-10'; d <= '2021-02-16'; d = addDays(d, 1)) expect(calendar.isWorkingDay(d)).toBe(false);
    expect(calendar.isWorkingDay('2021-02-17')).toBe(true);
    // The rule alone would give 11–17/02: compensatory days after the weekend.
    expect(offDates(ruleSeed(2021)).filter((d) => d.startsWith('2021-02'))).toEqual([
      '2021-02-11', '2021-02-12', '2021-02-13', '2021-02-14', '2021-02-15', '2021-02-16', '2021-02-17',
    ]);
  });

  it('counts a swapped Saturday as a working day (2024-05-04)', () => {
    const seed = holidaySeed(2024);
    expect(seed).toContainEqual({ date: '2024-05-04', kind: 'work', name: 'Làm bù cho ngày nghỉ thứ Hai 29/04/2024' });
    const calendar = new BusinessCalendar(DEFAULT_OFFICE_HOURS, seed);
    expect(calendar.isWorkingDay('2024-04-29')).toBe(false);
    expect(calendar.isWorkingDay('2024-05-04')).toBe(true);
  });

  it('moves weekend holidays to the next free working day', () => {
    const names = (year: number) => new Map(ruleSeed(year).map((d) => [d.date, d.name]));
    // 1/1/2022 Saturday → Monday 03/01; 1/1/2023 Sunday → Monday 02/01.
    expect(names(2022).get('2022-01-03')).toBe('Nghỉ bù Tết Dương lịch');
    expect(names(2023).get('2023-01-02')).toBe('Nghỉ bù Tết Dương lịch');
    // 2023: Giỗ Tổ on Saturday 29/04 and 30/4 on Sunday; Monday 01/05 is itself a holiday → 02/05 and 03/05.
    expect(names(2023).get('2023-05-02')).toBe('Nghỉ bù Giỗ Tổ Hùng Vương');
    expect(names(2023).get('2023-05-03')).toBe('Nghỉ bù Ngày Chiến thắng');
    // 2/9/2023 Saturday: adjacent day Friday 01/09, compensatory Monday 04/09.
    expect(names(2023).get('2023-09-04')).toBe('Nghỉ bù Quốc khánh');
    // 2025: Tết runs Tuesday 28/01 to Saturday 01/02 → Monday 03/02.
    expect(names(2025).get('2025-02-03')).toBe('Nghỉ bù Tết Nguyên đán');
    // 2026: Giỗ Tổ on Sunday 26/04 → Monday 27/04.
    expect(names(2026).get('2026-04-27')).toBe('Nghỉ bù Giỗ Tổ Hùng Vương');
    // 2027: Tết Friday 05/02 to Tuesday 09/02, with Saturday and Sunday → Wednesday 10/02 and Thursday 11/02;
    // 1/5/2027 Saturday → Monday 03/05.
    expect(names(2027).get('2027-02-10')).toBe('Nghỉ bù Tết Nguyên đán');
    expect(names(2027).get('2027-02-11')).toBe('Nghỉ bù Tết Nguyên đán');
    expect(names(2027).get('2027-05-03')).toBe('Nghỉ bù Ngày Quốc tế Lao động');
  });

  it('chooses the adjacent day of Quốc khánh to join a weekend when possible', () => {
    const adjacent = (year: number) => ruleSeed(year).find((d) => d.name === HOLIDAY_NAMES.nationalAdjacent)?.date;
    expect(adjacent(2021)).toBe('2021-09-03'); // 2/9 Thursday
    expect(adjacent(2022)).toBe('2022-09-01'); // Friday
    expect(adjacent(2023)).toBe('2023-09-01'); // Saturday
    expect(adjacent(2024)).toBe('2024-09-03'); // Monday
    expect(adjacent(2025)).toBe('2025-09-01'); // Tuesday
    expect(adjacent(2026)).toBe('2026-09-01'); // Wednesday
    expect(adjacent(2027)).toBe('2027-09-03'); // Thursday
    expect(adjacent(2029)).toBe('2029-09-03'); // Sunday: Monday 03/09, and Tuesday 04/09 for the Sunday
    expect(offDates(ruleSeed(2029)).filter((d) => d.startsWith('2029-09'))).toEqual(['2029-09-02', '2029-09-03', '2029-09-04']);
  });

  it.each(YEARS)('%i: gives the 11 legal days off on weekdays, net of swapped working days', (year) => {
    for (const seed of [holidaySeed(year), ruleSeed(year)]) {
      const weekdaysOff = seed.filter((d) => d.kind === 'off' && !isWeekend(d.date)).length;
      const extraWorkdays = seed.filter((d) => d.kind === 'work').length;
      expect(weekdaysOff - extraWorkdays).toBe(11);
    }
  });

  it.each(YEARS)('%i: entries are sorted, unique, in the year, and named in Vietnamese', (year) => {
    const seed = holidaySeed(year);
    const dates = seed.map((d) => d.date);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(dates.length);
    for (const d of seed) {
      expect(d.date.startsWith(`${year}-`)).toBe(true);
      expect(d.name).toBe(d.name.normalize('NFC'));
      expect(d.name.length).toBeGreaterThan(0);
    }
    // Every weekend entry of kind 'off' is a legal holiday, never a compensatory day.
    for (const d of seed) if (isWeekend(d.date) && d.kind === 'off') expect(d.name.startsWith('Nghỉ')).toBe(false);
  });

  it('returns fresh copies of the known tables', () => {
    const seed = holidaySeed(2022);
    seed[0].name = 'changed';
    expect(holidaySeed(2022)[0].name).toBe('Tết Dương lịch');
    expect(KNOWN_TABLES[2022][0].name).toBe('Tết Dương lịch');
  });

  it('refuses years before the 2019 Labour Code took effect', () => {
    expect(() => holidaySeed(2020)).toThrow(RangeError);
  });
});
