import type { KubeEnvironment } from '../kube/harness.ts';
import { eventually } from '../support/eventually.ts';
import { benchCluster, type BenchCluster } from './cluster.ts';
import type { Benchmark, Row } from './report.ts';
import type { Measured } from './targets.ts';

const sizes = (process.env['BENCH_SIZES'] ?? '10,100,1000').split(',').map(Number);
const servicesPerNode = 5;
const syncSeconds = 5;
/** The Kubernetes client's rate limit off: the convergence figure is the daemon's, not the limit's. */
const daemonArgs = ['--kube-api-qps=-1'];

const isWrite = (operation: string): boolean => /^(request|create|delete|update)/.test(operation);

interface Calls {
  readonly reads: number;
  readonly writes: number;
  /** Resyncs that ran meanwhile (their reads are not the change's). */
  readonly resyncs: number;
}

/** Metal calls the emulator answered while `during` ran: reads and writes. */
async function callsDuring(c: BenchCluster, during: () => Promise<void>): Promise<Calls> {
  const resyncsBefore = await c.metric('metal_ccm_reconcile_loops_total', 'trigger="resync"');
  c.emulator.resetCounters();
  await during();
  const counts = Object.entries(c.emulator.counters());
  const sum = (f: (op: string) => boolean): number =>
    counts.filter(([op]) => f(op)).reduce((s, [, n]) => s + n, 0);
  const resyncs =
    (await c.metric('metal_ccm_reconcile_loops_total', 'trigger="resync"')) - resyncsBefore;
  return { reads: sum((op) => !isWrite(op)), writes: sum(isWrite), resyncs };
}

/** One change to measure: `prepare` runs before the window, `change` within it. */
interface Change {
  prepare?(attempt: number): Promise<void>;
  change(attempt: number): Promise<void>;
}

/**
 * What one change costs: the window starts right after a resync (so the next is a period away);
 * measured again (a new Service, a new node) when a resync fell into it all the same, since a
 * resync's reads are not the change's.
 */
async function changeCalls(c: BenchCluster, what: Change): Promise<Calls> {
  for (let attempt = 0; ; attempt++) {
    await what.prepare?.(attempt);
    await resyncs(c, 1);
    const calls = await callsDuring(c, () => what.change(attempt));
    if (calls.resyncs === 0 || attempt === 4) return calls;
  }
}

/** Waits for `n` more resyncs of the daemon (the loops it runs on its own). */
async function resyncs(c: BenchCluster, n: number): Promise<void> {
  const start = await c.metric('metal_ccm_reconcile_loops_total', 'trigger="resync"');
  await eventually(
    async () =>
      (await c.metric('metal_ccm_reconcile_loops_total', 'trigger="resync"')) >= start + n,
    (n + 2) * syncSeconds * 1500,
    `${String(n)} resyncs`,
    50,
  );
}

/** Until the daemon has run no loop for a second: what a change caused is over. */
async function quiet(c: BenchCluster): Promise<void> {
  let last = -1;
  let since = Date.now();
  await eventually(
    async () => {
      const loops = await c.metric('metal_ccm_reconcile_loops_total');
      if (loops !== last) since = Date.now();
      last = loops;
      return Date.now() - since >= 1000;
    },
    30_000,
    'the daemon quiet',
    100,
  );
}

/** Whether a Node has its BGP annotations: what a node joining is waited for. */
async function described(c: BenchCluster, name: string): Promise<boolean> {
  const node = await c.admin.request<{ metadata: { annotations?: Record<string, string> } }>({
    method: 'GET',
    path: `/api/v1/nodes/${name}`,
  });
  return node.metadata.annotations?.['metal.equinix.com/peer-ip'] !== undefined;
}

/** A Service created, until it has its IP and the daemon is quiet. */
const serviceCreated = (c: BenchCluster): Change => ({
  async change(attempt) {
    const name = `bench-new-${String(attempt)}`;
    await c.createService(name);
    await eventually(async () => (await c.servicesWithIp()).has(name), 30_000, 'its IP', 50);
    await quiet(c);
  },
});

/**
 * A node joining, until its Node has its BGP annotations and the daemon is quiet. `listedFirst`:
 * its device is in the project for a resync before the Node registers, as in a real cluster (a
 * device provisions for minutes before its kubelet registers); otherwise the Node names a device
 * no list has shown yet.
 */
function nodeJoined(c: BenchCluster, first: number, listedFirst: boolean): Change {
  const join = async (index: number): Promise<void> => {
    if (!listedFirst) c.addDevice(index);
    const name = await c.registerNode(index);
    await eventually(() => described(c, name), 30_000, 'the node described', 50);
    await quiet(c);
  };
  return {
    ...(listedFirst
      ? {
          prepare: (attempt: number) => {
            c.addDevice(first + attempt);
            return Promise.resolve();
          },
        }
      : {}),
    change: (attempt) => join(first + attempt),
  };
}

/**
 * Metal API calls per steady-state resync, per Service created and per node joining, at 10, 100 and
 * 1,000 nodes with 5 Services each (kube-vip), and how long the daemon takes to converge each from
 * nothing (the Kubernetes client's rate limit off). The goals: a constant number of list calls per
 * resync plus their pages, no write in steady state, one write for a Service, a write and a read
 * for a node.
 */
export const metalCalls: Benchmark = {
  name: 'metal-calls',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('metal-calls needs the test API server');
    const rows: Row[] = [];
    const targets: Measured[] = [];
    for (const nodes of sizes) {
      const c = await benchCluster(
        kube,
        { nodes, servicesPerNode, syncPeriod: `${String(syncSeconds)}s` },
        daemonArgs,
      );
      try {
        await quiet(c);
        // From a resync on: the first loop after converging may list again (its state is older
        // than the period when converging took longer), which is not a steady resync's cost.
        await resyncs(c, 1);
        const resyncCount = 3;
        const steady = await callsDuring(c, () => resyncs(c, resyncCount));
        const created = await changeCalls(c, serviceCreated(c));
        const joined = await changeCalls(c, nodeJoined(c, nodes, true));
        const unlisted = await changeCalls(c, nodeJoined(c, nodes + 10, false));
        rows.push({
          nodes,
          services: nodes * servicesPerNode,
          'converged in s': Math.round(c.convergedInMs / 100) / 10,
          'reads/resync': Math.round((steady.reads / resyncCount) * 10) / 10,
          'writes/resync': steady.writes / resyncCount,
          'Service created': `${String(created.reads)} reads, ${String(created.writes)} writes`,
          'node joined': `${String(joined.reads)} reads, ${String(joined.writes)} writes`,
          'node joined, device not listed yet': `${String(unlisted.reads)} reads, ${String(unlisted.writes)} writes`,
        });
        if (nodes === sizes[0])
          targets.push(
            { measure: 'Metal calls for one Service created: reads', value: created.reads },
            { measure: 'Metal calls for one Service created: writes', value: created.writes },
            { measure: 'Metal calls for one node joined: reads', value: joined.reads },
            { measure: 'Metal calls for one node joined: writes', value: joined.writes },
          );
        if (nodes === 1000)
          targets.push({
            measure: 'converge 1,000 nodes / 5,000 Services',
            value: Math.round(c.convergedInMs / 100) / 10,
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
        args: daemonArgs.join(' '),
        daemon: process.env['DAEMON_ENTRY'] ?? 'engine/main.ts',
      },
      rows,
      targets,
    };
  },
};
