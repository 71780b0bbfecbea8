import type { KubeEnvironment } from '../kube/harness.ts';
import { benchCluster } from './cluster.ts';
import type { Benchmark } from './report.ts';

const seconds = Number(process.env['BENCH_IDLE_SECONDS'] ?? 60);

/**
 * The daemon at rest: 100 nodes and 500 Services converged, then its RSS and CPU over one minute
 * (from its own process metrics), resyncs included (the default 30 s period).
 */
export const idle: Benchmark = {
  name: 'idle',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('idle needs the test API server');
    // The Kubernetes client's rate limit the Deployment sets (deploy/chart/values.yaml).
    const c = await benchCluster(kube, { nodes: 100, servicesPerNode: 5, syncPeriod: '30s' }, [
      '--kube-api-qps=100',
      '--kube-api-burst=200',
    ]);
    try {
      // Let the last loops and their Events (a thousand of them, written in the background) settle.
      await new Promise((resolve) => setTimeout(resolve, 30_000));
      const cpuBefore = await c.metric('process_cpu_seconds_total');
      const rss: number[] = [];
      for (let s = 0; s < seconds; s += 5) {
        rss.push(await c.metric('process_resident_memory_bytes'));
        await new Promise((resolve) => setTimeout(resolve, 5000));
      }
      const cpu = (await c.metric('process_cpu_seconds_total')) - cpuBefore;
      const mb = (b: number): number => Math.round(b / 1e6);
      return {
        settings: {
          nodes: 100,
          services: 500,
          seconds,
          syncPeriod: '30s',
          nodeOptions: process.env['DAEMON_NODE_OPTIONS'] ?? '',
          daemon: process.env['DAEMON_ENTRY'] ?? 'engine/main.ts',
        },
        rows: [
          {
            measure: 'idle daemon',
            'RSS MB (mean)': mb(rss.reduce((a, b) => a + b, 0) / rss.length),
            'RSS MB (max)': mb(Math.max(...rss)),
            'CPU %': Math.round((cpu / seconds) * 1000) / 10,
          },
        ],
      };
    } finally {
      await c.close();
    }
  },
};
