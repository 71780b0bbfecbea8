import type { V1Service } from '@kubernetes/client-node';
import type { DeviceId } from '../../model/ids.ts';
import { namespaceRef } from '../../model/kubernetes.ts';
import type { Reservation } from '../../model/metal.ts';
import type { Snapshot } from '../../model/snapshot.ts';

/** What the control-plane Elastic IP is, where it is and on which port: read from the snapshot. */

/** Its Events are on the kube-system Namespace: there is no object of its own. */
export const kubeSystem = namespaceRef('kube-system');

/** What finding the kube-apiserver's port reads (so `doctor` can ask without a whole snapshot). */
type ApiServerView = {
  readonly kubernetes: Pick<Snapshot['kubernetes'], 'services' | 'kubernetesEndpointSlices'>;
};

/** `default/kubernetes`: the Service the mirror copies. */
const kubernetesService = (snapshot: ApiServerView): V1Service | undefined =>
  snapshot.kubernetes.services.find(
    (s) => s.metadata?.namespace === 'default' && s.metadata.name === 'kubernetes',
  );

/** The kube-apiserver port: the `targetPort` of `default/kubernetes`, else its endpoints' port. */
export function apiServerTargetPort(snapshot: ApiServerView): number | undefined {
  const target = kubernetesService(snapshot)?.spec?.ports?.[0]?.targetPort;
  if (typeof target === 'number') return target;
  return snapshot.kubernetes.kubernetesEndpointSlices.flatMap((s) => s.ports ?? [])[0]?.port;
}

/** The port probed and mirrored: the configured one, else the kube-apiserver's. */
export function eipPort(snapshot: Snapshot): number | undefined {
  const configured = snapshot.settings.apiServerPort;
  return configured === 0 ? apiServerTargetPort(snapshot) : configured;
}

/** The reservations carrying the EIP tag (exactly one is wanted). */
export const taggedEips = (snapshot: Snapshot): Reservation[] =>
  snapshot.metal.reservations.filter((r) => r.tags.includes(snapshot.settings.eipTag));

/** The device the EIP is assigned to. */
export const holderOf = (eip: Reservation): DeviceId | undefined =>
  eip.assignments.find((a) => a.deviceId !== undefined)?.deviceId;
