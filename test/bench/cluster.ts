import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import type { KubeRest } from '../../providers/kubernetes/rest.ts';
import { spawnDaemon, type RunningDaemon } from '../support/daemon-process.ts';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import {
  syntheticDevice,
  syntheticProject,
  syntheticWorld,
  uuidOf,
} from '../../emulator/synthetic.ts';
import { IpWatch } from './ip-watch.ts';
import type { KubeEnvironment } from '../kube/harness.ts';
import type { DaemonRuntime } from './deployment.ts';
import { createLoadBalancerService, forceDeleteWith, restFor } from '../support/kube-rest.ts';

export const benchToken = 'bench-token';

/** A cluster of `nodes` Nodes and `nodes × servicesPerNode` LoadBalancer Services, run by the CCM. */
export interface BenchCluster {
  readonly admin: KubeRest;
  readonly emulator: Emulator;
  readonly daemon: RunningDaemon;
  /** Milliseconds from the daemon's start until every Service had its IP. */
  readonly convergedInMs: number;
  createService(name: string): Promise<void>;
  /** The names of the Services that have an IP in status now. */
  servicesWithIp(): Promise<Set<string>>;
  /** A new device in the project (a node being provisioned). */
  addDevice(index: number): void;
  /** The Node of device `index` registers (a node joining); its name. */
  registerNode(index: number): Promise<string>;
  metric(name: string, labels?: string): Promise<number>;
  close(): Promise<void>;
}

interface ServiceList {
  items: {
    metadata: { name: string };
    status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
  }[];
}

const nodeName = (i: number): string => `node-${String(i)}`;

/** Daemons whose logs were kept (BENCH_DAEMON_LOG): each has its own file. */
let daemonsLogged = 0;

function nodeBody(i: number): object {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: nodeName(i) },
    spec: { providerID: `equinixmetal://${uuidOf(1, i)}` },
  };
}

/** A metric's summed value over every sample whose labels contain `labels`. */
export async function scrape(healthUrl: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${healthUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && l.includes(labels))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/** Nodes node-0 … node-(n−1), as kubelets register them (the CCM initialises them). */
async function createNodes(
  admin: KubeRest,
  limit: ReturnType<typeof pLimit>,
  count: number,
): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      limit(() =>
        admin.request({ method: 'POST', path: resourcePath(resources.Node), body: nodeBody(i) }),
      ),
    ),
  );
}

/** The names of the Services that have an IP in status now. */
async function servicesWithIpIn(admin: KubeRest): Promise<Set<string>> {
  const list = await admin.request<ServiceList>({
    method: 'GET',
    path: resourcePath(resources.Service, { namespace: 'default' }),
  });
  return new Set(
    list.items
      .filter((s) => s.status?.loadBalancer?.ingress?.[0]?.ip !== undefined)
      .map((s) => s.metadata.name),
  );
}

/** The daemon the benchmarks measure, on the given Metal API, with the cluster's sync period. */
function startDaemon(
  kube: KubeEnvironment,
  metalUrl: string,
  syncPeriod: string,
  args: readonly string[],
  runtime: DaemonRuntime | undefined,
): Promise<RunningDaemon> {
  return spawnDaemon({
    kubeconfig: kube.ccmKubeconfig,
    baseURL: metalUrl,
    config: {
      apiKey: benchToken,
      projectID: syntheticProject,
      metro: 'da',
      loadbalancer: 'kube-vip://',
      bgpPass: 'Bench42Password',
      eipLimit: 0,
    },
    syncPeriod,
    args: [...args, ...(process.env['BENCH_DAEMON_ARGS']?.split(' ').filter(Boolean) ?? [])],
    ...(runtime === undefined ? {} : { nodeOptions: runtime.nodeOptions, env: runtime.env }),
    // DAEMON_ENTRY=dist/main.js measures the bundled build, as the image runs it.
    ...(process.env['DAEMON_ENTRY'] === undefined ? {} : { entry: process.env['DAEMON_ENTRY'] }),
  });
}

/** Every Service but default/kubernetes and every Node gone, finalizers or not. */
async function removeAll(admin: KubeRest, limit: ReturnType<typeof pLimit>): Promise<void> {
  const list = await admin.request<ServiceList>({
    method: 'GET',
    path: resourcePath(resources.Service, { namespace: 'default' }),
  });
  await Promise.all(
    list.items
      .filter((s) => s.metadata.name !== 'kubernetes')
      .map((s) =>
        limit(() =>
          forceDeleteWith(
            admin,
            resourcePath(resources.Service, { namespace: 'default', name: s.metadata.name }),
          ),
        ),
      ),
  );
  await admin.request({ method: 'DELETE', path: resourcePath(resources.Node) });
}

/** A project of `devices` devices with BGP, and plenty of addresses for the Services. */
function startBenchEmulator(devices: number): Promise<Emulator> {
  return startEmulator({
    world: syntheticWorld({ devices, reservations: 0, bgp: true }),
    token: benchToken,
    // Not routed anywhere: plenty of addresses for the Services.
    addressRange: { first: '100.96.0.0', count: 1 << 16 },
    validate: false, // the schema check per answer would dominate the emulator's time
  });
}

export async function benchCluster(
  kube: KubeEnvironment,
  size: { nodes: number; servicesPerNode: number; syncPeriod: string },
  /** More flags of the daemon (e.g. the Kubernetes client's rate limit), its NODE_OPTIONS and env. */
  args: readonly string[] = [],
  runtime?: DaemonRuntime,
): Promise<BenchCluster> {
  const admin = restFor(kube.adminKubeconfig);
  const limit = pLimit(32);
  const emulator = await startBenchEmulator(size.nodes);
  await createNodes(admin, limit, size.nodes);
  const createService = async (name: string): Promise<void> => {
    // No node ports: 5,000 Services would fill the node port range, and the CCM needs none.
    await createLoadBalancerService(admin, name, { allocateLoadBalancerNodePorts: false });
  };
  const total = size.nodes * size.servicesPerNode;
  await Promise.all(
    Array.from({ length: total }, (_, i) => limit(() => createService(`svc-${String(i)}`))),
  );
  const servicesWithIp = () => servicesWithIpIn(admin);
  // Convergence seen through a watch: a list of every Service each second loaded the API server
  // (and this process) with thousands of objects while the daemon was being measured.
  const watch = await IpWatch.start(admin);
  const started = performance.now();

  const daemon = await startDaemon(kube, emulator.url, size.syncPeriod, args, runtime);
  const names = Array.from({ length: total }, (_, i) => `svc-${String(i)}`);
  const times = await watch.times(names, 600_000).finally(() => watch.stop());
  return {
    admin,
    emulator,
    daemon,
    convergedInMs: Math.round(Math.max(started, ...times) - started),
    createService,
    servicesWithIp,
    addDevice: (index) => {
      emulator.world.devices.set(uuidOf(1, index), syntheticDevice(index));
    },
    registerNode: async (index) => {
      await admin.request({
        method: 'POST',
        path: resourcePath(resources.Node),
        body: nodeBody(index),
      });
      return nodeName(index);
    },
    metric: (name, labels) => scrape(daemon.healthUrl, name, labels),
    close: async () => {
      await daemon.kill();
      // BENCH_DAEMON_LOG=<file> keeps what each daemon wrote, numbered in the order they closed
      // (<file>.1, <file>.2…; e.g. with --v=4 in BENCH_DAEMON_ARGS).
      const logFile = process.env['BENCH_DAEMON_LOG'];
      if (logFile !== undefined)
        await writeFile(`${logFile}.${String(++daemonsLogged)}`, daemon.output());
      await emulator.close();
      await removeAll(admin, limit);
    },
  };
}
