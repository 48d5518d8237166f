/** The bench's results: one row per figure, one column per scale, and the ratio of the largest scale to the smallest. */

export type Cell = number | string | null;

export interface Row {
  label: string;
  unit: string;
  /** By scale label. A string is printed as is (a count, "failed"). */
  values: Map<string, Cell>;
  /** Print largest/smallest (off for rows that are ratios already, or counts). */
  ratio: boolean;
  section?: string;
}

function format(v: Cell, unit: string): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '—';
  if (unit === '×') return `×${v.toFixed(2)}`;
  if (unit === 's') return v.toFixed(2);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export class Results {
  readonly rows: Row[] = [];
  readonly notes: string[] = [];
  private section = '';

  constructor(readonly scales: string[]) {}

  startSection(name: string): void {
    this.section = name;
  }

  add(label: string, unit: string, values: Map<string, Cell>, opts: { ratio?: boolean } = {}): void {
    this.rows.push({ label, unit, values, ratio: opts.ratio ?? true, section: this.section });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  render(): string {
    const first = this.scales[0];
    const last = this.scales[this.scales.length - 1];
    const showRatio = this.scales.length > 1;
    const header = ['measure', 'unit', ...this.scales, ...(showRatio ? [`${last}/${first}`] : [])];
    const lines: string[][] = [];
    let section = '';
    const sectionLines = new Map<number, string>();
    for (const r of this.rows) {
      if (r.section && r.section !== section) {
        section = r.section;
        sectionLines.set(lines.length, section);
      }
      const cells = this.scales.map((s) => format(r.values.get(s) ?? null, r.unit));
      let ratio = '';
      if (showRatio) {
        const a = r.values.get(first);
        const b = r.values.get(last);
        ratio = r.ratio && typeof a === 'number' && typeof b === 'number' && a > 0 && Number.isFinite(b) ? `×${(b / a).toFixed(2)}` : '';
      }
      lines.push([r.label, r.unit, ...cells, ...(showRatio ? [ratio] : [])]);
    }
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const fmt = (l: string[]) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    const out: string[] = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  ')];
    lines.forEach((l, i) => {
      const s = sectionLines.get(i);
      if (s) out.push('', s);
      out.push(fmt(l));
    });
    if (this.notes.length) out.push('', ...this.notes.map((n) => `- ${n}`));
    return out.join('\n');
  }
}
