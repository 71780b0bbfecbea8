import type { V1NodeAddress } from '@kubernetes/client-node';
import type { Device, DeviceAddress } from '../../model/metal.ts';

function isOwn(a: DeviceAddress): boolean {
  // Elastic IPs assigned to a device (the control-plane EIP among them) are management = false:
  // they move between devices and are never a node's own address.
  return a.management;
}

/**
 * The Node addresses of a device: Hostname, InternalIP from the private IPv4, ExternalIP from the
 * public IPv4 then IPv6. A device lacking some of them still gets what it has.
 */
export function nodeAddresses(device: Device): V1NodeAddress[] {
  const own = device.addresses.filter(isOwn);
  const internal = own.filter((a) => !a.public && a.family === 4);
  const external = [
    ...own.filter((a) => a.public && a.family === 4),
    ...own.filter((a) => a.public && a.family === 6),
  ];
  return [
    { type: 'Hostname', address: device.hostname },
    ...internal.map((a) => ({ type: 'InternalIP', address: a.address })),
    ...external.map((a) => ({ type: 'ExternalIP', address: a.address })),
  ];
}
