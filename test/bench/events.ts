import type { KubeRest } from '../../providers/kubernetes/rest.ts';
import type { KubeEnvironment } from '../kube/harness.ts';
import { benchCluster } from './cluster.ts';
import type { Benchmark } from './report.ts';

interface EventList {
  metadata?: { continue?: string };
  items: { reason?: string; series?: { count?: number } }[];
}

/** Every Event of the cluster (events.k8s.io, all namespaces): objects, occurrences, by reason. */
async function events(
  admin: KubeRest,
): Promise<{ objects: number; occurrences: number; reasons: Record<string, number> }> {
  const items: EventList['items'] = [];
  let next: string | undefined;
  do {
    const page = await admin.request<EventList>({
      method: 'GET',
      path: '/apis/events.k8s.io/v1/events',
      query: { limit: 500, continue: next },
    });
    items.push(...page.items);
    next = page.metadata?.continue || undefined;
  } while (next !== undefined);
  const reasons: Record<string, number> = {};
  for (const e of items) reasons[e.reason ?? ''] = (reasons[e.reason ?? ''] ?? 0) + 1;
  return {
    objects: items.length,
    occurrences: items.reduce((sum, e) => sum + (e.series?.count ?? 1), 0),
    reasons,
  };
}

const settleSeconds = Number(process.env['BENCH_EVENTS_SETTLE_SECONDS'] ?? 30);

/**
 * Events mark transitions, not loops: 100 nodes and 500 Services converged from nothing, the
 * Events the CCM created while converging, and those it created in the 30 s after.
 */
export const eventsBench: Benchmark = {
  name: 'events',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('events needs the test API server');
    const c = await benchCluster(kube, { nodes: 100, servicesPerNode: 5, syncPeriod: '30s' });
    try {
      const atConvergence = await events(c.admin);
      await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
      const after = await events(c.admin);
      const reasons = Object.entries(after.reasons)
        .sort(([, a], [, b]) => b - a)
        .map(([r, n]) => `${r}:${String(n)}`)
        .join(' ');
      return {
        settings: { nodes: 100, services: 500, syncPeriod: '30s', settleSeconds },
        rows: [
          {
            measure: 'Events',
            'converging (objects)': atConvergence.objects,
            [`next ${String(settleSeconds)} s (objects)`]: after.objects - atConvergence.objects,
            'occurrences (series) at the end': after.occurrences,
            'by reason at the end': reasons,
          },
        ],
      };
    } finally {
      await c.close();
    }
  },
};
