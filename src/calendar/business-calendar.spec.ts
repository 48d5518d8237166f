import { BusinessCalendar, DEFAULT_OFFICE_HOURS, OfficeHours, parseOfficeHours } from './business-calendar.js';
import { CalendarDay, holidaySeed } from './holiday-seed.js';

/** Every expected instant is written in the business zone, +07:00. */
const at = (iso: string) => new Date(iso);
const expectInstant = (actual: Date, iso: string) => expect(actual.toISOString()).toBe(new Date(iso).toISOString());

const days: CalendarDay[] = [2021, 2022, 2023, 2024, 2025, 2026, 2027].flatMap((year) => holidaySeed(year));
const calendar = new BusinessCalendar(DEFAULT_OFFICE_HOURS, days);

describe('parseOfficeHours', () => {
  it('parses periods, Monday–Friday by default', () => {
    expect(parseOfficeHours('07:00-11:30,13:30-17:00')).toEqual(DEFAULT_OFFICE_HOURS);
    expect(parseOfficeHours(' 7:30 – 12:00 , 13:30-17:00 ')).toEqual({
      periods: [
        { start: '7:30', end: '12:00' },
        { start: '13:30', end: '17:00' },
      ],
      workdays: [1, 2, 3, 4, 5],
    });
  });

  it('throws a clear error on a bad spec', () => {
    expect(() => parseOfficeHours('')).toThrow('Office hours spec is empty');
    expect(() => parseOfficeHours('07:00')).toThrow("Invalid office hours period '07:00': expected HH:MM-HH:MM");
    expect(() => parseOfficeHours('07:00-11:30,')).toThrow('expected HH:MM-HH:MM');
    expect(() => parseOfficeHours('7h-11h')).toThrow("Invalid time '7h'");
    expect(() => parseOfficeHours('07:00-25:00')).toThrow('hours must be 00–23');
    expect(() => parseOfficeHours('07:60-11:00')).toThrow('minutes 00–59');
    expect(() => parseOfficeHours('11:30-07:00')).toThrow('end must be after its start');
    expect(() => parseOfficeHours('07:00-12:00,11:00-17:00')).toThrow('must not overlap');
  });

  it('rejects bad office hours in the constructor too', () => {
    const bad: OfficeHours = { periods: [{ start: '08:00', end: '12:00' }], workdays: [0, 1] };
    expect(() => new BusinessCalendar(bad, [])).toThrow('ISO weekdays');
    expect(() => new BusinessCalendar({ periods: [], workdays: [1] }, [])).toThrow('at least one working period');
    expect(() => new BusinessCalendar(DEFAULT_OFFICE_HOURS, [{ date: '2022-02-30', kind: 'off', name: 'x' }])).toThrow(
      "Invalid date '2022-02-30'",
    );
    const conflicting: CalendarDay[] = [
      { date: '2024-05-04', kind: 'off', name: 'a' },
      { date: '2024-05-04', kind: 'work', name: 'b' },
    ];
    expect(() => new BusinessCalendar(DEFAULT_OFFICE_HOURS, conflicting)).toThrow('both as a day off and as a working day');
  });
});

describe('BusinessCalendar', () => {
  it('knows working days: weekdays, holidays and swapped Saturdays', () => {
    expect(calendar.isWorkingDay('2022-03-07')).toBe(true); // Monday
    expect(calendar.isWorkingDay('2022-03-12')).toBe(false); // Saturday
    expect(calendar.isWorkingDay('2022-03-13')).toBe(false); // Sunday
    expect(calendar.isWorkingDay('2022-09-02')).toBe(false); // Quốc khánh
    expect(calendar.isWorkingDay('2024-05-04')).toBe(true); // Saturday, làm bù
    expect(() => calendar.isWorkingDay('2022-3-7')).toThrow('expected YYYY-MM-DD');
  });

  it('knows working time, with half-open periods in UTC+7', () => {
    expect(calendar.isWorkingTime(at('2022-03-07T07:00:00+07:00'))).toBe(true);
    expect(calendar.isWorkingTime(at('2022-03-07T06:59:59+07:00'))).toBe(false);
    expect(calendar.isWorkingTime(at('2022-03-07T11:29:59+07:00'))).toBe(true);
    expect(calendar.isWorkingTime(at('2022-03-07T11:30:00+07:00'))).toBe(false);
    expect(calendar.isWorkingTime(at('2022-03-07T12:00:00+07:00'))).toBe(false);
    expect(calendar.isWorkingTime(at('2022-03-07T16:59:00+07:00'))).toBe(true);
    expect(calendar.isWorkingTime(at('2022-03-07T17:00:00+07:00'))).toBe(false);
    // Monday 07:30 in Vietnam is still Sunday 2022-03-06 in UTC and in New York.
    expect(calendar.isWorkingTime(at('2022-03-07T00:30:00Z'))).toBe(true);
    // Saturday 09:00 in Vietnam is Friday 02:00 UTC.
    expect(calendar.isWorkingTime(at('2022-03-12T09:00:00+07:00'))).toBe(false);
  });

  it('finds the next working start', () => {
    const same = at('2022-03-07T09:15:00+07:00');
    expect(calendar.nextWorkingStart(same)).toEqual(same);
    expectInstant(calendar.nextWorkingStart(at('2022-03-07T05:00:00+07:00')), '2022-03-07T07:00:00+07:00');
    expectInstant(calendar.nextWorkingStart(at('2022-03-07T11:30:00+07:00')), '2022-03-07T13:30:00+07:00');
    expectInstant(calendar.nextWorkingStart(at('2022-03-11T17:00:00+07:00')), '2022-03-14T07:00:00+07:00');
    expectInstant(calendar.nextWorkingStart(at('2022-01-28T18:00:00+07:00')), '2022-02-07T07:00:00+07:00');
  });

  describe('addWorkingMinutes', () => {
    it('crosses the lunch break', () => {
      // Monday 10:00 + 2 h: 90 min until 11:30, then 30 min from 13:30.
      expectInstant(calendar.addWorkingMinutes(at('2022-03-07T10:00:00+07:00'), 120), '2022-03-07T14:00:00+07:00');
    });

    it('stays at the end of a period rather than jumping to the next start', () => {
      expectInstant(calendar.addWorkingMinutes(at('2022-03-07T10:00:00+07:00'), 90), '2022-03-07T11:30:00+07:00');
      expectInstant(calendar.addWorkingMinutes(at('2022-03-11T13:30:00+07:00'), 210), '2022-03-11T17:00:00+07:00');
      // 10 working days of 8 h from Monday 07:00 end on Friday of the next week at 17:00.
      expectInstant(calendar.addWorkingMinutes(at('2022-03-07T07:00:00+07:00'), 10 * 480), '2022-03-18T17:00:00+07:00');
    });

    it('crosses a weekend', () => {
      // Friday 16:00 + 2 h: 60 min on Friday, 60 min on Monday.
      expectInstant(calendar.addWorkingMinutes(at('2022-03-11T16:00:00+07:00'), 120), '2022-03-14T08:00:00+07:00');
    });

    it('crosses Tết 2022', () => {
      // Friday 28/01 10:00 + 8 h: 300 min on Friday; Saturday 29/01 to Sunday 06/02 are off; 180 min on Monday 07/02.
      expectInstant(calendar.addWorkingMinutes(at('2022-01-28T10:00:00+07:00'), 480), '2022-02-07T10:00:00+07:00');
    });

    it('crosses 30/4–1/5 2024 and counts the swapped Saturday 04/05 as working', () => {
      // Friday 26/04 16:00 + 2 h: 60 min on Friday; 27/04–01/05 off; Thursday 02/05 07:00 + 60 min.
      expectInstant(calendar.addWorkingMinutes(at('2024-04-26T16:00:00+07:00'), 120), '2024-05-02T08:00:00+07:00');
      // Friday 03/05 16:00 + 2 h: 60 min on Friday, 60 min on Saturday 04/05 (làm bù).
      expectInstant(calendar.addWorkingMinutes(at('2024-05-03T16:00:00+07:00'), 120), '2024-05-04T08:00:00+07:00');
      // Without the table, the same deadline is on Monday.
      const plain = new BusinessCalendar(DEFAULT_OFFICE_HOURS, []);
      expectInstant(plain.addWorkingMinutes(at('2024-05-03T16:00:00+07:00'), 120), '2024-05-06T08:00:00+07:00');
    });

    it('starts at the next period when received at night, at lunch, on a weekend or on a holiday', () => {
      expectInstant(calendar.addWorkingMinutes(at('2022-03-07T22:00:00+07:00'), 60), '2022-03-08T08:00:00+07:00');
      expectInstant(calendar.addWorkingMinutes(at('2022-03-08T02:00:00+07:00'), 60), '2022-03-08T08:00:00+07:00');
      expectInstant(calendar.addWorkingMinutes(at('2022-03-07T12:15:00+07:00'), 60), '2022-03-07T14:30:00+07:00');
      expectInstant(calendar.addWorkingMinutes(at('2022-03-12T10:00:00+07:00'), 60), '2022-03-14T08:00:00+07:00');
      // Monday 11/04/2022 is the compensatory day for Giỗ Tổ.
      expectInstant(calendar.addWorkingMinutes(at('2022-04-11T09:00:00+07:00'), 60), '2022-04-12T08:00:00+07:00');
      // Received during Quốc khánh 2022, Thursday 01/09: starts Monday 05/09.
      expectInstant(calendar.addWorkingMinutes(at('2022-09-01T09:00:00+07:00'), 30), '2022-09-05T07:30:00+07:00');
    });

    it('gives the next working start for zero minutes', () => {
      expectInstant(calendar.addWorkingMinutes(at('2022-03-07T11:30:00+07:00'), 0), '2022-03-07T13:30:00+07:00');
      expectInstant(calendar.addWorkingMinutes(at('2022-03-07T09:00:00+07:00'), 0), '2022-03-07T09:00:00+07:00');
    });

    it('rejects negative or non-finite durations', () => {
      expect(() => calendar.addWorkingMinutes(at('2022-03-07T09:00:00+07:00'), -1)).toThrow(RangeError);
      expect(() => calendar.addWorkingMinutes(at('2022-03-07T09:00:00+07:00'), Number.NaN)).toThrow(RangeError);
      expect(() => calendar.addWorkingMinutes(new Date(Number.NaN), 10)).toThrow('valid Date');
    });

    it('handles long spans quickly (2,000 working hours)', () => {
      const start = at('2022-01-03T09:00:00+07:00');
      const t0 = Date.now();
      const due = calendar.addWorkingMinutes(start, 2000 * 60);
      expect(Date.now() - t0).toBeLessThan(200);
      expect(calendar.workingMinutesBetween(start, due)).toBe(2000 * 60);
      // Monday 03/01/2022 is a compensatory day off, so counting starts on Tuesday 04/01 07:00. 2,000 h are
      // 250 days of 8 h: 2022 has 260 weekdays, 11 of them off, so 249 working days from 04/01 to 30/12; Monday
      // 02/01/2023 is off (1/1 was a Sunday), so the 250th day is Tuesday 03/01/2023, ending at 17:00.
      expectInstant(due, '2023-01-03T17:00:00+07:00');
    });

    it('uses the configured office hours and offset', () => {
      const winter = new BusinessCalendar(parseOfficeHours('07:30-12:00,13:30-17:00'), []);
      expectInstant(winter.addWorkingMinutes(at('2022-03-07T11:00:00+07:00'), 90), '2022-03-07T14:00:00+07:00');
      // Same office hours read in UTC+8 (a hypothetical office elsewhere): 07:00 local is 06:00 in Vietnam.
      const plus8 = new BusinessCalendar(DEFAULT_OFFICE_HOURS, [], 480);
      expectInstant(plus8.nextWorkingStart(at('2022-03-07T05:00:00+07:00')), '2022-03-07T06:00:00+07:00');
    });

    it('throws instead of looping forever when there is no working time', () => {
      const never = new BusinessCalendar({ periods: [{ start: '08:00', end: '12:00' }], workdays: [] }, []);
      expect(() => never.addWorkingMinutes(at('2022-03-07T09:00:00+07:00'), 60)).toThrow('No working time');
    });
  });

  describe('workingMinutesBetween', () => {
    it('counts working minutes in [a, b)', () => {
      expect(calendar.workingMinutesBetween(at('2022-03-07T10:00:00+07:00'), at('2022-03-07T14:00:00+07:00'))).toBe(120);
      expect(calendar.workingMinutesBetween(at('2022-03-07T00:00:00+07:00'), at('2022-03-08T00:00:00+07:00'))).toBe(480);
      expect(calendar.workingMinutesBetween(at('2022-03-11T16:00:00+07:00'), at('2022-03-14T08:00:00+07:00'))).toBe(120);
      expect(calendar.workingMinutesBetween(at('2022-01-28T10:00:00+07:00'), at('2022-02-07T10:00:00+07:00'))).toBe(480);
      expect(calendar.workingMinutesBetween(at('2022-03-12T08:00:00+07:00'), at('2022-03-13T16:00:00+07:00'))).toBe(0);
      expect(calendar.workingMinutesBetween(at('2022-03-07T10:00:00+07:00'), at('2022-03-07T10:00:30+07:00'))).toBe(0.5);
    });

    it('is negative when b is before a', () => {
      expect(calendar.workingMinutesBetween(at('2022-03-07T14:00:00+07:00'), at('2022-03-07T10:00:00+07:00'))).toBe(-120);
    });

    it('is consistent with addWorkingMinutes', () => {
      const starts = [
        '2022-01-28T10:00:00+07:00', // before Tết
        '2022-03-07T06:00:00+07:00', // early morning
        '2022-03-07T11:29:00+07:00', // just before lunch
        '2022-03-07T12:00:00+07:00', // lunch
        '2022-03-11T16:45:00+07:00', // Friday afternoon
        '2022-04-08T15:00:00+07:00', // before Giỗ Tổ
        '2022-04-29T23:30:00+07:00', // night before 30/4–1/5
        '2024-05-03T13:00:00+07:00', // before a swapped Saturday
        '2022-12-30T16:00:00+07:00', // across the year end
      ];
      const amounts = [0, 1, 29, 90, 210, 299, 300, 480, 481, 960, 2400, 4800, 10_000];
      for (const s of starts) {
        const start = at(s);
        let previous = calendar.nextWorkingStart(start);
        for (const minutes of amounts) {
          const due = calendar.addWorkingMinutes(start, minutes);
          expect([s, minutes, calendar.workingMinutesBetween(start, due)]).toEqual([s, minutes, minutes]);
          expect([s, minutes, calendar.workingMinutesBetween(calendar.nextWorkingStart(start), due)]).toEqual([s, minutes, minutes]);
          expect(due.getTime()).toBeGreaterThanOrEqual(previous.getTime());
          previous = due;
        }
      }
    });
  });
});
