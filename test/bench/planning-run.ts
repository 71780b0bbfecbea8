import type { V1Node, V1Service } from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { apply } from '../../engine/apply/applier.ts';
import { diff } from '../../engine/plan/differ.ts';
import { freeze } from 'immer';
import type { ClusterId, ReservationId } from '../../model/ids.ts';
import type { Device } from '../../model/metal.ts';
import type { Plan } from '../../model/plan.ts';
import { Sensitive } from '../../model/sensitive.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { serviceTags } from '../../model/marks/tags.ts';
import { planAll } from '../../planners/index.ts';
import { keepUnchanged } from '../../engine/observe/unchanged.ts';
import { providerIdOf } from '../../model/provider-id.ts';
import { device, deviceId, node, settings, snapshot } from '../support/builders.ts';
import { MemoryWorld } from '../support/memory-world.ts';

// Run as its own process by the `planning` benchmark, so its peak RSS is the planning's alone.
const nodes = Number(process.argv[2] ?? 2000);
const services = Number(process.argv[3] ?? 10_000);
const cluster = 'c0ffee00-0000-4000-8000-000000000001' as ClusterId;
const ipv4 = (base: number, n: number): string =>
  [base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, base & 255]
    .map((b, i) => (i < 2 ? b : 0) + (i === 2 ? n >>> 8 : i === 3 ? n & 255 : 0))
    .join('.');

/** Devices with a public and a private address each, and a BGP session's neighbours. */
function benchDevices(): Device[] {
  return Array.from({ length: nodes }, (_, i) =>
    device(i, {
      addresses: [
        { address: ipv4(0xcb000000, i), family: 4, public: true, management: true, cidr: 31 },
        {
          address: ipv4(0x0a000000, i),
          family: 4,
          public: false,
          management: true,
          cidr: 31,
          parentBlock: { network: '10.0.0.0', cidr: 8 },
        },
      ],
      bgpNeighbors: [
        {
          addressFamily: 4,
          customerAs: 65000,
          customerIp: ipv4(0x0a000000, i),
          peerAs: 65530,
          peerIps: ['169.254.255.1', '169.254.255.2'],
          multihop: true,
          md5Password: new Sensitive('Bench42Password'),
        },
      ],
    }),
  );
}

/** The project as one list of it gives it: new objects every time, as a resync's list makes them. */
function listedMetal(
  serviceList: readonly V1Service[],
): Pick<Snapshot['metal'], 'devices' | 'reservations' | 'bgpConfig' | 'bgpSessions'> {
  const devices = benchDevices();
  return {
    devices,
    reservations: serviceList.map((s, i) => ({
      id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}` as ReservationId,
      type: 'public_ipv4',
      address: ipv4(0x64400000, i),
      cidr: 32,
      state: 'created',
      tags: serviceTags('default', s.metadata?.name ?? '', cluster),
      assignments: [],
      metro: 'da',
    })),
    bgpConfig: { id: 'bgp', status: 'enabled', asn: 65000, deploymentType: 'local' },
    bgpSessions: devices.map((d, i) => ({
      id: `s-${String(i)}`,
      deviceId: deviceId(i),
      addressFamily: 'ipv4' as const,
    })),
  };
}

function world(): Snapshot {
  const devices = benchDevices();
  const serviceList: V1Service[] = Array.from({ length: services }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `svc-${String(i)}`,
      namespace: 'default',
      uid: `s${String(i)}`,
      resourceVersion: '1',
    },
    spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
  }));
  const base = snapshot({
    nodes: devices.map((d) => node(d.hostname, { providerID: providerIdOf(d.id) })),
    devices,
    settings: settings({
      loadBalancer: { kind: 'kube-vip' },
      eipLimit: 0,
      bgpPass: new Sensitive('Bench42Password'),
    }),
  });
  return {
    ...base,
    kubernetes: { ...base.kubernetes, clusterId: cluster, services: serviceList },
    metal: { ...base.metal, ...listedMetal(serviceList) },
  };
}

interface Timed {
  readonly plan: Plan;
  readonly ms: number[];
  /** The highest RSS seen right after a plan: what planning holds, the world's set-up apart. */
  readonly rssBytes: number;
}

/**
 * Five plans, each of the snapshot `next` observes: what it reads comes before the clock starts,
 * what the daemon does with the answers (keep what did not change, freeze) is timed with the plan.
 * The garbage of the reads before is collected before the clock starts: it is observing's cost.
 */
function timed(next: () => () => Snapshot): Timed {
  const ms: number[] = [];
  let plan: Plan | undefined;
  let rssBytes = 0;
  for (let i = 0; i < 5; i++) {
    const observe = next();
    global.gc?.();
    const started = performance.now();
    const snap = observe();
    plan = diff(snap, planAll(snap));
    ms.push(performance.now() - started);
    rssBytes = Math.max(rssBytes, process.memoryUsage().rss);
  }
  if (plan === undefined) throw new Error('no plan');
  return { plan, ms, rssBytes };
}

/** The cluster after the CCM converged it: every object as the planners want it. */
function convergedFrom(fresh: Snapshot): Snapshot {
  const wanted = new Map(
    planAll(fresh).objects.flatMap((o) =>
      o.desired === undefined
        ? []
        : [[`${o.desired.kind ?? ''}/${o.desired.metadata?.name ?? ''}`, o.desired]],
    ),
  );
  const settled = <T extends V1Node | V1Service>(o: T): T =>
    (wanted.get(`${o.kind ?? ''}/${o.metadata?.name ?? ''}`) as T | undefined) ?? o;
  return frozen({
    ...fresh,
    kubernetes: {
      ...fresh.kubernetes,
      nodes: fresh.kubernetes.nodes.map(settled),
      services: fresh.kubernetes.services.map(settled),
    },
  });
}

/** Snapshots are immutable, as observe() makes them. */
const frozen = (snapshot: Snapshot): Snapshot => freeze(snapshot, true);

const mode = process.argv[4] ?? 'both';
const result: Record<string, unknown> = { nodes, services };
if (mode === 'both') {
  // A fresh cluster: every Node to initialise, every Service to give its EIP (a plan of ~13 actions
  // per node-and-5-Services), applied in memory, then planned again.
  const fresh = frozen(world());
  const first = timed(() => () => fresh);
  const memory = new MemoryWorld([...fresh.kubernetes.nodes, ...fresh.kubernetes.services]);
  await apply(first.plan, { ...memory.executors }, { concurrency: 64 });
  const objects = [...memory.objects.values()];
  const again = timed(
    () => () =>
      frozen({
        ...fresh,
        kubernetes: {
          ...fresh.kubernetes,
          nodes: objects.filter((o): o is V1Node => o.kind === 'Node'),
          services: objects.filter((o): o is V1Service => o.kind === 'Service'),
        },
      }),
  );
  result['fresh'] = { actions: first.plan.actions.length, ms: first.ms, rssBytes: first.rssBytes };
  result['appliedThenPlanned'] = {
    actions: again.plan.actions.length,
    ms: again.ms,
    rssBytes: again.rssBytes,
  };
} else {
  // The steady state, what every resync plans: a converged snapshot, built once, planned 5 times.
  // Two areas may want the same Node (its labels, its BGP annotations): settle until nothing moves.
  let converged = frozen(world());
  for (let round = 0; round < 3; round++) converged = convergedFrom(converged);
  global.gc?.();
  const before = process.memoryUsage();
  // Each plan as a resync makes it: the Kubernetes objects the caches kept, the project listed anew
  // and what did not change in it kept from the last list (as the daemon's Metal state does).
  let lastListed = converged.metal;
  const steady = timed(() => {
    const listed = { ...converged.metal, ...listedMetal(converged.kubernetes.services) };
    return () => {
      lastListed = keepUnchanged(lastListed, listed);
      return frozen({ ...converged, metal: lastListed });
    };
  });
  result['converged'] = {
    actions: steady.plan.actions.length,
    ms: steady.ms,
    rssBytes: steady.rssBytes,
    heapBytesOfSnapshot: before.heapUsed,
    rssBytesBeforePlanning: before.rss,
  };
}
process.stdout.write(
  `${JSON.stringify({ ...result, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
