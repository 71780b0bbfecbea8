import { ok, type Answer } from '../answers.ts';
import type { EmulatorWorld, Json } from '../world.ts';
import { neighborsOf } from './bgp.ts';

/** The on-host metadata document as the device sees it (METADATA.md). */
export function metadataOf(world: EmulatorWorld, deviceId: string): Answer {
  const device = world.devices.get(deviceId.toLowerCase());
  if (device === undefined) return { status: 404, body: { message: 'resource not found' } };
  const neighbors = neighborsOf(world, deviceId.toLowerCase());
  return ok({
    id: device['id'],
    hostname: device['hostname'],
    plan: (device['plan'] as Json | undefined)?.['slug'],
    metro: (device['metro'] as Json | undefined)?.['code'],
    facility: (device['facility'] as Json | undefined)?.['code'],
    tags: device['tags'] ?? [],
    network: { addresses: device['ip_addresses'] ?? [], interfaces: [], bonding: { mode: 4 } },
    ...(neighbors.length > 0 ? { bgp_neighbors: neighbors } : {}),
  });
}
