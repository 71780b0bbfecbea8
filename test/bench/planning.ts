import { execFile } from 'node:child_process';
import { v8Flags } from '../../engine/v8-flags.ts';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deploymentSettings } from './deployment.ts';
import { summary, type Benchmark } from './report.ts';

const run = promisify(execFile);
const nodes = 2000;
const services = 10_000;

interface Timing {
  actions: number;
  ms: number[];
  /** The highest RSS right after a plan (the process's own peak includes building the world). */
  rssBytes: number;
}

const root = join(import.meta.dirname, '..', '..');

/** planning-run.ts and what it imports, compiled as the image runs the daemon (no type stripping). */
async function compiled(): Promise<string> {
  await run(process.execPath, [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    join(root, 'tsconfig.bench.json'),
  ]);
  return join(root, 'dist', 'bench', 'test', 'bench', 'planning-run.js');
}

/**
 * One run of planning-run in its own process (so its peak RSS is its own), with the V8 heap
 * settings the Deployment runs the daemon with and the V8 flags the daemon sets itself.
 */
async function child(
  entry: string,
  mode: 'both' | 'converged',
): Promise<Record<string, Timing> & { peakRssBytes: number }> {
  const { stdout } = await run(
    process.execPath,
    [
      ...deploymentSettings().nodeOptions.split(' '),
      v8Flags,
      '--expose-gc',
      entry,
      String(nodes),
      String(services),
      mode,
    ],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as Record<string, Timing> & { peakRssBytes: number };
}

/**
 * Planning alone (pure, no I/O) for 2,000 nodes and 10,000 LoadBalancer Services with kube-vip:
 * the steady state every resync plans (a converged snapshot), and a fresh cluster's first plan.
 */
export const planning: Benchmark = {
  name: 'planning',
  needsKube: false,
  async run() {
    const entry = await compiled();
    const steady = await child(entry, 'converged');
    const fresh = await child(entry, 'both');
    const mb = (bytes: number): number => Math.round(bytes / 1e6);
    const row = (measure: string, t: Timing | undefined, peak: number) => ({
      measure,
      actions: t?.actions ?? 0,
      ...summary(t?.ms ?? []),
      'RSS while planning MB': mb(t?.rssBytes ?? 0),
      'process peak RSS MB (world built too)': mb(peak),
    });
    return {
      settings: {
        nodes,
        services,
        loadBalancer: 'kube-vip',
        nodeOptions: deploymentSettings().nodeOptions,
        unit: 'ms per plan (the Metal list kept where unchanged, then planned; reading excluded)',
        build: 'compiled (dist/bench)',
      },
      rows: [
        row('converged snapshot (every resync)', steady['converged'], steady.peakRssBytes),
        row('fresh cluster, first plan', fresh['fresh'], fresh.peakRssBytes),
        row('after applying it, plan again', fresh['appliedThenPlanned'], fresh.peakRssBytes),
      ],
      targets: [
        {
          measure: 'plan 2,000 nodes / 10,000 Services, converged: time',
          value: Number(summary(steady['converged']?.ms ?? [])['median']),
        },
        {
          measure: 'plan 2,000 nodes / 10,000 Services, converged: RSS',
          value: mb(steady['converged']?.rssBytes ?? 0),
        },
      ],
    };
  },
};
