import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeHarness, type KubeEnvironment } from '../kube/harness.ts';
import { addLocalAddresses } from '../kube/local-addresses.ts';
import { backoff } from './backoff.ts';
import { eventsBench } from './events.ts';
import { failover } from './failover.ts';
import { leaderTakeover } from './leader-takeover.ts';
import { metalCalls } from './metal-calls.ts';
import { idle } from './idle.ts';
import { planning } from './planning.ts';
import { serviceLatency } from './service-latency.ts';
import { burstMemory } from './burst.ts';
import { sizing } from './sizing.ts';
import { table, type Benchmark, type BenchmarkResult } from './report.ts';
import { mergedTargets, type Measured, type TargetRow } from './targets.ts';

const benchmarks: readonly Benchmark[] = [
  planning,
  metalCalls,
  serviceLatency,
  idle,
  burstMemory,
  sizing,
  failover,
  backoff,
  eventsBench,
  leaderTakeover,
];
const resultsFile = join(import.meta.dirname, 'results.json');

/** Each benchmark's last result by its name, and the targets table under `targets`. */
type Results = Record<
  string,
  (BenchmarkResult & { measuredAt: string; node: string }) | TargetRow[]
>;

function targetsTable(rows: readonly TargetRow[]): string {
  return table(
    rows.map((r) => ({
      measure: r.measure,
      value: `${String(r.value)} ${r.unit}`,
      target: `≤ ${String(r.target)} ${r.unit}`,
      met: r.met ? 'met' : 'NOT met',
    })),
  );
}

/**
 * `npm run bench [-- name ...]`: runs the benchmarks (all by default) on loopback against a real
 * kube-apiserver and the Metal emulator, prints a table per benchmark and writes the numbers to
 * test/bench/results.json.
 */
async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !benchmarks.some((b) => b.name === a));
  if (unknown.length > 0)
    throw new Error(
      `unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`,
    );
  const chosen = benchmarks.filter((b) => asked.length === 0 || asked.includes(b.name));
  let kube: KubeEnvironment | undefined;
  let stopKube = (): Promise<void> => Promise.resolve();
  if (chosen.some((b) => b.needsKube)) {
    const removeAddresses = await addLocalAddresses();
    const harness = new KubeHarness(join(tmpdir(), `metal-ccm-bench-${String(process.pid)}`));
    kube = await harness.start();
    stopKube = async () => {
      await harness.stop();
      await removeAddresses();
    };
  }
  const results = JSON.parse(await readFile(resultsFile, 'utf8').catch(() => '{}')) as Results;
  const measured: Measured[] = [];
  try {
    for (const b of chosen) {
      const { targets, ...result } = await b.run(kube);
      const settings = Object.entries(result.settings)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      process.stdout.write(`\n${b.name}  (${settings})\n${table(result.rows)}\n`);
      results[b.name] = { ...result, measuredAt: new Date().toISOString(), node: process.version };
      measured.push(...(targets ?? []));
    }
  } finally {
    await stopKube();
  }
  const earlier = results['targets'];
  const targets = mergedTargets(Array.isArray(earlier) ? earlier : [], measured);
  results['targets'] = targets;
  process.stdout.write(
    `\ntargets (issue 17; rows measured now and earlier)\n${targetsTable(targets)}\n`,
  );
  await mkdir(import.meta.dirname, { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${resultsFile}\n`);
}

// Exits when done: a benchmark that failed half-way may leave servers that would keep it alive.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
