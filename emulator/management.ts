import { createHash } from 'node:crypto';
import { netmaskOf, networkOf } from './addresses.ts';
import { api, type Json } from './world.ts';

/** A stable UUID for a block, so a world built twice is the same world. */
function blockId(deviceId: string, network: string): string {
  const hex = createHash('sha256').update(`${deviceId}\n${network}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const typeOf = (address: Json): string =>
  address['address_family'] === 6
    ? 'public_ipv6'
    : address['public'] === true
      ? 'public_ipv4'
      : 'private_ipv4';

/** One management address of a device as the block of the project's list that holds it. */
function blockOf(device: Json, address: Json): Json {
  const deviceId = String(device['id']);
  const cidr = Number(address['cidr']);
  const network = networkOf(String(address['address']), cidr);
  const id = blockId(deviceId, network);
  const family = address['address_family'];
  return {
    id,
    href: `${api}/ips/${id}`,
    type: typeOf(address),
    address_family: family,
    public: address['public'],
    management: true,
    manageable: false,
    address: network,
    network,
    cidr,
    ...(family === 4 ? { netmask: netmaskOf(cidr) } : {}),
    tags: [],
    assignments: [{ ...address, assigned_to: { href: `${api}/devices/${deviceId}` } }],
    ...(device['metro'] === undefined ? {} : { metro: device['metro'] }),
    ...(device['facility'] === undefined ? {} : { facility: device['facility'] }),
  };
}

/**
 * The blocks a real project lists for each device besides the requested reservations (ENDPOINTS.md
 * §7): its public IPv4, private IPv4 and IPv6 networks, `management: true`, assigned to it. The CCM
 * must page past them and never take, tag, release or pool them.
 */
export function managementBlocks(device: Json): Json[] {
  const addresses = Array.isArray(device['ip_addresses']) ? (device['ip_addresses'] as Json[]) : [];
  return addresses.filter((a) => a['management'] === true).map((a) => blockOf(device, a));
}
