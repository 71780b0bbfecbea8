import type { KubeRest } from '../../providers/kubernetes/rest.ts';
import type { KubeEnvironment } from '../kube/harness.ts';
import { benchCluster } from './cluster.ts';
import type { Benchmark } from './report.ts';

interface EventList {
  metadata?: { continue?: string };
  items: {
    reason?: string;
    reportingController?: string;
    eventTime?: string;
    series?: { count?: number };
  }[];
}

/** The CCM's Events since `since` (events.k8s.io, all namespaces): objects, occurrences, by reason. */
async function events(
  admin: KubeRest,
  since: number,
): Promise<{ objects: number; occurrences: number; reasons: Record<string, number> }> {
  const items: EventList['items'] = [];
  let next: string | undefined;
  do {
    const page = await admin.request<EventList>({
      method: 'GET',
      path: '/apis/events.k8s.io/v1/events',
      query: { limit: 500, continue: next },
    });
    items.push(
      ...page.items.filter(
        (e) => e.reportingController === 'metal-ccm' && Date.parse(e.eventTime ?? '') >= since,
      ),
    );
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

/** One cluster converged with the daemon's `args`: its convergence and the CCM's Events. */
async function measure(kube: KubeEnvironment, label: string, args: readonly string[]) {
  const started = Date.now();
  const c = await benchCluster(kube, { nodes: 100, servicesPerNode: 5, syncPeriod: '30s' }, args);
  try {
    const atConvergence = await events(c.admin, started);
    await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
    const after = await events(c.admin, started);
    const reasons = Object.entries(after.reasons)
      .sort(([, a], [, b]) => b - a)
      .map(([r, count]) => `${r}:${String(count)}`)
      .join(' ');
    return {
      daemon: label,
      'converged in s': Math.round(c.convergedInMs / 100) / 10,
      'Events converging': atConvergence.objects,
      [`Events in the next ${String(settleSeconds)} s`]: after.objects - atConvergence.objects,
      'occurrences at the end': after.occurrences,
      'by reason at the end': reasons,
    };
  } finally {
    await c.close();
  }
}

/** The daemons measured: `BENCH_EVENTS_RUNS` picks some by label (default: all). */
const runs: readonly [string, readonly string[]][] = [
  ['defaults (client 20/30)', []],
  ['client 100/200', ['--kube-api-qps=100', '--kube-api-burst=200']],
  ['no client-side limit (the chart’s)', ['--kube-api-qps=-1']],
];

/**
 * Events mark transitions, not loops: 100 nodes and 500 Services converged from nothing, the
 * Events the CCM created while converging and in the 30 s after; with upstream's client rate limit
 * (20/30), a wider one, and none (the API server's Priority and Fairness alone).
 */
export const eventsBench: Benchmark = {
  name: 'events',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('events needs the test API server');
    const chosen = (process.env['BENCH_EVENTS_RUNS'] ?? '').split('|').filter((r) => r !== '');
    const rows = [];
    for (const [label, args] of runs)
      if (chosen.length === 0 || chosen.includes(label))
        rows.push(await measure(kube, label, args));
    return { settings: { nodes: 100, services: 500, syncPeriod: '30s', settleSeconds }, rows };
  },
};
