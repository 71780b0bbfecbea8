/** IPv4 arithmetic for handing out Elastic IPs from a range. */

export function ipv4ToNumber(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`"${address}" is not an IPv4 address`);
  }
  return parts.reduce((n, p) => n * 256 + p, 0);
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
