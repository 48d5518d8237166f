/**
 * Vietnamese formatting for the official report: numbers "1.760.506" / "20,48", dates dd/mm/yyyy in
 * Asia/Ho_Chi_Minh, and the "(tăng M lượt)" change phrase. Independent of the process locale and time zone.
 */
import { vietnamWallClock } from '../common/vn-time.js';
import type { Change } from './report-figures.js';

/**
 * Formats a number Vietnamese style: "." groups thousands, "," marks decimals, "-" for negatives.
 * Rounds to at most `maxFractionDigits` decimals (default 2) and drops trailing zeros:
 * 1760506 → "1.760.506", 20.48 → "20,48", 20.5 → "20,5", 1/3 → "0,33".
 */
export function formatNumberVi(n: number, maxFractionDigits = 2): string {
  if (!Number.isFinite(n)) throw new RangeError(`formatNumberVi: not a finite number: ${n}`);
  const digits = Math.max(0, Math.min(20, Math.trunc(maxFractionDigits)));
  const fixed = Math.abs(n).toFixed(digits);
  const [intPart, fracPart = ''] = fixed.split('.');
  const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const fraction = fracPart.replace(/0+$/, '');
  const body = fraction ? `${grouped},${fraction}` : grouped;
  const isZero = /^[0.,]*$/.test(body);
  return n < 0 && !isZero ? `-${body}` : body;
}

/** The date of an instant in Asia/Ho_Chi_Minh as dd/mm/yyyy (one implementation, in src/common/vn-time.ts). */
export { formatDateVi } from '../common/vn-time.js';

/**
 * The time of day of an instant in Asia/Ho_Chi_Minh as the report writes it: "16 giờ", "8 giờ 30 phút" (seconds
 * dropped). The start of operation is printed with its own time: it need not be at the cut-off hour.
 */
export function formatHourVi(instant: Date): string {
  const local = vietnamWallClock(instant);
  const minutes = local.getUTCMinutes();
  return minutes ? `${local.getUTCHours()} giờ ${minutes} phút` : `${local.getUTCHours()} giờ`;
}

/**
 * " (tăng M <unitWord>)" for growth, " (giảm M <unitWord>)" for a decrease, "" for a first report
 * (previous null). A zero change reads " (tăng 0 <unitWord>)": the printed reports never show one, and
 * keeping the parenthesis keeps every line of a non-first report the same shape (and says "no change"
 * explicitly rather than looking like a first report).
 */
export function changePhrase(change: Change, unitWord: string): string {
  if (change.previous === null) return '';
  const delta = change.current - change.previous;
  const verb = delta < 0 ? 'giảm' : 'tăng';
  return ` (${verb} ${formatNumberVi(Math.abs(delta))} ${unitWord})`;
}
