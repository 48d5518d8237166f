import { isoWeekOf, lastFullMonth, lastFullWeek, parseMonth, parseWeek } from './report-periods.js';

describe('report periods (weeks and months of the weekly and monthly downloads)', () => {
  it('ISO weeks, across the turn of a year', () => {
    expect(isoWeekOf('2022-03-06')).toEqual({ year: 2022, week: 9 });
    expect(isoWeekOf('2021-01-03')).toEqual({ year: 2020, week: 53 });
    expect(isoWeekOf('2024-12-30')).toEqual({ year: 2025, week: 1 });
  });

  it('the last full week ends on the latest Sunday at or before the report date', () => {
    expect(lastFullWeek('2022-03-10')).toEqual({ value: '2022-W09', date: '2022-03-06', label: 'tuần 09/2022 (28/02/2022 – 06/03/2022)' });
    expect(lastFullWeek('2022-03-06').date).toBe('2022-03-06');
    expect(lastFullWeek('2021-01-05')).toEqual(expect.objectContaining({ value: '2020-W53', date: '2021-01-03' }));
  });

  it('the last full month ends on its last day at or before the report date', () => {
    expect(lastFullMonth('2022-03-10')).toEqual({ value: '2022-02', date: '2022-02-28', label: 'tháng 02/2022' });
    expect(lastFullMonth('2022-03-31').date).toBe('2022-03-31');
    expect(lastFullMonth('2022-01-15').date).toBe('2021-12-31');
    expect(lastFullMonth('2024-03-01').date).toBe('2024-02-29');
  });

  it('reads a picked or typed week, and refuses one that is no week or has not ended', () => {
    for (const typed of ['2022-W09', '2022w9', '9/2022', 'tuần 09/2022', ' 09-2022 ']) expect(parseWeek(typed, '2022-03-10')).toEqual(expect.objectContaining({ date: '2022-03-06' }));
    expect(parseWeek('2020-W53', '2022-03-10')).toEqual(expect.objectContaining({ date: '2021-01-03' }));
    expect(parseWeek('2021-W53', '2022-03-10')).toEqual({ reason: 'Năm 2021 không có tuần 53.' });
    expect(parseWeek('2022-W00', '2022-03-10')).toEqual({ reason: 'Năm 2022 không có tuần 00.' });
    expect(parseWeek('2022-W10', '2022-03-10')).toEqual(expect.objectContaining({ reason: expect.stringContaining('Tuần 10/2022 chưa kết thúc') }));
    expect(parseWeek('2022-W10', '2022-03-13')).toEqual(expect.objectContaining({ date: '2022-03-13' }));
    expect(parseWeek('', '2022-03-10')).toEqual({ reason: 'Hãy chọn một tuần, hoặc ghi số tuần/năm, ví dụ 09/2022.' });
    expect(parseWeek('06/03/2022', '2022-03-10')).toEqual(expect.objectContaining({ reason: expect.stringContaining('không phải một tuần') }));
  });

  it('reads a picked or typed month, and refuses one that is no month or has not ended', () => {
    for (const typed of ['2022-02', '2/2022', 'tháng 02/2022']) expect(parseMonth(typed, '2022-03-10')).toEqual(expect.objectContaining({ date: '2022-02-28' }));
    expect(parseMonth('2022-03', '2022-03-10')).toEqual({ reason: 'Tháng 03/2022 chưa kết thúc: tháng gần nhất đã có đủ số liệu là tháng 02/2022.' });
    expect(parseMonth('13/2022', '2022-03-10')).toEqual({ reason: 'Không có tháng 13/2022.' });
    expect(parseMonth('1999-12', '2022-03-10')).toEqual({ reason: 'Không có tháng 12/1999.' });
    expect(parseMonth('tháng trước', '2022-03-10')).toEqual(expect.objectContaining({ reason: expect.stringContaining('không phải một tháng') }));
  });
});
