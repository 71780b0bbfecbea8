/**
 * The targets of issue 17, one row per figure: what `npm run bench` measures against them, printed
 * with the target and written to results.json under `targets`. A figure is met when it is at most
 * its target.
 */
export const targets = {
  'Service → IP, one at a time, p50': { unit: 'ms', target: 30 },
  'Service → IP, one at a time, p99': { unit: 'ms', target: 100 },
  'Service → IP, bursts of 20, p50': { unit: 'ms', target: 150 },
  'Service → IP, bursts of 20, p99': { unit: 'ms', target: 300 },
  'Metal calls for one Service created: reads': { unit: 'calls', target: 0 },
  'Metal calls for one Service created: writes': { unit: 'calls', target: 1 },
  'Metal calls for one node joined: reads': { unit: 'calls', target: 1 },
  'Metal calls for one node joined: writes': { unit: 'calls', target: 1 },
  'idle RSS, 20 nodes + 50 Services': { unit: 'MB', target: 80 },
  'idle RSS, 100 nodes + 500 Services': { unit: 'MB', target: 120 },
  'peak RSS, 300 Services at once (Deployment settings)': { unit: 'MB', target: 150 },
  'converge 1,000 nodes / 5,000 Services': { unit: 's', target: 30 },
  'plan 2,000 nodes / 10,000 Services, converged: time': { unit: 'ms', target: 50 },
  'plan 2,000 nodes / 10,000 Services, converged: RSS': { unit: 'MB', target: 150 },
} as const satisfies Record<string, { unit: string; target: number }>;

export type Measure = keyof typeof targets;

/** A figure a benchmark measured for one of the targets. */
export interface Measured {
  readonly measure: Measure;
  readonly value: number;
}

/** A row of the targets table, as results.json holds it. */
export interface TargetRow {
  readonly measure: Measure;
  readonly unit: string;
  readonly value: number;
  readonly target: number;
  readonly met: boolean;
}

export function judged(m: Measured): TargetRow {
  const { unit, target } = targets[m.measure];
  return { measure: m.measure, unit, value: m.value, target, met: m.value <= target };
}

/**
 * The targets table after a run: the rows measured now replace those of earlier runs (a run of
 * some benchmarks keeps the other rows), in the order.
 */
export function mergedTargets(
  earlier: readonly TargetRow[],
  now: readonly Measured[],
): TargetRow[] {
  const byMeasure = new Map<string, TargetRow>(earlier.map((r) => [r.measure, r]));
  for (const m of now) byMeasure.set(m.measure, judged(m));
  return (Object.keys(targets) as Measure[]).flatMap((measure) => {
    const row = byMeasure.get(measure);
    return row === undefined ? [] : [row];
  });
}
