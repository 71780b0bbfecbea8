import { netmaskOf, numberToIpv4 } from './addresses.ts';
import type { Json } from './world.ts';

type Reservations = ReadonlyMap<string, Json>;

/** The fields of a block of addresses as the API shows them (address, network, gateway, …). */
export function block(address: string, cidr: number): Json {
  return { address, network: address, gateway: address, cidr, netmask: netmaskOf(cidr) };
}

/** Where the search for a free address of a project goes on: after the last one it gave. */
const cursors = new WeakMap<Reservations, number>();

/**
 * An address of the range that no reservation holds: the next one after the last given, wrapping
 * around (a scan from the start each time made 5,000 requests cost 12.5 million candidates).
 */
export function freeAddress(
  reservations: Reservations,
  range: { readonly first: number; readonly count: number },
): string | undefined {
  const taken = new Set([...reservations.values()].map((r) => r['address']));
  const start = cursors.get(reservations) ?? 0;
  for (let i = 0; i < range.count; i++) {
    const offset = (start + i) % range.count;
    const candidate = numberToIpv4(range.first + offset);
    if (taken.has(candidate)) continue;
    cursors.set(reservations, offset + 1);
    return candidate;
  }
  return undefined;
}

/**
 * Addresses counted against the quota: those of created public and global IPv4 reservations. A
 * device's own (management) blocks come with the device and do not count.
 */
export function usedAddresses(reservations: Reservations): number {
  return [...reservations.values()]
    .filter(
      (r) =>
        r['state'] !== 'pending' &&
        r['state'] !== 'denied' &&
        r['management'] !== true &&
        r['type'] !== 'private_ipv4' &&
        r['address_family'] !== 6,
    )
    .reduce((n, r) => n + 2 ** (32 - Number(r['cidr'] ?? 32)), 0);
}
