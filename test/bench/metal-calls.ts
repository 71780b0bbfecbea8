import type { KubeEnvironment } from '../kube/harness.ts';
import { eventually } from '../support/eventually.ts';
import { benchCluster, type BenchCluster } from './cluster.ts';
import type { Benchmark, Row } from './report.ts';

const sizes = (process.env['BENCH_SIZES'] ?? '10,100,1000').split(',').map(Number);
const servicesPerNode = 5;
const syncSeconds = 5;

const isWrite = (operation: string): boolean => /^(request|create|delete|update)/.test(operation);

/** Metal calls the emulator answered while `during` ran: reads and writes. */
async function callsDuring(
  c: BenchCluster,
  during: () => Promise<void>,
): Promise<{ reads: number; writes: number }> {
  c.emulator.resetCounters();
  await during();
  const counts = Object.entries(c.emulator.counters());
  const sum = (f: (op: string) => boolean): number =>
    counts.filter(([op]) => f(op)).reduce((s, [, n]) => s + n, 0);
  return { reads: sum((op) => !isWrite(op)), writes: sum(isWrite) };
}

/** Waits for `n` more resyncs of the daemon (the loops it runs on its own). */
async function resyncs(c: BenchCluster, n: number): Promise<void> {
  const start = await c.metric('metal_ccm_reconcile_loops_total', 'trigger="resync"');
  await eventually(
    async () =>
      (await c.metric('metal_ccm_reconcile_loops_total', 'trigger="resync"')) >= start + n,
    (n + 2) * syncSeconds * 1500,
    `${String(n)} resyncs`,
    200,
  );
}

/** Until the daemon has run no loop for a second: what a change caused is over. */
async function quiet(c: BenchCluster): Promise<void> {
  let last = -1;
  await eventually(
    async () => {
      const loops = await c.metric('metal_ccm_reconcile_loops_total');
      const still = loops === last;
      last = loops;
      return still;
    },
    30_000,
    'the daemon quiet',
    1000,
  );
}

/**
 * Metal API calls per steady-state resync, per Service created and per node joining, at 10, 100 and
 * 1,000 nodes with 5 Services each (kube-vip): the goal is a constant number of list calls per loop
 * plus their pages, and no write in steady state.
 */
export const metalCalls: Benchmark = {
  name: 'metal-calls',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('metal-calls needs the test API server');
    const rows: Row[] = [];
    for (const nodes of sizes) {
      const c = await benchCluster(kube, {
        nodes,
        servicesPerNode,
        syncPeriod: `${String(syncSeconds)}s`,
      });
      try {
        await quiet(c);
        const resyncCount = 3;
        const steady = await callsDuring(c, () => resyncs(c, resyncCount));
        const created = await callsDuring(c, async () => {
          await c.createService('bench-new');
          await eventually(
            async () => (await c.servicesWithIp()).has('bench-new'),
            30_000,
            'its IP',
            50,
          );
          await quiet(c);
        });
        const joined = await callsDuring(c, async () => {
          const name = await c.joinNode(nodes);
          await eventually(
            async () => {
              const node = await c.admin.request<{
                metadata: { annotations?: Record<string, string> };
              }>({
                method: 'GET',
                path: `/api/v1/nodes/${name}`,
              });
              return node.metadata.annotations?.['metal.equinix.com/peer-ip'] !== undefined;
            },
            30_000,
            'the node described',
            50,
          );
          await quiet(c);
        });
        rows.push({
          nodes,
          services: nodes * servicesPerNode,
          'converged in s': Math.round(c.convergedInMs / 100) / 10,
          'reads/resync': Math.round((steady.reads / resyncCount) * 10) / 10,
          'writes/resync': steady.writes / resyncCount,
          'Service created: reads': created.reads,
          writes: created.writes,
          'node joined: reads': joined.reads,
          'writes ': joined.writes,
        });
      } finally {
        await c.close();
      }
    }
    return {
      settings: {
        servicesPerNode,
        syncPeriod: `${String(syncSeconds)}s`,
        loadBalancer: 'kube-vip',
      },
      rows,
    };
  },
};
