import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { produce } from 'immer';
import type { AppliedIntent, ObjectIntent } from '../../model/desired.ts';
import { hasOnlyIngress } from '../../model/kubernetes.ts';
import { controlPlaneMarks, mirrorService } from '../../model/marks/control-plane.ts';
import { events } from '../../model/marks/events.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import type { Endpoint } from '../facts/control-plane-members.ts';

/** The mirror Service: type LoadBalancer on the EIP, MetalLB kept off, `default/kubernetes`'s ports. */
export function mirrorServiceIntent(
  snapshot: Snapshot,
  eip: string,
  port: number,
  targetPort: number,
): ObjectIntent {
  const observed = snapshot.kubernetes.services.find(
    (s) =>
      s.metadata?.namespace === mirrorService.namespace && s.metadata.name === mirrorService.name,
  );
  const base: V1Service = observed ?? {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: mirrorService.name, namespace: mirrorService.namespace },
  };
  const desired = produce(base, (d) => {
    d.metadata ??= {};
    const { metallbOff } = controlPlaneMarks;
    if (d.metadata.annotations?.[metallbOff.key] !== metallbOff.value)
      d.metadata.annotations = { ...d.metadata.annotations, [metallbOff.key]: metallbOff.value };
    d.spec ??= {};
    if (d.spec.type !== 'LoadBalancer') d.spec.type = 'LoadBalancer';
    if (d.spec.loadBalancerIP !== eip) d.spec.loadBalancerIP = eip;
    const [current, ...extra] = d.spec.ports ?? [];
    if (
      current?.name !== 'https' ||
      current.port !== port ||
      current.targetPort !== targetPort ||
      current.protocol !== 'TCP' ||
      extra.length > 0
    )
      // The node port the API server allocated stays: dropping it would allocate another.
      d.spec.ports = [
        {
          name: 'https',
          port,
          protocol: 'TCP',
          targetPort,
          ...(current?.nodePort === undefined ? {} : { nodePort: current.nodePort }),
        },
      ];
    if (!hasOnlyIngress(base, eip))
      d.status = { ...d.status, loadBalancer: { ingress: [{ ip: eip }] } };
  });
  const reasons = [`mirror default/kubernetes on the control-plane Elastic IP ${eip}`];
  return observed === undefined
    ? { area: 'control-plane', desired, reasons, event: events.ControlPlaneMirrorCreated }
    : {
        area: 'control-plane',
        observed,
        desired,
        reasons,
        event: events.ControlPlaneMirrorUpdated,
      };
}

/** The mirror's EndpointSlice: the endpoints of `default/kubernetes`, server-side applied. */
export function mirrorSliceIntent(
  snapshot: Snapshot,
  endpoints: readonly Endpoint[],
  targetPort: number,
): AppliedIntent {
  const observed = snapshot.kubernetes.mirrorEndpointSlices.find(
    (s) => s.metadata?.name === mirrorService.name,
  );
  const manifest: V1EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: mirrorService.name,
      namespace: mirrorService.namespace,
      labels: {
        [controlPlaneMarks.serviceName.key]: mirrorService.name,
        [controlPlaneMarks.sliceManager.key]: controlPlaneMarks.sliceManager.value,
      },
    },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: e.addresses,
      conditions: { ready: e.conditions?.ready ?? true },
    })),
    ports: [{ name: 'https', port: targetPort, protocol: 'TCP' }],
  };
  return {
    area: 'control-plane',
    ...(observed === undefined ? {} : { observed }),
    manifest,
    reasons: ['the endpoints of default/kubernetes, for the mirror Service'],
    event: events.ControlPlaneEndpointsApplied,
  };
}
