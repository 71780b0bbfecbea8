import type {
  BgpConfig,
  BgpNeighbor,
  BgpSession,
  Device,
  Project,
  Reservation,
} from '../../model/metal.ts';
import type { Sensitive } from '../../model/sensitive.ts';

/**
 * The Metal API bodies of what the CCM observed: the inverse of schemas.ts, for exporting a live
 * project as a fixture's metal.json. Only what the CCM reads is written (nothing the API sends
 * besides — user data, root passwords — can leak into an export), and every secret goes through
 * `secret`, which says what to write in its place.
 */
export type SecretWriter = (secret: Sensitive) => string;

type Json = Record<string, unknown>;

const location = (code: string | undefined): Json =>
  code === undefined ? {} : { code, name: code.toUpperCase() };
const link = (path: string): Json => ({ href: `/metal/v1${path}` });

export const projectBody = (p: Project): Json => ({ id: p.id, name: p.name });

export function bgpConfigBody(c: BgpConfig, secret: SecretWriter): Json {
  return {
    ...(c.id === undefined ? {} : { id: c.id }),
    ...(c.status === undefined ? {} : { status: c.status }),
    ...(c.asn === undefined ? {} : { asn: c.asn }),
    ...(c.deploymentType === undefined ? {} : { deployment_type: c.deploymentType }),
    ...(c.md5 === undefined ? {} : { md5: secret(c.md5) }),
  };
}

export function deviceBody(d: Device): Json {
  return {
    id: d.id,
    hostname: d.hostname,
    state: d.state,
    ...(d.planSlug === undefined ? {} : { plan: { slug: d.planSlug } }),
    ...(d.metro === undefined ? {} : { metro: location(d.metro) }),
    ...(d.facility === undefined ? {} : { facility: location(d.facility) }),
    ip_addresses: d.addresses.map((a) => ({
      address: a.address,
      address_family: a.family,
      public: a.public,
      management: a.management,
      cidr: a.cidr,
      ...(a.parentBlock === undefined
        ? {}
        : { parent_block: { network: a.parentBlock.network, cidr: a.parentBlock.cidr } }),
    })),
    tags: d.tags,
  };
}

export function neighborBody(n: BgpNeighbor, secret: SecretWriter): Json {
  return {
    address_family: n.addressFamily,
    customer_as: n.customerAs,
    customer_ip: n.customerIp,
    peer_as: n.peerAs,
    peer_ips: n.peerIps,
    multihop: n.multihop,
    md5_enabled: n.md5Password !== undefined,
    ...(n.md5Password === undefined ? {} : { md5_password: secret(n.md5Password) }),
  };
}

export const sessionBody = (s: BgpSession): Json => ({
  id: s.id,
  address_family: s.addressFamily,
  device: link(`/devices/${s.deviceId}`),
  ...(s.states === undefined ? {} : { status: s.states.join(',') }),
});

export function reservationBody(r: Reservation): Json {
  return {
    id: r.id,
    type: r.type,
    ...(r.address === undefined ? {} : { address: r.address }),
    ...(r.cidr === undefined ? {} : { cidr: r.cidr }),
    state: r.state,
    tags: r.tags,
    assignments: r.assignments.map((a) => ({
      id: a.id,
      href: `/metal/v1/ips/${a.id}`,
      ...(a.deviceId === undefined ? {} : { assigned_to: link(`/devices/${a.deviceId}`) }),
    })),
    ...(r.metro === undefined ? {} : { metro: location(r.metro) }),
    ...(r.facility === undefined ? {} : { facility: location(r.facility) }),
  };
}
