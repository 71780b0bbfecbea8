import { performance } from 'node:perf_hooks';
import { startEmulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import type { KubeEnvironment } from '../kube/harness.ts';
import { spawnDaemon, type RunningDaemon } from '../support/daemon-process.ts';
import { eventually } from '../support/eventually.ts';
import { summary, type Benchmark } from './report.ts';

const takeovers = Number(process.env['BENCH_TAKEOVERS'] ?? 5);
const lease = { durationS: 4, renewDeadlineS: 3, retryPeriodMs: 500 };

async function leads(daemon: RunningDaemon): Promise<boolean> {
  const text = await (await fetch(`${daemon.healthUrl}/metrics`)).text();
  return /^metal_ccm_leader_election_master_status\{[^}]*\} 1$/m.test(text);
}

/**
 * Leader failover: two daemons with leader election; the leader is SIGKILLed and the time until the
 * other leads is measured (it must first see the Lease unrenewed for its whole duration). Then a
 * new follower joins, and again. (The integration test asserts the order; this measures the time.)
 */
export const leaderTakeover: Benchmark = {
  name: 'leader-takeover',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('leader-takeover needs the test API server');
    const emulator = await startEmulator({
      world: syntheticWorld({ devices: 1, reservations: 0 }),
      token: 'bench-token',
    });
    const start = () =>
      spawnDaemon({
        kubeconfig: kube.ccmKubeconfig,
        baseURL: emulator.url,
        config: { apiKey: 'bench-token', projectID: syntheticProject, metro: 'da' },
        args: [
          '--leader-elect=true',
          `--leader-elect-lease-duration=${String(lease.durationS)}s`,
          `--leader-elect-renew-deadline=${String(lease.renewDeadlineS)}s`,
          `--leader-elect-retry-period=${String(lease.retryPeriodMs)}ms`,
        ],
      });
    let pair = [await start(), await start()];
    try {
      const samples: number[] = [];
      for (let i = 0; i < takeovers; i++) {
        const leader = await eventually(
          async () =>
            (await leads(pair[0]!)) ? pair[0] : (await leads(pair[1]!)) ? pair[1] : undefined,
          30_000,
          'a leader',
        );
        const follower = pair.find((d) => d !== leader) as RunningDaemon;
        const killed = performance.now();
        await leader.kill();
        await eventually(() => leads(follower), 30_000, 'the follower to lead', 10);
        samples.push(performance.now() - killed);
        pair = [follower, await start()];
      }
      return {
        settings: { takeovers, ...lease },
        rows: [
          {
            measure: 'the follower leads after the leader is killed',
            unit: 'ms',
            ...summary(samples),
          },
        ],
      };
    } finally {
      for (const d of pair) await d.kill();
      await emulator.close();
    }
  },
};
