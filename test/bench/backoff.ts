import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import type { KubeEnvironment } from '../kube/harness.ts';
import { benchCluster, type BenchCluster } from './cluster.ts';
import type { Benchmark, Row } from './report.ts';

const services = 50;
const minutes = Number(process.env['BENCH_BACKOFF_MINUTES'] ?? 10);
/** The goal: at most this many POSTs per Service in the first 10 minutes. */
const target = 10;

/** 50 Services whose Elastic IP is in a metro Metal does not know: every request is a 422. */
async function createRefused(c: BenchCluster): Promise<void> {
  await Promise.all(
    Array.from({ length: services }, (_, i) =>
      c.admin.request({
        method: 'POST',
        path: resourcePath(resources.Service, { namespace: 'default' }),
        body: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: {
            name: `refused-${String(i)}`,
            annotations: { 'metal.equinix.com/eip-metro': 'zz' },
          },
          spec: {
            type: 'LoadBalancer',
            ports: [{ port: 80 }],
            allocateLoadBalancerNodePorts: false,
          },
        },
      }),
    ),
  );
}

/** Failed reservation requests per Service, from the daemon's own log of failed actions. */
function failuresPerService(output: string): number[] {
  const counts = new Map<string, number>();
  for (const line of output.split('\n')) {
    if (!line.includes('"action failed"') || !line.includes('Elastic IP for Service')) continue;
    // klog text (target="…", the default) or JSON ("target":"…").
    const target = /"?target"?[=:]"([^"]+)"/.exec(line)?.[1];
    if (target === undefined) throw new Error(`a failed action with no target in the log: ${line}`);
    counts.set(target, (counts.get(target) ?? 0) + 1);
  }
  // Counted by the wrong key (all under one, say) the figures would look plausible: refuse them.
  if (counts.size !== services)
    throw new Error(
      `failed requests of ${String(counts.size)} Services in the log, not ${String(services)}`,
    );
  return [...counts.values()];
}

/**
 * POSTs per minute for 50 Services whose reservation Metal refuses (422 unknown metro), on a
 * 10-node cluster with kube-vip and the default 30 s resync. Goal: ≤ 10 per Service in the first
 * 10 minutes (before backoff, every failure brought the next loop a second closer: ~1 a second each).
 */
export const backoff: Benchmark = {
  name: 'backoff',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('backoff needs the test API server');
    const c = await benchCluster(kube, { nodes: 10, servicesPerNode: 0, syncPeriod: '30s' });
    const rows: Row[] = [];
    try {
      c.emulator.resetCounters();
      const loopsBefore = await c.metric('metal_ccm_reconcile_loops_total');
      await createRefused(c);
      let before = 0;
      for (let minute = 1; minute <= minutes; minute++) {
        await new Promise((resolve) => setTimeout(resolve, 60_000));
        const posts = c.emulator.counters()['requestIPReservation'] ?? 0;
        rows.push({
          minute,
          POSTs: posts - before,
          'POSTs per Service': (posts - before) / services,
          target: '',
        });
        before = posts;
      }
      const each = failuresPerService(c.daemon.output());
      const loops = (await c.metric('metal_ccm_reconcile_loops_total')) - loopsBefore;
      rows.push({
        minute: `first ${String(minutes)}`,
        POSTs: before,
        'POSTs per Service': `${String(Math.min(...each))}–${String(Math.max(...each))} (${String(loops)} loops)`,
        target: `≤ ${String(target)} per Service: ${Math.max(...each) <= target ? 'met' : 'NOT met'}`,
      });
    } finally {
      await c.close();
    }
    return {
      settings: { services, nodes: 10, minutes, syncPeriod: '30s', refusal: '422 unknown metro' },
      rows,
    };
  },
};
