/** IPv4 arithmetic for handing out Elastic IPs from a range. */

/** Four decimal numbers from 0 to 255, separated by dots. */
export function isIpv4(address: string): boolean {
  const parts = address.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

export function ipv4ToNumber(address: string): number {
  if (!isIpv4(address)) throw new Error(`"${address}" is not an IPv4 address`);
  return address.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function netmaskOf(cidr: number): string {
  return numberToIpv4(cidr === 0 ? 0 : (2 ** 32 - 2 ** (32 - cidr)) >>> 0);
}

/** Whether `address` lies in `network/cidr`. */
export function contains(network: string, cidr: number, address: string): boolean {
  const size = 2 ** (32 - cidr);
  const start = ipv4ToNumber(network);
  const n = ipv4ToNumber(address);
  return n >= start && n < start + size;
}

/** An IPv6 address as a number (`::` expanded). */
function ipv6ToBigInt(address: string): bigint {
  const [head = '', tail] = address.split('::');
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const missing = 8 - groups(head).length - groups(tail ?? '').length;
  const all = [
    ...groups(head),
    ...Array<string>(tail === undefined ? 0 : missing).fill('0'),
    ...groups(tail ?? ''),
  ];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g)))
    throw new Error(`"${address}" is not an IPv6 address`);
  return all.reduce((n, g) => (n << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/** The shortest form is not needed: eight groups, leading zeros dropped. */
function bigIntToIpv6(n: bigint): string {
  return Array.from({ length: 8 }, (_, i) =>
    ((n >> BigInt(112 - i * 16)) & 0xffffn).toString(16),
  ).join(':');
}

/** The network an address lies in: the address with the bits past `cidr` cleared. */
export function networkOf(address: string, cidr: number): string {
  if (isIpv4(address)) {
    const size = 2 ** (32 - cidr);
    return numberToIpv4(Math.floor(ipv4ToNumber(address) / size) * size);
  }
  const host = (1n << BigInt(128 - cidr)) - 1n;
  return bigIntToIpv6(ipv6ToBigInt(address) & ~host);
}
