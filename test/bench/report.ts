import type { KubeEnvironment } from '../kube/harness.ts';
import type { Measured } from './targets.ts';

/** One line of a benchmark's table. */
export type Row = Record<string, string | number>;

export interface BenchmarkResult {
  /** What the numbers were measured with. */
  readonly settings: Record<string, string | number | boolean>;
  readonly rows: readonly Row[];
  /** The figures of the targets table this benchmark measured. */
  readonly targets?: readonly Measured[];
}

export interface Benchmark {
  readonly name: string;
  /** Runs against the test API server (started once for all benchmarks that need it). */
  readonly needsKube: boolean;
  run(kube: KubeEnvironment | undefined): Promise<BenchmarkResult>;
}

/** Median, p95 and max of samples, rounded to whole units. */
export function summary(samples: readonly number[]): Row {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN);
  return { n: sorted.length, median: at(0.5), p95: at(0.95), max: at(1) };
}

/** A plain-text table of rows (columns from the first row). */
export function table(rows: readonly Row[]): string {
  const columns = Object.keys(rows[0] ?? {});
  const width = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(width[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(width.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => String(r[c])))),
  ].join('\n');
}
