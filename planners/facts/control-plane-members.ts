import type { V1EndpointSlice, V1Node } from '@kubernetes/client-node';
import type { DeviceId } from '../../model/ids.ts';
import type { Device } from '../../model/metal.ts';
import { byText } from '../../model/order.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import type { NodeDevice } from './devices.ts';

/** A control-plane node: an endpoint of `default/kubernetes`, its device and its Node. */
export interface ControlPlaneMember {
  readonly address: string;
  readonly device?: Device;
  readonly node?: V1Node;
}

export type Endpoint = NonNullable<V1EndpointSlice['endpoints']>[number];

/** The IPv4 endpoints of `default/kubernetes` not marked unready, one per address, in its order. */
export function controlPlaneEndpoints(snapshot: Snapshot): Endpoint[] {
  const seen = new Set<string>();
  return snapshot.kubernetes.kubernetesEndpointSlices
    .filter((s) => s.addressType === 'IPv4')
    .flatMap((s) => s.endpoints ?? [])
    .filter((e) => e.conditions?.ready !== false)
    .filter((e) => {
      const address = e.addresses[0];
      if (address === undefined || seen.has(address)) return false;
      seen.add(address);
      return true;
    });
}

/** The control-plane nodes in a stable order (by Node name, then address). */
export function controlPlaneMembers(
  snapshot: Snapshot,
  endpoints: readonly Endpoint[],
  deviceOf: (node: V1Node) => NodeDevice,
): ControlPlaneMember[] {
  const nodeOf = new Map<DeviceId, V1Node>();
  for (const node of snapshot.kubernetes.nodes) {
    const found = deviceOf(node);
    if (found.kind === 'matched') nodeOf.set(found.device.id, node);
  }
  return endpoints
    .map((e) => {
      const address = e.addresses[0] ?? '';
      const device = snapshot.metal.devices.find((d) =>
        d.addresses.some((a) => a.address === address),
      );
      const node = device === undefined ? undefined : nodeOf.get(device.id);
      return {
        address,
        ...(device === undefined ? {} : { device }),
        ...(node === undefined ? {} : { node }),
      };
    })
    .sort(
      (a, b) =>
        byText(a.node?.metadata?.name ?? '~', b.node?.metadata?.name ?? '~') ||
        byText(a.address, b.address),
    );
}
