import { performance } from 'node:perf_hooks';
import { eventually } from '../support/eventually.ts';
import type { KubeEnvironment } from '../kube/harness.ts';
import { controlPlaneCcm, probeFailures as threshold } from '../support/control-plane-ccm.ts';
import { summary, type Benchmark } from './report.ts';

const failovers = Number(process.env['BENCH_FAILOVERS'] ?? 20);
const intervalMs = Number(process.env['BENCH_PROBE_INTERVAL_MS'] ?? 1000);

/**
 * Control-plane failover with real probes: the node holding the EIP turns its /healthz bad; timed
 * until the EIP is on another node (the Metal assignment) and until `https://<eip>/healthz`
 * answers 200 again through the emulator's routing. Then the old node recovers, and again.
 */
export const failover: Benchmark = {
  name: 'failover',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('failover needs the test API server');
    const ccm = await controlPlaneCcm(kube, { intervalMs });
    const { world } = ccm;
    try {
      await eventually(async () => (await world.probeEip()) === 200, 30_000, 'the EIP placed');
      const moved: number[] = [];
      const answering: number[] = [];
      for (let i = 0; i < failovers; i++) {
        const holder = world.holder();
        const node = world.standIns.find((s) => s.deviceId === holder);
        if (node === undefined) throw new Error('the EIP is on no stand-in');
        const started = performance.now();
        node.healthy = false;
        await eventually(() => world.holder() !== holder, 60_000, 'the EIP moved', 10);
        moved.push(performance.now() - started);
        await eventually(async () => (await world.probeEip()) === 200, 10_000, 'EIP answers', 10);
        answering.push(performance.now() - started);
        node.healthy = true;
        // Let the prober see it healthy again before the next failover.
        await new Promise((resolve) => setTimeout(resolve, 2 * intervalMs));
      }
      return {
        settings: { failovers, probeIntervalMs: intervalMs, failureThreshold: threshold },
        rows: [
          { measure: 'EIP moved (Metal assignment)', unit: 'ms', ...summary(moved) },
          { measure: 'EIP answers 200 again', unit: 'ms', ...summary(answering) },
        ],
      };
    } finally {
      await ccm.stop();
    }
  },
};
