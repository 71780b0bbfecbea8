import type { KubeEnvironment } from '../kube/harness.ts';
import { benchCluster } from './cluster.ts';
import { deploymentSettings, deploymentText } from './deployment.ts';
import type { Benchmark, Row } from './report.ts';
import type { Measured } from './targets.ts';

const seconds = Number(process.env['BENCH_IDLE_SECONDS'] ?? 60);
const settleSeconds = Number(process.env['BENCH_IDLE_SETTLE_SECONDS'] ?? 30);
const worlds = [
  { nodes: 20, servicesPerNode: 2.5, measure: 'idle RSS, 20 nodes + 50 Services' },
  { nodes: 100, servicesPerNode: 5, measure: 'idle RSS, 100 nodes + 500 Services' },
] as const;

const mb = (bytes: number): number => Math.round(bytes / 1e6);

/**
 * The daemon at rest, run as the Deployment runs it (its heap limit and client rate limit): 20
 * nodes and 50 Services, then 100 nodes and 500 Services, converged; after the last loops and
 * their Events settle, its RSS and CPU over one minute (from its own process metrics), resyncs
 * included (the default 30 s period).
 */
export const idle: Benchmark = {
  name: 'idle',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('idle needs the test API server');
    const deployment = deploymentSettings();
    const rows: Row[] = [];
    const targets: Measured[] = [];
    for (const world of worlds) {
      const c = await benchCluster(
        kube,
        { nodes: world.nodes, servicesPerNode: world.servicesPerNode, syncPeriod: '30s' },
        deployment.args,
        deployment,
      );
      try {
        await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
        const cpuBefore = await c.metric('process_cpu_seconds_total');
        const rss: number[] = [];
        for (let s = 0; s < seconds; s += 5) {
          rss.push(await c.metric('process_resident_memory_bytes'));
          await new Promise((resolve) => setTimeout(resolve, 5000));
        }
        const cpu = (await c.metric('process_cpu_seconds_total')) - cpuBefore;
        const mean = mb(rss.reduce((a, b) => a + b, 0) / rss.length);
        rows.push({
          nodes: world.nodes,
          services: world.nodes * world.servicesPerNode,
          'RSS MB (mean)': mean,
          'RSS MB (max)': mb(Math.max(...rss)),
          'heap used MB': mb(await c.metric('nodejs_heap_size_used_bytes')),
          'CPU %': Math.round((cpu / seconds) * 1000) / 10,
        });
        targets.push({ measure: world.measure, value: mean });
      } finally {
        await c.close();
      }
    }
    return {
      settings: {
        seconds,
        settleSeconds,
        syncPeriod: '30s',
        ...deploymentText(deployment),
        daemon: process.env['DAEMON_ENTRY'] ?? 'engine/main.ts',
      },
      rows,
      targets,
    };
  },
};
