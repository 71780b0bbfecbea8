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

interface DeviceIndex {
  readonly byId: ReadonlyMap<string, Device>;
  readonly byHostname: ReadonlyMap<string, readonly Device[]>;
  /** How the messages name the project. */
  readonly inProject: string;
}

function findDevice(node: V1Node, index: DeviceIndex): NodeDevice {
  const name = node.metadata?.name ?? '';
  const reading = readProviderId(node.spec?.providerID);
  switch (reading.kind) {
    case 'device': {
      const device = index.byId.get(reading.deviceId);
      return device === undefined
        ? { kind: 'gone', deviceId: reading.deviceId }
        : { kind: 'matched', device, by: 'provider ID' };
    }
    case 'empty': {
      const named = index.byHostname.get(name) ?? [];
      const [device] = named;
      if (device !== undefined && named.length === 1) {
        return { kind: 'matched', device, by: 'hostname' };
      }
      return {
        kind: 'unknown',
        message:
          named.length === 0
            ? `no provider ID and no device named "${name}" ${index.inProject}; left alone`
            : `no provider ID and ${named.length} devices named "${name}" ${index.inProject}; left alone`,
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
}

/**
 * A Node's device: by provider ID (`equinixmetal://`, `packet://`, bare UUID), or by hostname =
 * device name when the provider ID is empty. The devices are indexed once per snapshot: every
 * planner looks them up for every Node (and `doctor` checks that each Node has one). The answer
 * for a Node is the same object each time it is asked: planners keep what a Node was planned from.
 */
export function deviceFinder(snapshot: {
  readonly metal: Pick<MetalState, 'devices' | 'project'>;
}): (node: V1Node) => NodeDevice {
  const { devices, project } = snapshot.metal;
  const byHostname = new Map<string, Device[]>();
  for (const d of devices) byHostname.set(d.hostname, [...(byHostname.get(d.hostname) ?? []), d]);
  const index: DeviceIndex = {
    byId: new Map(devices.map((d) => [d.id, d])),
    byHostname,
    inProject: project === undefined ? 'in the project' : `in project ${project.id}`,
  };
  const found = new WeakMap<V1Node, NodeDevice>();
  return (node) => {
    let device = found.get(node);
    if (device === undefined) found.set(node, (device = findDevice(node, index)));
    return device;
  };
}
