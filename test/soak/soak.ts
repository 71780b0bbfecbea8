import { writeFile } from 'node:fs/promises';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import type { KubeRest } from '../../providers/kubernetes/rest.ts';
import { mirrorService } from '../../model/marks/control-plane.ts';
import { serviceTag } from '../../model/marks/tags.ts';
import { spawnDaemon, type RunningDaemon } from '../support/daemon-process.ts';
import { seededRandom } from '../../emulator/faults.ts';
import { syntheticDevice, syntheticProject, uuidOf } from '../../emulator/synthetic.ts';
import { neighborsOf } from '../../emulator/operations/bgp.ts';
import type { Json } from '../../emulator/world.ts';
import type { KubeEnvironment } from '../kube/harness.ts';
import { forceDeleteWith, restFor } from '../support/kube-rest.ts';
import { createLoadBalancerService } from '../support/kube-rest.ts';
import {
  controlPlaneToken,
  controlPlaneWorld,
  eipTag,
  type ControlPlaneWorld,
} from '../support/control-plane-world.ts';

export interface SoakOptions {
  readonly kube: KubeEnvironment;
  /** Restarts kube-apiserver (etcd keeps the data). */
  readonly restartApiserver: () => Promise<void>;
  readonly changes: number;
  readonly seed: number;
  /** Share of Metal API calls that fail while the driver runs (0.2 = 20 %). */
  readonly faultShare: number;
  /** The whole run, settling included. */
  readonly timeLimitMs: number;
  readonly log?: (line: string) => void;
}

export interface SoakReport {
  readonly seed: number;
  readonly counts: Record<string, number>;
  readonly violations: string[];
}

const password = 'Soak42Password';
const syncSeconds = 3;
const foreignTags = [
  'usage=cloud-provider-equinix-metal-auto',
  'service=c29tZW9uZQ==',
  'cluster=d00dfeed-0000-4000-8000-000000000002',
];
const otherClass = 'example.com/other';

type ServiceState = 'lb' | 'clusterip' | 'other-class';

/**
 * The CCM under churn and faults: a seeded driver makes random changes (Services created,
 * deleted, retyped, re-classed; nodes joining and leaving; devices deleted; control-plane health
 * flipping) while the emulator fails a share of Metal calls, the daemon is killed (SIGKILL) and
 * restarted at random and kube-apiserver restarts once. Then the faults stop and, within two
 * resync periods, everything must hold: one reservation per LoadBalancer Service with its IP in
 * status, no leak, no duplicate, nothing of another cluster or untagged touched, node annotations
 * and MetalLB's objects matching the devices, no secret in any log line.
 */
export async function soak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T | undefined =>
    items[Math.floor(random() * items.length)];
  const counts: Record<string, number> = {};
  const count = (what: string): void => {
    counts[what] = (counts[what] ?? 0) + 1;
  };
  const admin = restFor(options.kube.adminKubeconfig);
  const world: ControlPlaneWorld = await controlPlaneWorld({
    admin,
    port: Number(new URL(options.kube.server).port),
    tls: options.kube.servingCertificate,
    seed: options.seed,
  });
  const { emulator } = world;
  const api = (path: string, body: unknown): Promise<Response> =>
    fetch(`${emulator.url}${path}`, {
      method: 'POST',
      headers: { 'X-Auth-Token': controlPlaneToken, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  // BGP on from the start (kube-vip's and MetalLB's peers need it), and what is not ours.
  const foreign = (await (
    await api(`/projects/${syntheticProject}/ips`, {
      type: 'public_ipv4',
      quantity: 1,
      metro: 'da',
      tags: foreignTags,
    })
  ).json()) as Json;
  const untagged = (await (
    await api(`/projects/${syntheticProject}/ips`, {
      type: 'public_ipv4',
      quantity: 1,
      metro: 'da',
    })
  ).json()) as Json;
  const untouchable = [foreign, untagged].map((r) =>
    JSON.stringify({ id: r['id'], tags: r['tags'], assignments: r['assignments'] ?? [] }),
  );

  const outputs: (() => string)[] = [];
  let daemon: RunningDaemon | undefined;
  const startCcm = async (): Promise<void> => {
    daemon = await spawnDaemon({
      kubeconfig: options.kube.ccmKubeconfig,
      baseURL: emulator.url,
      syncPeriod: `${String(syncSeconds)}s`,
      config: {
        apiKey: controlPlaneToken,
        projectID: syntheticProject,
        metro: 'da',
        loadbalancer: 'metallb:///metallb-system?crdConfiguration=true',
        bgpPass: password,
        eipTag,
        eipLimit: 0,
      },
      args: ['--eip-health-check-interval=500ms', '--eip-health-check-failures=3'],
    });
    outputs.push(daemon.output);
  };

  const services = new Map<string, ServiceState>();
  const workers = new Set<number>(); // device indexes with a Node
  let nextService = 0;
  let nextWorker = 10;
  // The driver's own writes go through the API server restart: retried until they land.
  const write = async (what: string, action: () => Promise<unknown>): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await action();
        count(what);
        return;
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status !== undefined && status < 500) {
          count(`${what} refused (${String(status)})`);
          return;
        }
        if (attempt > 60) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  const servicePath = (name: string): string =>
    resourcePath(resources.Service, { namespace: 'default', name });
  const toClusterIp = {
    spec: {
      type: 'ClusterIP',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      allocateLoadBalancerNodePorts: null,
      externalTrafficPolicy: null,
      loadBalancerIP: null,
      loadBalancerClass: null,
    },
  };
  const patch = (path: string, body: unknown): Promise<unknown> =>
    admin.request({ method: 'PATCH', path, body, contentType: 'application/merge-patch+json' });
  const addWorker = async (): Promise<void> => {
    const i = nextWorker++;
    emulator.world.devices.set(uuidOf(1, i), syntheticDevice(i));
    await write('node joined', () =>
      admin.request({
        method: 'POST',
        path: resourcePath(resources.Node),
        body: {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: `node-${String(i)}` },
          spec: { providerID: `equinixmetal://${uuidOf(1, i)}` },
        },
      }),
    );
    workers.add(i);
  };

  const changes: [number, () => Promise<void>][] = [
    [
      30,
      async () => {
        const name = `soak-${String(nextService++)}`;
        services.set(name, 'lb');
        await write('Service created', () => createLoadBalancerService(admin, name));
      },
    ],
    [
      14,
      async () => {
        const name = pick([...services.keys()]);
        if (name === undefined) return;
        services.delete(name);
        await write('Service deleted', () =>
          admin.request({ method: 'DELETE', path: servicePath(name) }),
        );
      },
    ],
    [
      10,
      async () => {
        const name = pick([...services].filter(([, s]) => s === 'lb').map(([n]) => n));
        if (name === undefined) return;
        services.set(name, 'clusterip');
        await write('Service retyped to ClusterIP', () => patch(servicePath(name), toClusterIp));
      },
    ],
    [
      10,
      async () => {
        const name = pick([...services].filter(([, s]) => s === 'clusterip').map(([n]) => n));
        if (name === undefined) return;
        const toOther = random() < 0.5;
        services.set(name, toOther ? 'other-class' : 'lb');
        await write(
          toOther ? 'Service re-classed (another controller)' : 'Service retyped to LoadBalancer',
          () =>
            patch(servicePath(name), {
              spec: { type: 'LoadBalancer', ...(toOther ? { loadBalancerClass: otherClass } : {}) },
            }),
        );
      },
    ],
    [10, addWorker],
    [
      8,
      async () => {
        const i = pick([...workers]);
        if (i === undefined) return;
        workers.delete(i);
        await write('node left', () =>
          admin.request({
            method: 'DELETE',
            path: resourcePath(resources.Node, { name: `node-${String(i)}` }),
          }),
        );
      },
    ],
    [
      6,
      () => {
        const i = pick([...workers]);
        if (i === undefined) return Promise.resolve();
        workers.delete(i); // its Node stays until the CCM deletes it (it is not Ready)
        emulator.world.devices.delete(uuidOf(1, i));
        count('device deleted');
        return Promise.resolve();
      },
    ],
    [
      8,
      () => {
        const standIn = pick(world.standIns);
        if (standIn !== undefined) {
          standIn.healthy = !standIn.healthy;
          // Never all three down for long: one is brought back when none is healthy.
          if (world.standIns.every((s) => !s.healthy)) standIn.healthy = true;
          count('control-plane health flipped');
        }
        return Promise.resolve();
      },
    ],
  ];
  const weights = changes.reduce((s, [w]) => s + w, 0);

  try {
    for (let i = 0; i < 3; i++) await addWorker();
    await startCcm();
    const share = 1 - (1 - options.faultShare) ** (1 / 5);
    for (const fault of [
      { kind: 'status', status: 429, retryAfterSeconds: 1 },
      { kind: 'status', status: pick([500, 502, 503] as const) ?? 503 },
      { kind: 'latency', ms: 300 },
      { kind: 'drop' },
      { kind: 'lose-response' },
    ] as const)
      emulator.inject('*', { ...fault, probability: share });

    const restartAt = Math.floor(options.changes / 2);
    for (let n = 0; n < options.changes; n++) {
      if (Date.now() - started > options.timeLimitMs * 0.7) {
        log(`time limit: stopped the driver after ${String(n)} changes`);
        break;
      }
      let roll = random() * weights;
      const change = changes.find(([w]) => (roll -= w) < 0)?.[1];
      await change?.();
      if (n === restartAt) {
        log('restarting kube-apiserver');
        await options.restartApiserver();
        count('kube-apiserver restarted');
      }
      if (random() < 0.01 && daemon !== undefined) {
        await daemon.kill();
        count('daemon killed (SIGKILL)');
        await startCcm();
      }
      await new Promise((resolve) => setTimeout(resolve, 20 + random() * 40));
    }
    emulator.clearFaults();
    for (const s of world.standIns) s.healthy = true;
    log('faults stopped; waiting for the CCM to settle');

    const deadline = Date.now() + 2 * syncSeconds * 1000 + 15_000;
    let violations = await check();
    while (violations.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      violations = await check();
    }
    const secrets = [controlPlaneToken, password];
    const lines = outputs.flatMap((o) => o().split('\n'));
    for (const line of lines)
      if (secrets.some((s) => line.includes(s)))
        violations.push(`a log line holds a secret: ${line.slice(0, 80)}…`);
    counts['log lines checked'] = lines.length;
    if (violations.length > 0 && process.env['SOAK_DUMP'] !== undefined)
      await writeFile(process.env['SOAK_DUMP'], outputs.at(-1)?.() ?? '');
    return { seed: options.seed, counts, violations };
  } finally {
    await daemon?.kill();
    await world.close();
    await cleanUp(admin);
  }

  async function check(): Promise<string[]> {
    const problems: string[] = [];
    const reservations = [...emulator.world.reservations.values()];
    const svcList = await admin.request<{
      items: {
        metadata: { name: string; deletionTimestamp?: string };
        spec: { type: string; loadBalancerClass?: string };
        status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
      }[];
    }>({
      method: 'GET',
      path: resourcePath(resources.Service, { namespace: 'default' }),
    });
    const ours = svcList.items.filter(
      (s) =>
        s.spec.type === 'LoadBalancer' &&
        s.spec.loadBalancerClass === undefined &&
        s.metadata.deletionTimestamp === undefined &&
        s.metadata.name !== 'kubernetes',
    );
    const tagged = new Map<string, Json[]>();
    for (const r of reservations) {
      const tags = (r['tags'] ?? []) as string[];
      if (!tags.some((t) => t.startsWith('cluster=')) || foreignTags.every((t) => tags.includes(t)))
        continue;
      const tag = tags.find((t) => t.startsWith('service=')) ?? '';
      tagged.set(tag, [...(tagged.get(tag) ?? []), r]);
    }
    for (const s of ours) {
      const mine = tagged.get(serviceTag('default', s.metadata.name)) ?? [];
      if (mine.length !== 1)
        problems.push(`Service ${s.metadata.name}: ${String(mine.length)} reservations`);
      const ip = s.status?.loadBalancer?.ingress?.[0]?.ip;
      if (mine.length === 1 && (ip === undefined || ip !== mine[0]?.['address']))
        problems.push(`Service ${s.metadata.name}: IP ${String(ip)} in status`);
    }
    const wanted = new Set(ours.map((s) => serviceTag('default', s.metadata.name)));
    for (const [tag, list] of tagged) {
      if (!wanted.has(tag))
        problems.push(
          `leak: ${String(list.length)} reservation(s) tagged ${tag} without a Service`,
        );
      if (list.length > 1)
        problems.push(`duplicate: ${String(list.length)} reservations tagged ${tag}`);
    }
    const now = [foreign, untagged].map((r) => {
      const current = emulator.world.reservations.get(String(r['id']));
      return JSON.stringify({
        id: current?.['id'],
        tags: current?.['tags'],
        assignments: current?.['assignments'] ?? [],
      });
    });
    if (JSON.stringify(now) !== JSON.stringify(untouchable))
      problems.push('a reservation of another cluster or an untagged one was touched');
    // Nodes: each with a device carries its BGP facts; MetalLB has exactly their peers.
    const nodes = await admin.request<{
      items: {
        metadata: { name: string; annotations?: Record<string, string> };
        spec: { providerID?: string };
      }[];
    }>({
      method: 'GET',
      path: resourcePath(resources.Node),
    });
    const expectedPeers = new Set<string>();
    for (const n of nodes.items) {
      const id = n.spec.providerID?.replace('equinixmetal://', '') ?? '';
      if (!emulator.world.devices.has(id)) {
        problems.push(`Node ${n.metadata.name}: its device is gone but the Node is not deleted`);
        continue;
      }
      const neighbours = neighborsOf(emulator.world, id);
      const peers = neighbours.flatMap((b) => (b['peer_ips'] ?? []) as string[]).sort();
      if ((n.metadata.annotations?.['metal.equinix.com/peer-ip'] ?? '') !== peers.join(','))
        problems.push(
          `Node ${n.metadata.name}: peer-ip annotation ${String(n.metadata.annotations?.['metal.equinix.com/peer-ip'])}, device has ${peers.join(',')}`,
        );
      for (const p of peers) expectedPeers.add(`${n.metadata.name} ${p}`);
    }
    const bgpPeers = await admin.request<{
      items: {
        metadata: { labels?: Record<string, string> };
        spec: { peerAddress: string; nodeSelectors?: { matchLabels?: Record<string, string> }[] };
      }[];
    }>({
      method: 'GET',
      path: resourcePath(resources.BGPPeer, { namespace: 'metallb-system' }),
    });
    const actualPeers = new Set(
      bgpPeers.items
        .filter((p) => p.metadata.labels?.['app.kubernetes.io/managed-by'] === 'metal-ccm')
        .map(
          (p) =>
            `${p.spec.nodeSelectors?.[0]?.matchLabels?.['kubernetes.io/hostname'] ?? ''} ${p.spec.peerAddress}`,
        ),
    );
    if ([...expectedPeers].sort().join() !== [...actualPeers].sort().join())
      problems.push(
        `MetalLB BGPPeers ${String(actualPeers.size)} ≠ the devices' ${String(expectedPeers.size)}`,
      );
    const pools = await admin.request<{
      items: { metadata: { labels?: Record<string, string> }; spec: { addresses: string[] } }[];
    }>({
      method: 'GET',
      path: resourcePath(resources.IPAddressPool, { namespace: 'metallb-system' }),
    });
    const poolAddresses = pools.items
      .filter((p) => p.metadata.labels?.['app.kubernetes.io/managed-by'] === 'metal-ccm')
      .flatMap((p) => p.spec.addresses)
      .sort();
    const serviceAddresses = ours
      .map((s) => `${String(s.status?.loadBalancer?.ingress?.[0]?.ip)}/32`)
      .sort();
    if (poolAddresses.join() !== serviceAddresses.join())
      problems.push(
        `MetalLB pools ${String(poolAddresses.length)} ≠ Service EIPs ${String(serviceAddresses.length)}`,
      );
    const holder = world.holder();
    if (!world.standIns.some((s) => s.deviceId === holder && s.healthy))
      problems.push(
        `the control-plane EIP is on ${String(holder)}, not a healthy control-plane node`,
      );
    counts['Services at the end'] = ours.length;
    counts['Nodes at the end'] = nodes.items.length;
    return problems;
  }
}

/** What the soak left in the shared API server: its Services (finalizers stripped), Nodes, CRs. */
async function cleanUp(admin: KubeRest): Promise<void> {
  const list = await admin.request<{ items: { metadata: { name: string } }[] }>({
    method: 'GET',
    path: resourcePath(resources.Service, { namespace: 'default' }),
  });
  for (const s of list.items) {
    if (s.metadata.name === 'kubernetes') continue;
    await forceDeleteWith(
      admin,
      resourcePath(resources.Service, { namespace: 'default', name: s.metadata.name }),
    );
  }
  await admin
    .request({ method: 'DELETE', path: resourcePath(resources.Node) })
    .catch(() => undefined);
  for (const r of [resources.Service, resources.EndpointSlice])
    await forceDeleteWith(admin, resourcePath(r, mirrorService));
  await admin
    .request({
      method: 'DELETE',
      path: resourcePath(resources.Secret, {
        namespace: 'metallb-system',
        name: 'metal-ccm-bgp-password',
      }),
    })
    .catch(() => undefined);
  for (const r of [resources.BGPPeer, resources.IPAddressPool, resources.BGPAdvertisement])
    await admin
      .request({ method: 'DELETE', path: resourcePath(r, { namespace: 'metallb-system' }) })
      .catch(() => undefined);
}
