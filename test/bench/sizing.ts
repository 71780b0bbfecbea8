import type { KubeEnvironment } from '../kube/harness.ts';
import { benchCluster } from './cluster.ts';
import { deploymentSettings, deploymentText, peakRss } from './deployment.ts';
import type { Benchmark } from './report.ts';

const nodes = Number(process.env['BENCH_SIZING_NODES'] ?? 1000);
const servicesPerNode = 5;
/** As the idle benchmark: the resident set sampled for a minute from 30 s after converging. */
const settleMs = 30_000;
const sampleMs = 60_000;
const everyMs = 10_000;

/**
 * What the chart's memory request and limit come from: a large cluster (1,000 nodes / 5,000
 * Services, kube-vip) converged from nothing by the daemon run as the Deployment runs it (heap
 * limits, malloc arenas, the rate limits), its peak resident set while converging (the limit's
 * figure) and, as the idle benchmark samples it, its resident set after (the request's).
 */
export const sizing: Benchmark = {
  name: 'sizing',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('sizing needs the test API server');
    const deployment = deploymentSettings();
    const size = { nodes, servicesPerNode, syncPeriod: '30s' };
    const c = await benchCluster(kube, size, deployment.args, deployment);
    try {
      const pid = c.daemon.process.pid ?? 0;
      const converging = peakRss(pid);
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      const after: number[] = [];
      for (let waited = 0; waited < sampleMs; waited += everyMs) {
        await new Promise((resolve) => setTimeout(resolve, everyMs));
        after.push(await c.metric('process_resident_memory_bytes'));
      }
      const mb = (bytes: number): number => Math.round(bytes / 1e6);
      return {
        settings: {
          nodes,
          services: nodes * servicesPerNode,
          ...deploymentText(deployment),
          daemon: process.env['DAEMON_ENTRY'] ?? 'engine/main.ts',
        },
        rows: [
          {
            'converged in s': Math.round(c.convergedInMs / 100) / 10,
            'peak RSS MB converging': mb(converging),
            'RSS MB settled, min': mb(Math.min(...after)),
            'RSS MB settled, max': mb(Math.max(...after)),
          },
        ],
      };
    } finally {
      await c.close();
    }
  },
};
