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
