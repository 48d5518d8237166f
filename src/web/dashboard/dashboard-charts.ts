/**
 * The geometry of the dashboard's charts, computed here and drawn as SVG by the template
 * (templates/dashboard/charts.njk): no markup is built in TypeScript. Pure: no database, no clock.
 *
 * The SVGs have no viewBox for their text: a length without a unit is a CSS pixel and a percentage follows the width
 * of the page, so the labels keep their size on a phone while bars and lines stretch. Lines are drawn in a nested
 * SVG whose viewBox (0 0 300 100) is stretched to the plot (preserveAspectRatio="none", strokes not scaled).
 */
import { formatNumberVi } from '../../reports/report-format.js';

/** A labelled horizontal bar: the name on its line, the bar and its value on the next. */
export interface BarRow {
  label: string;
  value: string;
  /** Width of the bar, a percentage of the chart's width (the bars use up to BAR_SPAN of it). */
  width: string;
  /** Pixel offsets of the row's name, bar and value. */
  labelY: number;
  barY: number;
  valueY: number;
  href: string | null;
  /** The link's name for a screen reader (the row's text says the same). */
  linkLabel: string;
  tone: 'late' | 'warn' | 'good' | 'neutral';
}

export interface BarChart {
  rows: BarRow[];
  height: number;
}

const ROW = 40;
/** Part of the width the longest bar takes: the rest holds its value. */
const BAR_SPAN = 80;

const pct = (x: number) => `${(Math.round(x * 100) / 100).toString()}%`;

/**
 * Horizontal bars, one per item, the longest (value `max`, or the largest value) spanning BAR_SPAN % of the width;
 * a value above zero is never drawn thinner than half a percent.
 */
export function barChart<T>(
  items: readonly T[],
  pick: (item: T) => { label: string; value: number; valueText: string; href: string | null; linkLabel: string; tone: BarRow['tone'] },
  max?: number,
): BarChart {
  const all = items.map(pick);
  const top = max ?? Math.max(1, ...all.map((i) => i.value));
  return {
    rows: all.map((i, n) => ({
      label: i.label,
      value: i.valueText,
      width: pct(i.value > 0 ? Math.max(0.5, (i.value / top) * BAR_SPAN) : 0),
      labelY: n * ROW + 15,
      barY: n * ROW + 21,
      valueY: n * ROW + 32,
      href: i.href,
      linkLabel: i.linkLabel,
      tone: i.tone,
    })),
    height: Math.max(ROW, all.length * ROW),
  };
}

/** The full width, for a bar's track. */
export const BAR_TRACK = pct(BAR_SPAN);

export interface LineSeries {
  key: string;
  label: string;
  /** "x,y x,y …" in the plot's viewBox (0 0 300 100). */
  points: string;
  /** The same line closed down to the axis, for a filled area. */
  area: string;
}

export interface LineChart {
  series: LineSeries[];
  /** Horizontal grid lines, with their value and the pixel offset of the value's text. */
  grid: Array<{ y: number; label: string; labelY: number }>;
  /** Dates under the axis: first, middle, last. */
  ticks: Array<{ x: string; label: string; anchor: 'start' | 'middle' | 'end' }>;
  height: number;
  plotY: number;
  plotHeight: number;
}

const PLOT_Y = 18;
const PLOT_HEIGHT = 150;

/** A round top for the axis whose half is a whole number: 2, 4, 10, 20, 40, 100, 200, … (at least `max`). */
export function niceMax(max: number): number {
  for (let scale = 1; ; scale *= 10) {
    for (const step of [1, 2, 5]) if (2 * step * scale >= max) return 2 * step * scale;
  }
}

/** Lines over days (one value per day for each series, the same days for all). */
export function lineChart(days: readonly string[], series: ReadonlyArray<{ key: string; label: string; values: readonly number[] }>): LineChart {
  const top = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const x = (i: number) => (days.length > 1 ? (i / (days.length - 1)) * 300 : 150);
  const y = (v: number) => 100 - (v / top) * 100;
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    series: series.map((s) => {
      const points = s.values.map((v, i) => `${round(x(i))},${round(y(v))}`).join(' ');
      return { key: s.key, label: s.label, points, area: `${round(x(0))},100 ${points} ${round(x(s.values.length - 1))},100` };
    }),
    grid: [0, 0.5, 1].map((f) => ({
      y: round(f * 100),
      label: formatNumberVi(top * (1 - f)),
      labelY: round(PLOT_Y + f * PLOT_HEIGHT - 4),
    })),
    ticks: days.length
      ? [
        { x: '0%', label: days[0], anchor: 'start' as const },
        { x: '50%', label: days[Math.floor((days.length - 1) / 2)], anchor: 'middle' as const },
        { x: '100%', label: days[days.length - 1], anchor: 'end' as const },
      ]
      : [],
    height: PLOT_Y + PLOT_HEIGHT + 26,
    plotY: PLOT_Y,
    plotHeight: PLOT_HEIGHT,
  };
}
