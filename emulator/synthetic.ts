import type { MetalWorld } from '../providers/fixture/metal.ts';
import { numberToIpv4 } from './addresses.ts';
import { managementBlocks } from './management.ts';

export const syntheticProject = '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11';

export const uuidOf = (kind: number, n: number): string =>
  `${String(kind).padStart(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Device number `i` of a synthetic project: node-<i>, public IPv4/IPv6 and private IPv4. */
export function syntheticDevice(
  i: number,
): Record<string, unknown> & { id: string; hostname: string } {
  return {
    id: uuidOf(1, i),
    href: `/metal/v1/devices/${uuidOf(1, i)}`,
    hostname: `node-${i}`,
    state: 'active',
    tags: ['k8s'],
    plan: { slug: 'c3.small.x86' },
    metro: { code: 'da' },
    facility: { code: 'da11' },
    ip_addresses: [
      {
        id: uuidOf(2, i),
        address: numberToIpv4(0xcb007100 + i * 2 + 1),
        address_family: 4,
        public: true,
        management: true,
        cidr: 31,
      },
      {
        id: uuidOf(3, i),
        address: `2001:db8::${(i * 2 + 1).toString(16)}`,
        address_family: 6,
        public: true,
        management: true,
        cidr: 127,
      },
      {
        id: uuidOf(4, i),
        address: numberToIpv4(0x0a000000 + i * 2 + 1),
        address_family: 4,
        public: false,
        management: true,
        cidr: 31,
        parent_block: {
          network: '10.0.0.0',
          cidr: 8,
          netmask: '255.0.0.0',
          href: '/metal/v1/ips/p',
        },
      },
    ],
  };
}

/**
 * A project of any size for tests and benchmarks: `devices` devices (node-<n>, each with public
 * IPv4/IPv6 and private IPv4 addresses, whose three management blocks the project's reservation
 * list holds first, as a real project's does), `reservations` tagged /32 Elastic IPs, and, when
 * `bgp`, project BGP enabled with an IPv4 session on every device.
 */
export function syntheticWorld(size: {
  devices: number;
  reservations: number;
  bgp?: boolean;
}): MetalWorld {
  const devices = Array.from({ length: size.devices }, (_, i) => syntheticDevice(i));
  const ips = Array.from({ length: size.reservations }, (_, i) => {
    const address = numberToIpv4(0xc6336400 + i);
    return {
      id: uuidOf(5, i),
      href: `/metal/v1/ips/${uuidOf(5, i)}`,
      type: 'public_ipv4',
      address_family: 4,
      public: true,
      management: false,
      address,
      network: address,
      gateway: address,
      netmask: '255.255.255.255',
      cidr: 32,
      state: 'created',
      tags: [
        'usage=cloud-provider-equinix-metal-auto',
        `service=synthetic-${i}`,
        'cluster=synthetic',
      ],
      metro: { code: 'da' },
      assignments: [],
    };
  });
  const bgp = size.bgp === true;
  return {
    project: { id: syntheticProject, name: 'synthetic' },
    bgp_config: bgp
      ? {
          id: uuidOf(6, 0),
          status: 'enabled',
          asn: 65000,
          deployment_type: 'local',
          md5: 'Synth3ticPass',
        }
      : {},
    devices,
    bgp_neighbors: {},
    bgp_sessions: bgp
      ? devices.map((d, i) => ({
          id: uuidOf(7, i),
          address_family: 'ipv4',
          device: { href: `/metal/v1/devices/${d.id}` },
        }))
      : [],
    ips: [...devices.flatMap(managementBlocks), ...ips],
  };
}
