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
}

/**
 * One run of planning-run.ts in its own process (so its peak RSS is its own), with the V8 heap
 * settings the Deployment runs the daemon with and the V8 flags the daemon sets itself.
 */
async function child(
  mode: 'both' | 'converged',
): Promise<Record<string, Timing> & { peakRssBytes: number }> {
  const { stdout } = await run(
    process.execPath,
    [
      ...deploymentSettings().nodeOptions.split(' '),
      v8Flags,
      '--expose-gc',
      join(import.meta.dirname, 'planning-run.ts'),
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
    const steady = await child('converged');
    const fresh = await child('both');
    const mb = (bytes: number): number => Math.round(bytes / 1e6);
    const row = (measure: string, t: Timing | undefined, rss: number) => ({
      measure,
      actions: t?.actions ?? 0,
      ...summary(t?.ms ?? []),
      'peak RSS MB': mb(rss),
    });
    return {
      settings: {
        nodes,
        services,
        loadBalancer: 'kube-vip',
        nodeOptions: deploymentSettings().nodeOptions,
        unit: 'ms per plan (observe excluded)',
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
          value: mb(steady.peakRssBytes),
        },
      ],
    };
  },
};
