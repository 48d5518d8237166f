/** Types of build-if-changed.mjs (plain JavaScript: it runs before anything is compiled). */
export interface BuildInputs {
  /** relative path -> "size:mtime" */
  inputs: Record<string, string>;
  outputs: string[];
  outDir: string;
  tsBuildInfo: string | null;
}
export interface BuildOutcome {
  result: 'up-to-date' | 'built' | 'failed';
  status?: number;
  changed: string[];
  missing: string[];
}
export function collectInputs(root?: string, project?: string): BuildInputs;
export function changedSince(stamp: { inputs?: Record<string, string> } | null, inputs: Record<string, string>): string[];
export function runTsc(root?: string, project?: string): number;
export function buildIfChanged(opts?: {
  root?: string;
  project?: string;
  force?: boolean;
  build?: () => number;
  log?: (message: string) => void;
}): BuildOutcome;
