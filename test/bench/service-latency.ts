import { performance } from 'node:perf_hooks';
import type { KubeEnvironment } from '../kube/harness.ts';
import { benchCluster } from './cluster.ts';
import { summary, type Benchmark } from './report.ts';

const total = Number(process.env['BENCH_LATENCY_SERVICES'] ?? 200);
const burst = 20;

/**
 * Service created → its Elastic IP in `status.loadBalancer.ingress`, over 200 Services created in
 * bursts of 20 (a burst at once, the next when all of it has IPs), on a 10-node cluster (kube-vip).
 * Goal: p50 ≤ 300 ms, p99 ≤ 1 s.
 */
export const serviceLatency: Benchmark = {
  name: 'service-latency',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('service-latency needs the test API server');
    const c = await benchCluster(kube, { nodes: 10, servicesPerNode: 0, syncPeriod: '30s' });
    const latencies: number[] = [];
    try {
      for (let b = 0; b < total / burst; b++) {
        const names = Array.from({ length: burst }, (_, i) => `lat-${String(b * burst + i)}`);
        const created = new Map<string, number>();
        await Promise.all(
          names.map(async (name) => {
            await c.createService(name);
            created.set(name, performance.now());
          }),
        );
        const waiting = new Set(names);
        const deadline = performance.now() + 30_000;
        while (waiting.size > 0) {
          if (performance.now() > deadline)
            throw new Error(`${String(waiting.size)} Services got no IP`);
          const withIp = await c.servicesWithIp();
          const now = performance.now();
          for (const name of [...waiting])
            if (withIp.has(name)) {
              latencies.push(now - (created.get(name) ?? now));
              waiting.delete(name);
            }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    } finally {
      await c.close();
    }
    const s = summary(latencies);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = Math.round(sorted[Math.ceil(0.99 * sorted.length) - 1] ?? NaN);
    return {
      settings: { services: total, burst, nodes: 10, pollMs: 10 },
      rows: [{ measure: 'Service created → IP in status', unit: 'ms', ...s, p99 }],
    };
  },
};
