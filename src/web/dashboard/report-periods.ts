/**
 * The weeks and months of the weekly and monthly report downloads on /bao-cao, as a person chooses them: an ISO week
 * (Monday to Sunday; "2022-W09" from a week picker, "9/2022" typed where the browser has none) or a month ("2022-02"
 * from a month picker, "02/2022" typed). A period's report is the report of its last day (cut-off at
 * REPORT_CUTOFF_HOUR of that day, compared with the report a week or a month before, as ReportService counts it).
 * Pure: no clock, no database.
 */
import { addDays } from '../../common/vn-time.js';

export interface ReportPeriod {
  /** What the picker holds: "2022-W09", "2022-02". */
  value: string;
  /** The report's date: the last day of the period, YYYY-MM-DD. */
  date: string;
  /** The period in words: "tuần 09/2022 (28/02/2022 – 06/03/2022)", "tháng 02/2022". */
  label: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const vi = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
/** ISO weekday of a date, 1 = Monday … 7 = Sunday. */
const weekday = (iso: string) => ((new Date(`${iso}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** The Monday of ISO week `week` of `year` (week 1 holds 4 January). */
function mondayOf(year: number, week: number): string {
  const jan4 = `${year}-01-04`;
  return addDays(jan4, -(weekday(jan4) - 1) + 7 * (week - 1));
}

/** The ISO weeks of a year: 53 when 28 December falls in week 53, else 52. */
const weeksIn = (year: number) => (isoWeekOf(`${year}-12-28`).week === 53 ? 53 : 52);

/** The ISO week of a date. */
export function isoWeekOf(iso: string): { year: number; week: number } {
  const thursday = addDays(iso, 4 - weekday(iso));
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor((Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${year}-01-01T00:00:00Z`)) / (7 * 86_400_000)) + 1;
  return { year, week };
}

function weekPeriod(year: number, week: number): ReportPeriod {
  const monday = mondayOf(year, week);
  const sunday = addDays(monday, 6);
  return { value: `${year}-W${pad(week)}`, date: sunday, label: `tuần ${pad(week)}/${year} (${vi(monday)} – ${vi(sunday)})` };
}

function monthPeriod(year: number, month: number): ReportPeriod {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { value: `${year}-${pad(month)}`, date: `${year}-${pad(month)}-${pad(last)}`, label: `tháng ${pad(month)}/${year}` };
}

/** The last week that has ended by the report date `latest` (its Sunday at or before it). */
export function lastFullWeek(latest: string): ReportPeriod {
  const sunday = weekday(latest) === 7 ? latest : addDays(latest, -weekday(latest));
  const { year, week } = isoWeekOf(sunday);
  return weekPeriod(year, week);
}

/** The last month that has ended by the report date `latest` (its last day at or before it). */
export function lastFullMonth(latest: string): ReportPeriod {
  const [y, m] = latest.split('-').map(Number);
  const current = monthPeriod(y, m);
  if (current.date === latest) return current;
  return m === 1 ? monthPeriod(y - 1, 12) : monthPeriod(y, m - 1);
}

const yearOk = (y: number) => y >= 2000 && y <= 2100;

/**
 * A week as typed or picked, the report date `latest` being the last one whose cut-off has passed; a reason (a
 * sentence for the field) when it is no week or has not ended yet.
 */
export function parseWeek(text: string, latest: string): ReportPeriod | { reason: string } {
  const v = text.trim();
  if (!v) return { reason: 'Hãy chọn một tuần, hoặc ghi số tuần/năm, ví dụ 09/2022.' };
  const m = /^(\d{4})-?W(\d{1,2})$/i.exec(v) ?? /^(?:tuần\s*)?(\d{1,2})\s*[/-]\s*(\d{4})$/i.exec(v);
  if (!m) return { reason: `“${v.slice(0, 40)}” không phải một tuần: chọn tuần, hoặc ghi số tuần/năm, ví dụ 09/2022.` };
  const [year, week] = /^\d{4}$/.test(m[1]) ? [Number(m[1]), Number(m[2])] : [Number(m[2]), Number(m[1])];
  if (!yearOk(year) || week < 1 || week > weeksIn(year)) return { reason: `Năm ${year} không có tuần ${pad(week)}.` };
  const p = weekPeriod(year, week);
  if (p.date > latest) return { reason: `Tuần ${pad(week)}/${year} chưa kết thúc: tuần gần nhất đã có đủ số liệu là ${lastFullWeek(latest).label}.` };
  return p;
}

/** A month as typed or picked; a reason when it is no month or has not ended yet. */
export function parseMonth(text: string, latest: string): ReportPeriod | { reason: string } {
  const v = text.trim();
  if (!v) return { reason: 'Hãy chọn một tháng, hoặc ghi tháng/năm, ví dụ 02/2022.' };
  const m = /^(\d{4})-(\d{1,2})$/.exec(v) ?? /^(?:tháng\s*)?(\d{1,2})\s*[/-]\s*(\d{4})$/i.exec(v);
  if (!m) return { reason: `“${v.slice(0, 40)}” không phải một tháng: chọn tháng, hoặc ghi tháng/năm, ví dụ 02/2022.` };
  const [year, month] = /^\d{4}$/.test(m[1]) ? [Number(m[1]), Number(m[2])] : [Number(m[2]), Number(m[1])];
  if (!yearOk(year) || month < 1 || month > 12) return { reason: `Không có tháng ${pad(month)}/${year}.` };
  const p = monthPeriod(year, month);
  if (p.date > latest) return { reason: `Tháng ${pad(month)}/${year} chưa kết thúc: tháng gần nhất đã có đủ số liệu là ${lastFullMonth(latest).label}.` };
  return p;
}
