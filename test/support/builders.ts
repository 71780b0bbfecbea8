// Small builders of domain values for unit tests: only what a test cares about is spelled out.
import type { V1EndpointSlice, V1Node } from '@kubernetes/client-node';
import type { Settings } from '../../model/settings.ts';
import type { DeviceId, ProjectId } from '../../model/ids.ts';
import type { Device } from '../../model/metal.ts';
import { Sensitive } from '../../model/sensitive.ts';
import type { Snapshot } from '../../model/snapshot.ts';

export const projectId = '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11' as ProjectId;

export function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    apiKey: new Sensitive('test-token'),
    projectID: projectId,
    metro: 'da',
    metadataURL: 'https://metadata.platformequinix.com/metadata',
    baseURL: 'https://api.equinix.com/metal/v1',
    loadBalancer: { kind: 'none' },
    eipLimit: 10,
    localASN: 65000,
    annotations: {
      localASN: 'metal.equinix.com/node-asn',
      peerASNs: 'metal.equinix.com/peer-asn',
      peerIPs: 'metal.equinix.com/peer-ip',
      srcIP: 'metal.equinix.com/src-ip',
      bgpPass: 'metal.equinix.com/bgp-pass',
      networkIPv4Private: 'metal.equinix.com/network-4-private',
      eipMetro: 'metal.equinix.com/eip-metro',
      eipFacility: 'metal.equinix.com/eip-facility',
    },
    eipTag: '',
    apiServerPort: 0,
    bgpNodeSelector: { source: '', requirements: [] },
    eipHealthCheckUseHostIP: false,
    eipHealthCheckIntervalMs: 5000,
    eipHealthCheckFailures: 3,
    syncPeriodMs: 30_000,
    metalRequestTimeoutMs: 30_000,
    metalObservationTimeoutMs: 30_000,
    ...overrides,
  };
}

export function deviceId(n: number): DeviceId {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as DeviceId;
}

export function device(n: number, overrides: Partial<Device> = {}): Device {
  return {
    id: deviceId(n),
    hostname: `node-${n}`,
    state: 'active',
    planSlug: 'c3.small.x86',
    metro: 'da',
    facility: 'da11',
    addresses: [
      { address: `203.0.113.${n}`, family: 4, public: true, management: true, cidr: 31 },
      { address: `2001:db8::${n}`, family: 6, public: true, management: true, cidr: 127 },
      {
        address: `10.0.0.${n}`,
        family: 4,
        public: false,
        management: true,
        cidr: 31,
        parentBlock: { network: '10.0.0.0', cidr: 25 },
      },
    ],
    tags: [],
    ...overrides,
  };
}

export function node(
  name: string,
  overrides: { providerID?: string; ready?: boolean } = {},
): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `uid-${name}`,
      resourceVersion: '7',
      labels: { 'kubernetes.io/hostname': name },
    },
    spec: {
      ...(overrides.providerID === undefined ? {} : { providerID: overrides.providerID }),
      taints: [
        {
          key: 'node.cloudprovider.kubernetes.io/uninitialized',
          value: 'true',
          effect: 'NoSchedule',
        },
      ],
    },
    status: {
      conditions: [{ type: 'Ready', status: overrides.ready === false ? 'Unknown' : 'True' }],
      addresses: [{ type: 'Hostname', address: name }],
    },
  };
}

export function snapshot(parts: {
  nodes?: V1Node[];
  devices?: Device[];
  complete?: boolean;
  settings?: Settings;
}): Snapshot {
  return {
    time: '2026-11-01T12:00:00Z',
    source: 'test',
    settings: parts.settings ?? settings(),
    kubernetes: {
      nodes: parts.nodes ?? [],
      services: [],
      kubernetesEndpointSlices: [],
      mirrorEndpointSlices: [],
    },
    metal: {
      project: { id: projectId, name: 'test' },
      devices: parts.devices ?? [],
      reservations: [],
      bgpSessions: [],
      location: { metro: 'da' },
      complete: parts.complete ?? true,
    },
    probes: [],
    problems: [],
  };
}

/** The EndpointSlice of `default/kubernetes` the endpoint reconciler writes for these addresses. */
export function kubernetesSlice(addresses: readonly string[], port: number): V1EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'kubernetes' },
    },
    addressType: 'IPv4',
    endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
    ports: [{ name: 'https', port, protocol: 'TCP' }],
  };
}
