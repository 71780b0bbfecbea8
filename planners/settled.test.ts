import type { V1Node, V1Service } from '@kubernetes/client-node';
import { freeze, produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import type { ClusterId, ReservationId } from '../model/ids.ts';
import { serviceTags } from '../model/marks/tags.ts';
import type { Reservation } from '../model/metal.ts';
import { providerIdOf } from '../model/provider-id.ts';
import { Sensitive } from '../model/sensitive.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { device, node, settings, snapshot } from '../test/support/builders.ts';
import { planAll } from './index.ts';

const cluster = 'c0ffee00-0000-4000-8000-00000000abcd' as ClusterId;

/** A small deterministic random source (mulberry32), so a failure can be replayed. */
function randomSource(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

const service = (i: number): V1Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: `svc-${String(i)}`, namespace: 'default', uid: `s${String(i)}` },
  spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
});

const reservation = (i: number, state: Reservation['state'] = 'created'): Reservation => ({
  id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}` as ReservationId,
  type: 'public_ipv4',
  address: `198.51.100.${String(i)}`,
  cidr: 32,
  state,
  tags: serviceTags('default', `svc-${String(i)}`, cluster),
  assignments: [],
  metro: 'da',
});

function world(): Snapshot {
  const devices = Array.from({ length: 6 }, (_, i) =>
    device(i + 1, {
      bgpNeighbors: [
        {
          addressFamily: 4,
          customerAs: 65000,
          customerIp: `10.0.0.${String(i + 1)}`,
          peerAs: 65530,
          peerIps: ['169.254.255.1'],
          multihop: true,
        },
      ],
    }),
  );
  const base = snapshot({
    nodes: devices.map((d) => node(d.hostname, { providerID: providerIdOf(d.id) })),
    devices,
    settings: settings({
      loadBalancer: { kind: 'kube-vip' },
      eipLimit: 14,
      bgpPass: new Sensitive('p'),
    }),
  });
  return freeze(
    {
      ...base,
      kubernetes: {
        ...base.kubernetes,
        clusterId: cluster,
        services: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(service),
      },
      metal: {
        ...base.metal,
        reservations: [0, 1, 2, 3, 4, 5, 6, 7, 8, 13].map((i) =>
          reservation(i, i === 4 ? 'pending' : 'created'),
        ),
        bgpConfig: { id: 'bgp', status: 'enabled', asn: 65000, deploymentType: 'local' },
        bgpSessions: devices
          .slice(0, 4)
          .map((d, i) => ({ id: `b${String(i)}`, deviceId: d.id, addressFamily: 'ipv4' as const })),
      },
    },
    true,
  );
}

/** The cluster after the CCM's Kubernetes writes: each object as the planners want it. */
function applied(s: Snapshot): Snapshot {
  const wanted = new Map(planAll(s).objects.map((o) => [o.observed, o.desired]));
  const settle = <T extends V1Node | V1Service>(list: readonly T[]): T[] =>
    list.flatMap((o) => {
      if (!wanted.has(o)) return [o];
      const desired = wanted.get(o);
      return desired === undefined ? [] : [desired as T];
    });
  return freeze(
    {
      ...s,
      kubernetes: {
        ...s.kubernetes,
        nodes: settle(s.kubernetes.nodes),
        services: settle(s.kubernetes.services),
      },
    },
    true,
  );
}

type Change = (s: Draft<Snapshot>, pick: (n: number) => number) => void;

/** What can happen between two loops, to an object picked at random. */
const changes: Change[] = [
  (s) => {
    s.time = new Date(Date.parse(s.time) + 60_000).toISOString();
  },
  (s, pick) => {
    const one = s.kubernetes.services[pick(s.kubernetes.services.length)];
    if (one?.spec !== undefined)
      one.spec.type = one.spec.type === 'LoadBalancer' ? 'ClusterIP' : 'LoadBalancer';
  },
  (s, pick) => {
    s.kubernetes.services.splice(pick(s.kubernetes.services.length), 1);
  },
  (s, pick) => {
    s.kubernetes.services.push(service(12 + pick(6)));
  },
  (s, pick) => {
    const one = s.metal.reservations[pick(s.metal.reservations.length)];
    if (one !== undefined) one.state = one.state === 'created' ? 'pending' : 'created';
  },
  (s, pick) => {
    s.metal.reservations.splice(pick(s.metal.reservations.length), 1);
  },
  (s, pick) => {
    s.metal.reservations.push(reservation(pick(18)) as Draft<Reservation>);
  },
  (s, pick) => {
    const one = s.metal.devices[pick(s.metal.devices.length)];
    if (one !== undefined) one.state = one.state === 'active' ? 'inactive' : 'active';
  },
  (s, pick) => {
    const one = s.metal.devices[pick(s.metal.devices.length)];
    if (one?.bgpNeighbors?.[0] !== undefined)
      one.bgpNeighbors[0].peerIps = [`169.254.255.${String(pick(3))}`];
  },
  (s, pick) => {
    const one = s.kubernetes.nodes[pick(s.kubernetes.nodes.length)];
    if (one?.metadata?.labels !== undefined) one.metadata.labels['bgp'] = String(pick(2));
  },
  (s, pick) => {
    s.settings = { ...s.settings, eipLimit: 10 + pick(6) };
    if (pick(2) === 0)
      s.settings.bgpNodeSelector = {
        source: 'bgp=1',
        requirements: [{ key: 'bgp', operator: 'in', values: ['1'] }],
      };
  },
  (s, pick) => {
    s.metal.bgpSessions.splice(pick(s.metal.bgpSessions.length), 1);
  },
  // A Service asking for an address: another Service's, or one of the user's own reservations.
  (s, pick) => {
    const one = s.kubernetes.services[pick(s.kubernetes.services.length)];
    const address = pick(2) === 0 ? `198.51.100.${String(pick(18))}` : `192.0.2.${String(pick(3))}`;
    if (one?.spec !== undefined) one.spec.loadBalancerIP = address;
  },
  (s, pick) => {
    const n = pick(3);
    const own = { ...reservation(100 + n), address: `192.0.2.${String(n)}`, tags: ['mine'] };
    s.metal.reservations.push(own as Draft<Reservation>);
  },
];

/** A copy sharing no object with `value` (but for class instances): planned afresh, nothing kept. */
function copied<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copied) as T;
  if (
    typeof value !== 'object' ||
    value === null ||
    Object.getPrototypeOf(value) !== Object.prototype
  )
    return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copied(v)])) as T;
}

const text = (s: Snapshot): string => JSON.stringify(planAll(s));

describe('incremental planning', () => {
  it('plans what planning afresh plans, over random sequences of changes and applies', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const pick = randomSource(seed);
      const snapshots: Snapshot[] = [];
      let s = applied(applied(world()));
      for (let step = 0; step < 60; step++) {
        // Mostly what the CCM does itself (its writes applied), or nothing at all: that is where
        // what was kept is reused.
        const roll = pick(4);
        if (roll === 0) s = applied(s);
        else if (roll === 1) s = produce(s, (d) => changes[pick(changes.length)]?.(d, pick));
        snapshots.push(s);
      }
      const incremental = snapshots.map(text);
      const afresh = snapshots.map((one) => text(copied(one)));
      incremental.forEach((plan, step) => {
        expect(plan, `seed ${String(seed)}, step ${String(step)}`).toBe(afresh[step]);
      });
    }
  });
});
