/** The time zone of every schedule at a time of day: Viet Nam's (UTC+7 all year). */
export const SCHEDULE_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** A cron schedule for every day at `hh:mm` in Viet Nam: dailyAt('07:30') = { cron: '30 7 * * *', tz: 'Asia/Ho_Chi_Minh' }. */
export function dailyAt(hhmm: string): { cron: string; tz: string } {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) throw new RangeError(`not a time of day: ${hhmm}`);
  return { cron: `${Number(match[2])} ${Number(match[1])} * * *`, tz: SCHEDULE_TIME_ZONE };
}
