import type { V1Node } from '@kubernetes/client-node';
import type { DeviceId } from '../../model/ids.ts';
import type { Device } from '../../model/metal.ts';
import { readProviderId } from '../../model/provider-id.ts';
import type { MetalState } from '../../model/snapshot.ts';

/** What the project says about a Node: its device, that the device is gone, or nothing usable. */
export type NodeDevice =
  | { readonly kind: 'matched'; readonly device: Device; readonly by: 'provider ID' | 'hostname' }
  | { readonly kind: 'gone'; readonly deviceId: DeviceId }
  | { readonly kind: 'unknown'; readonly message: string };

/**
 * A Node's device: by provider ID (`equinixmetal://`, `packet://`, bare UUID), or by hostname =
 * device name when the provider ID is empty. The devices are indexed once per snapshot: every
 * planner looks them up for every Node (and `doctor` checks that each Node has one).
 */
export function deviceFinder(snapshot: {
  readonly metal: Pick<MetalState, 'devices' | 'project'>;
}): (node: V1Node) => NodeDevice {
  const { devices, project } = snapshot.metal;
  const byId = new Map(devices.map((d) => [d.id, d]));
  const byHostname = new Map<string, Device[]>();
  for (const d of devices) byHostname.set(d.hostname, [...(byHostname.get(d.hostname) ?? []), d]);
  const inProject = project === undefined ? 'in the project' : `in project ${project.id}`;
  return (node) => {
    const name = node.metadata?.name ?? '';
    const reading = readProviderId(node.spec?.providerID);
    switch (reading.kind) {
      case 'device': {
        const device = byId.get(reading.deviceId);
        return device === undefined
          ? { kind: 'gone', deviceId: reading.deviceId }
          : { kind: 'matched', device, by: 'provider ID' };
      }
      case 'empty': {
        const named = byHostname.get(name) ?? [];
        const [device] = named;
        if (device !== undefined && named.length === 1) {
          return { kind: 'matched', device, by: 'hostname' };
        }
        return {
          kind: 'unknown',
          message:
            named.length === 0
              ? `no provider ID and no device named "${name}" ${inProject}; left alone`
              : `no provider ID and ${named.length} devices named "${name}" ${inProject}; left alone`,
        };
      }
      case 'foreign':
        return {
          kind: 'unknown',
          message: `provider ID "${reading.providerId}" is not an Equinix Metal one; left alone`,
        };
      case 'malformed':
        return {
          kind: 'unknown',
          message: `provider ID "${reading.providerId}" is malformed (${reading.problem}); left alone`,
        };
    }
  };
}
