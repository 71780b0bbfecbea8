// Whole worlds for planner unit tests, built from the small builders: a control plane with its
// Elastic IP, and a cluster with BGP and two Services for the load-balancer planners. They are
// snapshots made in code, not read through the engine, so a planner test stands on the model alone.
import type { V1Node, V1Service } from '@kubernetes/client-node';
import { produce } from 'immer';
import type { AssignmentId, ClusterId, ReservationId } from '../../model/ids.ts';
import type { ObjectIntent } from '../../model/desired.ts';
import type { KubernetesObject } from '../../model/kubernetes.ts';
import { mirrorService } from '../../model/marks/control-plane.ts';
import type { BgpNeighbor, Device, Reservation } from '../../model/metal.ts';
import { Sensitive } from '../../model/sensitive.ts';
import type { LoadBalancer } from '../../model/settings.ts';
import type { ProbeResult, Snapshot } from '../../model/snapshot.ts';
import { serviceTags } from '../../model/marks/tags.ts';
import { device, kubernetesSlice, node, settings, snapshot } from './builders.ts';

export const clusterId = 'c0ffee00-0000-4000-8000-000000000001' as ClusterId;
export const bgpPassword = 'Fixture42Secret';

/** The device's private IPv4 (the builders give device n the address 10.0.0.n). */
export const privateAddress = (n: number): string => `10.0.0.${String(n)}`;

/** The Node of device `n` as the CCM leaves it: provider ID, labels, addresses, Ready, no taint. */
export function initialisedNode(
  name: string,
  n: number,
  labels: Record<string, string> = {},
): V1Node {
  const d = device(n);
  return produce(node(name, { providerID: `equinixmetal://${d.id}` }), (draft) => {
    draft.metadata!.resourceVersion = String(200 + n);
    Object.assign(draft.metadata!.labels!, {
      'topology.kubernetes.io/region': d.metro ?? '',
      'topology.kubernetes.io/zone': d.facility ?? '',
      'node.kubernetes.io/instance-type': d.planSlug ?? '',
      ...labels,
    });
    delete draft.spec!.taints;
    draft.status!.addresses = [
      { type: 'Hostname', address: name },
      { type: 'InternalIP', address: privateAddress(n) },
      { type: 'ExternalIP', address: `203.0.113.${String(n)}` },
      { type: 'ExternalIP', address: `2001:db8::${String(n)}` },
    ];
  });
}

export function reservation(
  n: number,
  address: string,
  tags: readonly string[],
  onDevice?: number,
): Reservation {
  return {
    id: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}` as ReservationId,
    type: 'public_ipv4',
    address,
    cidr: 32,
    state: 'created',
    tags,
    assignments:
      onDevice === undefined
        ? []
        : [
            {
              id: `00000000-0000-4000-a000-${String(n).padStart(12, '0')}` as AssignmentId,
              deviceId: device(onDevice).id,
            },
          ],
    metro: 'da',
  };
}

// --- the control plane ----------------------------------------------------------------------

export const controlPlaneEip = '198.51.100.200';
const controlPlaneNodes = ['cp-1', 'cp-2', 'cp-3'] as const;

const probe = (address: string, holder?: string): ProbeResult => ({
  address,
  port: 6443,
  ...(holder === undefined ? {} : { holder }),
  ok: true,
  status: 200,
  consecutiveFailures: 0,
});

/**
 * Three control-plane nodes (devices 1-3), the endpoints of `default/kubernetes` on their private
 * addresses (port 6443), the Elastic IP tagged `cp-eip` on cp-1, and every probe answering 200.
 */
export function controlPlane(): Snapshot {
  const base = snapshot({
    settings: settings({ eipTag: 'cp-eip' }),
    nodes: controlPlaneNodes.map((name, i) =>
      initialisedNode(name, i + 1, { 'node-role.kubernetes.io/control-plane': '' }),
    ),
    devices: controlPlaneNodes.map((name, i) => device(i + 1, { hostname: name })),
  });
  const kubernetes: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', resourceVersion: '200' },
    spec: { type: 'ClusterIP', ports: [{ name: 'https', port: 443, targetPort: 6443 }] },
  };
  const endpoints = kubernetesSlice([1, 2, 3].map(privateAddress), 6443);
  // The mirror as the CCM left it; the API server gave it a node port.
  const mirror: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      ...mirrorService,
      resourceVersion: '300',
      annotations: {
        'metallb.universe.tf/address-pool': 'disabled-metallb-do-not-use-any-address-pool',
      },
    },
    spec: {
      type: 'LoadBalancer',
      loadBalancerIP: controlPlaneEip,
      ports: [{ name: 'https', port: 6443, protocol: 'TCP', targetPort: 6443, nodePort: 31443 }],
    },
    status: { loadBalancer: { ingress: [{ ip: controlPlaneEip }] } },
  };
  return {
    ...base,
    kubernetes: {
      ...base.kubernetes,
      clusterId,
      services: [kubernetes, mirror],
      kubernetesEndpointSlices: [endpoints],
    },
    metal: { ...base.metal, reservations: [reservation(200, controlPlaneEip, ['cp-eip'], 1)] },
    probes: [
      probe(controlPlaneEip, device(1).id),
      ...[1, 2, 3].map((n) => probe(privateAddress(n))),
    ],
  };
}

// --- a cluster with BGP and two Services, for the load balancers ------------------------------

const lbNodes = ['cp-1', 'worker-1', 'worker-2'] as const;
export const serviceAddresses = { web: '198.51.100.16', api: '198.51.100.17' } as const;

/** Metal's BGP neighbours of a device: two peers, sourced from its private address. */
export function neighbours(n: number): BgpNeighbor[] {
  return [
    {
      addressFamily: 4,
      customerAs: 65000,
      customerIp: privateAddress(n),
      peerAs: 65530,
      peerIps: ['169.254.255.1', '169.254.255.2'],
      multihop: true,
      md5Password: new Sensitive(bgpPassword),
    },
  ];
}

function serviceWithEip(name: keyof typeof serviceAddresses): V1Service {
  const ip = serviceAddresses[name];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      resourceVersion: '700',
      finalizers: ['service.kubernetes.io/load-balancer-cleanup'],
    },
    spec: { type: 'LoadBalancer', ports: [{ port: 80 }], loadBalancerIP: ip },
    status: { loadBalancer: { ingress: [{ ip }] } },
  };
}

/**
 * Three initialised nodes whose devices have BGP sessions and neighbours, project BGP enabled, and
 * the Services web and api with their Elastic IPs; `metallb` is what MetalLB has (nothing yet).
 */
export function loadBalancedCluster(
  loadBalancer: LoadBalancer,
  metallb: NonNullable<Snapshot['kubernetes']['metallb']> = {},
): Snapshot {
  const devices: Device[] = lbNodes.map((name, i) =>
    device(i + 1, { hostname: name, bgpNeighbors: neighbours(i + 1) }),
  );
  const base = snapshot({
    settings: settings({ loadBalancer, bgpPass: new Sensitive(bgpPassword) }),
    nodes: lbNodes.map((name, i) => initialisedNode(name, i + 1)),
    devices,
  });
  return {
    ...base,
    kubernetes: {
      ...base.kubernetes,
      clusterId,
      services: [serviceWithEip('web'), serviceWithEip('api')],
      metallb,
    },
    metal: {
      ...base.metal,
      bgpConfig: {
        id: 'bgp-config',
        status: 'enabled',
        asn: 65000,
        deploymentType: 'local',
        md5: new Sensitive(bgpPassword),
      },
      bgpSessions: devices.map((d, i) => ({
        id: `session-${String(i)}`,
        deviceId: d.id,
        addressFamily: 'ipv4' as const,
      })),
      reservations: (['web', 'api'] as const).map((name, i) =>
        reservation(i + 1, serviceAddresses[name], serviceTags('default', name, clusterId)),
      ),
    },
  };
}

type MetalLBState = NonNullable<Snapshot['kubernetes']['metallb']>;
const lists = {
  IPAddressPool: 'ipAddressPools',
  BGPAdvertisement: 'bgpAdvertisements',
  BGPPeer: 'bgpPeers',
  Secret: 'passwordSecrets',
} as const;

/**
 * The snapshot after the intents were applied to MetalLB's objects (as the applier and the API
 * server would leave them): what a planner sees on its next loop.
 */
export function withMetalLBObjects(
  before: Snapshot,
  intents: readonly { observed?: KubernetesObject; desired?: KubernetesObject }[],
): Snapshot {
  return produce(before, (d) => {
    const metallb: MetalLBState = (d.kubernetes.metallb ??= {});
    const state = metallb as { -readonly [K in keyof MetalLBState]: MetalLBState[K] };
    for (const intent of intents) {
      const object = intent.desired ?? intent.observed;
      const kind = object?.kind ?? '';
      const name = object?.metadata?.name;
      if (kind === 'ConfigMap') state.configMap = intent.desired;
      else if (kind in lists) {
        const key = lists[kind as keyof typeof lists];
        const others = (state[key] ?? []).filter((o) => o.metadata?.name !== name);
        state[key] = intent.desired === undefined ? others : [...others, intent.desired];
      }
    }
  });
}

/** What an operator wrote into MetalLB's legacy configuration before the CCM ran. */
const handWritten = [
  '# Written by hand: the CCM keeps it.',
  'peers:',
  '  - my-asn: 64512',
  '    peer-asn: 64513',
  '    peer-address: 192.0.2.1',
  'address-pools:',
  '  - name: hand-made',
  '    protocol: bgp',
  '    addresses: [192.0.2.128/25]',
  'bgp-communities:',
  '  no-advertise: 65535:65282',
  '',
].join('\n');

/**
 * The load-balanced cluster with MetalLB (its legacy ConfigMap, hand-written entries in it, or its
 * CRDs) as the CCM leaves it after two loops of `plan`, the MetalLB planner under test (the peers
 * wait a loop for the password Secret they refer to). A third loop must plan nothing: the tests
 * say so, it is not assumed here.
 */
export function metallbConverged(
  mode: 'configmap' | 'crds',
  plan: (snapshot: Snapshot) => { objects: readonly ObjectIntent[] },
): Snapshot {
  const fresh =
    mode === 'configmap'
      ? loadBalancedCluster(
          { kind: 'metallb-configmap', namespace: 'metallb-system', name: 'config' },
          {
            configMap: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'config', namespace: 'metallb-system', resourceVersion: '1' },
              data: { config: handWritten },
            },
          },
        )
      : loadBalancedCluster({ kind: 'metallb-crds', namespace: 'metallb-system' });
  const once = withMetalLBObjects(fresh, plan(fresh).objects);
  return withMetalLBObjects(once, plan(once).objects);
}
