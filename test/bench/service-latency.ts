import { performance } from 'node:perf_hooks';
import type { KubeEnvironment } from '../kube/harness.ts';
import { restFor } from '../support/kube-rest.ts';
import { benchCluster, type BenchCluster } from './cluster.ts';
import { deploymentSettings, deploymentText } from './deployment.ts';
import { apiServerFloor } from './api-floor.ts';
import { IpWatch } from './ip-watch.ts';
import { coreCount, coresBusyFromNow } from './machine-cpu.ts';
import { summary, type Benchmark } from './report.ts';

const single = Number(process.env['BENCH_LATENCY_SINGLE'] ?? 50);
const total = Number(process.env['BENCH_LATENCY_SERVICES'] ?? 200);
const burst = 20;
/** Between two Services created one at a time: the daemon is idle again when the next comes. */
const pauseMs = 300;

/** The p-th percentile of samples (nearest rank), rounded. */
const percentile = (samples: readonly number[], p: number): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN);
};

interface Timed {
  /** From just before its create to its IP in status. */
  readonly ip: number[];
  /** From just before its create to a watch seeing it: the API server's share. */
  readonly seen: number[];
}

/** Creates `names` at once and times each. */
async function timed(c: BenchCluster, watch: IpWatch, names: readonly string[]): Promise<Timed> {
  const started = names.map(() => performance.now());
  await Promise.all(
    names.map(async (name, i) => {
      started[i] = performance.now();
      await c.createService(name);
    }),
  );
  const since = (times: number[]) => times.map((t, i) => t - (started[i] ?? t));
  return { ip: since(await watch.times(names)), seen: since(watch.added(names)) };
}

/** How many cores were busy on average while the bursts ran: the whole machine's, the CCM's. */
interface BurstCpu {
  readonly machine: number;
  readonly ccm: number;
}

/** The daemon's loops that took in a change: how many, and their mean wait for the loop before. */
async function changeWaits(c: BenchCluster): Promise<{ count: number; sumMs: number }> {
  const labels = 'trigger="change"';
  return {
    count: await c.metric('metal_ccm_reconcile_loop_wait_seconds_count', labels),
    sumMs: 1000 * (await c.metric('metal_ccm_reconcile_loop_wait_seconds_sum', labels)),
  };
}

/**
 * The CCM's figures, run as the Deployment runs it: its clients' rate limits (the chart's: none,
 * the API server's Priority and Fairness alone) and its V8 limits.
 */
async function withCcm(
  kube: KubeEnvironment,
  deployment: ReturnType<typeof deploymentSettings>,
  singles = single,
): Promise<{ alone: number[]; bursts: Timed; waitedMs: number; cpu: BurstCpu }> {
  const c = await benchCluster(
    kube,
    { nodes: 10, servicesPerNode: 0, syncPeriod: '30s' },
    deployment.args,
    deployment,
  );
  const watch = await IpWatch.start(c.admin);
  const alone: number[] = [];
  const bursts: Timed = { ip: [], seen: [] };
  try {
    for (let i = 0; i < singles; i++) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      alone.push(...(await timed(c, watch, [`one-${String(i)}`])).ip);
    }
    const before = await changeWaits(c);
    const ccmCpu = () => c.metric('process_cpu_seconds_total');
    const ccmBefore = { at: performance.now(), seconds: await ccmCpu() };
    const machine = coresBusyFromNow();
    for (let b = 0; b < total / burst; b++) {
      const names = Array.from({ length: burst }, (_, i) => `lat-${String(b * burst + i)}`);
      const got = await timed(c, watch, names);
      bursts.ip.push(...got.ip);
      bursts.seen.push(...got.seen);
    }
    const cpu = {
      machine: machine(),
      ccm: ((await ccmCpu()) - ccmBefore.seconds) / ((performance.now() - ccmBefore.at) / 1000),
    };
    const after = await changeWaits(c);
    const waitedMs = (after.sumMs - before.sumMs) / Math.max(1, after.count - before.count);
    return { alone, bursts, waitedMs, cpu };
  } finally {
    await watch.stop();
    await c.close();
  }
}

/**
 * Service created → its Elastic IP in `status.loadBalancer.ingress` (seen by a watch), on a
 * 10-node cluster (kube-vip): 50 Services one at a time (each on an idle daemon), then 200 in
 * bursts of 20 (a burst at once, the next when all of it has IPs), and the bursts again under the
 * binary's own default rate limit (upstream's 20/30, without the chart). Beside it, the floor: the same create and two guarded writes per
 * Service sent by hand to the API server, with no CCM. The bursts' time is split into what the CCM
 * cannot shorten, the create until a watch sees it, and its own wait for the loop under way; the
 * cores busy while the bursts ran say whether the machine had any to spare.
 */
export const serviceLatency: Benchmark = {
  name: 'service-latency',
  needsKube: true,
  async run(kube: KubeEnvironment | undefined) {
    if (kube === undefined) throw new Error('service-latency needs the test API server');
    // The floor first, with no CCM running: what the API server itself needs for the same writes.
    const floor = await apiServerFloor(restFor(kube.adminKubeconfig), {
      single,
      bursts: total / burst,
      burst,
    });
    const deployment = deploymentSettings();
    const { alone, bursts, waitedMs, cpu } = await withCcm(kube, deployment);
    // The same bursts as the binary runs without the chart: 200 Services in a few seconds are 400
    // writes and 800 Events against a burst of 30, then 20 a second, for each client.
    const limited = await withCcm(
      kube,
      { ...deployment, args: ['--kube-api-qps=20', '--kube-api-burst=30'] },
      0,
    );
    const figure = (measure: string, unit: string, value: number) => ({
      measure,
      unit,
      n: '',
      median: value,
      p95: '',
      max: '',
      p99: '',
    });
    const row = (measure: string, samples: number[]) => ({
      measure,
      unit: 'ms',
      ...summary(samples),
      p99: percentile(samples, 0.99),
    });
    return {
      settings: {
        single,
        services: total,
        burst,
        nodes: 10,
        seenBy: 'watch',
        ...deploymentText(deployment),
      },
      rows: [
        row('Service created → IP in status, one at a time', alone),
        row('Service created → IP in status, bursts of 20', bursts.ip),
        row('… of which the create, until a watch saw it (the API server’s share)', bursts.seen),
        figure(
          `… of which a change waited for the loop under way (mean, the daemon's metric)`,
          'ms',
          Math.round(waitedMs),
        ),
        // The bursts' time is the machine's: with every core busy, CPU the CCM saves is the API server's.
        figure(
          `… cores busy while the bursts ran: the machine (of ${String(coreCount())})`,
          'cores',
          Number(cpu.machine.toFixed(2)),
        ),
        figure('… cores busy while the bursts ran: the CCM', 'cores', Number(cpu.ccm.toFixed(2))),
        row('… bursts of 20, the binary’s default rate limit (20/30)', limited.bursts.ip),
        row('API server alone (no CCM): create + the 2 writes, one at a time', floor.alone),
        row('API server alone (no CCM): create + the 2 writes, bursts of 20', floor.bursts),
        figure(
          '… cores busy while its bursts ran: the machine',
          'cores',
          Number(floor.cores.toFixed(2)),
        ),
      ],
      targets: [
        { measure: 'Service → IP, one at a time, p50', value: percentile(alone, 0.5) },
        { measure: 'Service → IP, one at a time, p99', value: percentile(alone, 0.99) },
        { measure: 'Service → IP, bursts of 20, p50', value: percentile(bursts.ip, 0.5) },
        { measure: 'Service → IP, bursts of 20, p99', value: percentile(bursts.ip, 0.99) },
      ],
    };
  },
};
