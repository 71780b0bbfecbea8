import { notFound, ok, type Answer } from '../answers.ts';
import type { EmulatorWorld } from '../world.ts';
import { paged, type PageOptions } from './paging.ts';

/** findProjectDevices: paged, 10 per page by default. */
export function findProjectDevices(world: EmulatorWorld, id: string, page: PageOptions): Answer {
  if (!world.isProject(id)) return notFound();
  const list = { path: `/projects/${id}/devices`, key: 'devices', defaultPerPage: 10 };
  return paged(list, page, [...world.devices.values()]);
}

/** findDeviceById */
export function findDeviceById(world: EmulatorWorld, id: string): Answer {
  const device = world.devices.get(id.toLowerCase());
  return device === undefined ? notFound() : ok(device);
}

/** findIPAssignments: the device's addresses, its own and the Elastic IPs assigned to it. */
export function findIPAssignments(world: EmulatorWorld, deviceId: string): Answer {
  const device = world.devices.get(deviceId.toLowerCase());
  return device === undefined ? notFound() : ok({ ip_addresses: device['ip_addresses'] ?? [] });
}
