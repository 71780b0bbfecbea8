import type { KubeEnvironment } from '../kube/harness.ts';
import { benchCluster } from './cluster.ts';
import { deploymentSettings, deploymentText, peakRss } from './deployment.ts';
import { IpWatch } from './ip-watch.ts';
import type { Benchmark } from './report.ts';

const services = Number(process.env['BENCH_BURST_SERVICES'] ?? 300);

/**
 * A burst: 300 LoadBalancer Services created at once on a converged 20-node cluster (kube-vip),
 * the daemon run as the Deployment runs it (its heap limit and client rate limit). The figure is
 * the daemon's peak resident set over its whole life (VmHWM), read once every Service has its IP.
 */
export const burstMemory: Benchmark = {
  name: 'burst',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('burst needs the test API server');
    const deployment = deploymentSettings();
    const c = await benchCluster(
      kube,
      { nodes: 20, servicesPerNode: 0, syncPeriod: '30s' },
      deployment.args,
      deployment,
    );
    const watch = await IpWatch.start(c.admin);
    try {
      const pid = c.daemon.process.pid ?? 0;
      const before = peakRss(pid);
      const started = performance.now();
      const names = Array.from({ length: services }, (_, i) => `burst-${String(i)}`);
      await Promise.all(names.map((name) => c.createService(name)));
      const times = await watch.times(names, 300_000);
      const convergedMs = Math.max(...times) - started;
      const peak = peakRss(pid);
      const mb = (bytes: number): number => Math.round(bytes / 1e6);
      return {
        settings: {
          services,
          nodes: 20,
          ...deploymentText(deployment),
          daemon: process.env['DAEMON_ENTRY'] ?? 'engine/main.ts',
        },
        rows: [
          {
            measure: `${String(services)} Services at once`,
            'peak RSS MB before': mb(before),
            'peak RSS MB': mb(peak),
            'all with IPs in s': Math.round(convergedMs / 100) / 10,
          },
        ],
        targets: [
          { measure: 'peak RSS, 300 Services at once (Deployment settings)', value: mb(peak) },
        ],
      };
    } finally {
      await watch.stop();
      await c.close();
    }
  },
};
