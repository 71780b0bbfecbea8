import { byText } from '../../model/order.ts';
import type { V1EndpointSlice, V1Node, V1Service } from '@kubernetes/client-node';
import { produce } from 'immer';
import { controlPlaneMarks, mirrorService } from '../../model/marks/control-plane.ts';
import type { AppliedIntent, Desired, MetalIntent, ObjectIntent } from '../../model/desired.ts';
import type { DeviceId } from '../../model/ids.ts';
import { hasOnlyIngress, isNodeReady, namespaceRef } from '../../model/kubernetes.ts';
import type { Device, Reservation } from '../../model/metal.ts';
import type { Warning } from '../../model/plan.ts';
import type { ProbeResult, Snapshot } from '../../model/snapshot.ts';
import { findDevice } from '../nodes/match.ts';
import { events, type EventReason } from '../../model/marks/events.ts';

/** A control-plane node: an endpoint of `default/kubernetes`, its device and its Node. */
export interface ControlPlaneMember {
  readonly address: string;
  readonly device?: Device;
  readonly node?: V1Node;
}

const kubeSystem = namespaceRef('kube-system');

/** `default/kubernetes`: the Service the mirror copies. */
const kubernetesService = (snapshot: Snapshot): V1Service | undefined =>
  snapshot.kubernetes.services.find(
    (s) => s.metadata?.namespace === 'default' && s.metadata.name === 'kubernetes',
  );

/** The kube-apiserver port: the `targetPort` of `default/kubernetes`, else its endpoints' port. */
function apiServerTargetPort(snapshot: Snapshot): number | undefined {
  const target = kubernetesService(snapshot)?.spec?.ports?.[0]?.targetPort;
  if (typeof target === 'number') return target;
  return snapshot.kubernetes.kubernetesEndpointSlices.flatMap((s) => s.ports ?? [])[0]?.port;
}

/** The port probed and mirrored: the configured one, else the kube-apiserver's. */
function eipPort(snapshot: Snapshot): number | undefined {
  const configured = snapshot.settings.apiServerPort;
  return configured === 0 ? apiServerTargetPort(snapshot) : configured;
}

/** The IPv4 endpoints of `default/kubernetes` not marked unready, one per address, in its order. */
function controlPlaneEndpoints(snapshot: Snapshot): NonNullable<V1EndpointSlice['endpoints']> {
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
export function controlPlaneMembers(snapshot: Snapshot): ControlPlaneMember[] {
  const nodeOf = new Map<DeviceId, V1Node>();
  for (const node of snapshot.kubernetes.nodes) {
    const found = findDevice(node, snapshot);
    if (found.kind === 'matched') nodeOf.set(found.device.id, node);
  }
  return controlPlaneEndpoints(snapshot)
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

/** The reservations carrying the EIP tag (exactly one is wanted). */
const taggedEips = (snapshot: Snapshot): Reservation[] =>
  snapshot.metal.reservations.filter((r) => r.tags.includes(snapshot.settings.eipTag));

const holderOf = (eip: Reservation): DeviceId | undefined =>
  eip.assignments.find((a) => a.deviceId !== undefined)?.deviceId;

/**
 * What the prober should look at: the EIP (with the device that holds it, so a move starts its
 * count afresh) and every control-plane node, on the EIP's port.
 */
export function probeTargets(
  snapshot: Snapshot,
): { address: string; port: number; holder?: string }[] {
  const port = eipPort(snapshot);
  if (snapshot.settings.eipTag === '' || port === undefined) return [];
  const [eip, ...others] = taggedEips(snapshot);
  const holder = eip === undefined ? undefined : holderOf(eip);
  const nodes = [...new Set(controlPlaneMembers(snapshot).map((m) => m.address))];
  return [
    ...(eip?.address !== undefined && holder !== undefined && others.length === 0
      ? [{ address: eip.address, port, holder }]
      : []),
    ...nodes.map((address) => ({ address, port })),
  ];
}

const probeOf = (
  snapshot: Snapshot,
  address: string,
  port: number,
  holder?: string,
): ProbeResult | undefined =>
  snapshot.probes.find((p) => p.address === address && p.port === port && p.holder === holder);

/** Healthy enough to hold the EIP: its Node is Ready and its own `/healthz` answered 200 last. */
function healthy(snapshot: Snapshot, member: ControlPlaneMember, port: number): boolean {
  return (
    member.device !== undefined &&
    member.node !== undefined &&
    isNodeReady(member.node) &&
    probeOf(snapshot, member.address, port)?.ok === true
  );
}

function describeProbe(probe: ProbeResult | undefined): string {
  if (probe === undefined) return 'not probed yet';
  return probe.ok
    ? 'answers 200'
    : `${String(probe.consecutiveFailures)} failed ${probe.consecutiveFailures === 1 ? 'probe' : 'probes in a row'}: ${probe.error ?? `status ${String(probe.status)}`}`;
}

interface Placement {
  readonly metal: MetalIntent[];
  readonly warnings: Warning[];
}

/** Where the EIP should be: left where it is while healthy, moved only to a healthy node. */
function placeEip(
  snapshot: Snapshot,
  eip: Reservation & { address: string },
  port: number,
): Placement {
  const members = controlPlaneMembers(snapshot);
  const holderId = holderOf(eip);
  const holder = members.find((m) => m.device?.id === holderId);
  const subject = `control-plane Elastic IP ${eip.address}`;
  const warn = (message: string, event: EventReason): Placement => ({
    metal: [],
    warnings: [{ area: 'control-plane', subject, message, regarding: kubeSystem, event }],
  });

  // Its health: probed through the EIP, or (host-IP mode) on the node that holds it.
  const eipProbe = snapshot.settings.eipHealthCheckUseHostIP
    ? holder === undefined
      ? undefined
      : probeOf(snapshot, holder.address, port)
    : holderId === undefined
      ? undefined
      : probeOf(snapshot, eip.address, port, holderId);
  const threshold = snapshot.settings.eipHealthCheckFailures;
  const failing = (eipProbe?.consecutiveFailures ?? 0) >= threshold;
  if (holderId !== undefined && !failing) return { metal: [], warnings: [] };

  const target = members.find((m) => m.device?.id !== holderId && healthy(snapshot, m, port));
  if (target?.device === undefined) {
    const states = members
      .map(
        (m) =>
          `${m.node?.metadata?.name ?? m.address}: ${describeProbe(probeOf(snapshot, m.address, port))}`,
      )
      .join('; ');
    return warn(
      holderId === undefined
        ? `unassigned, and no healthy control-plane node to hold it (${states || 'no endpoints of default/kubernetes'})`
        : `failing (${describeProbe(eipProbe)}), but no other control-plane node is healthy; left where it is (${states || 'no endpoints of default/kubernetes'})`,
      events.ControlPlaneElasticIPUnplaced,
    );
  }
  const to = target.node?.metadata?.name ?? target.address;
  const moving = holderId === undefined ? 'unassigned' : `failing (${describeProbe(eipProbe)})`;
  const unassign: MetalIntent[] = eip.assignments.map((a) => ({
    area: 'control-plane',
    key: `eip-assignment:${a.id}`,
    operation: 'delete',
    target: `assignment of ${subject} to ${
      holder?.node?.metadata?.name === undefined
        ? `device ${String(a.deviceId)}`
        : `Node ${holder.node.metadata.name}`
    }`,
    reasons: [`the Elastic IP is ${moving}; it moves to Node ${to}`],
    event: events.ControlPlaneElasticIPUnassigned,
    regarding: kubeSystem,
    request: { operation: 'deleteIPAddress', method: 'DELETE', path: `/ips/${a.id}` },
  }));
  const assign: MetalIntent = {
    area: 'control-plane',
    key: `eip-assign:${eip.id}`,
    operation: 'create',
    target: `assignment of ${subject} to Node ${to}`,
    reasons: [`the Elastic IP is ${moving}; Node ${to} is Ready and its /healthz answers 200`],
    event: events.ControlPlaneElasticIPAssigned,
    regarding: kubeSystem,
    after: unassign.map((u) => u.key),
    request: {
      operation: 'createIPAssignment',
      method: 'POST',
      path: `/devices/${target.device.id}/ips`,
      body: { address: `${eip.address}/32` },
    },
  };
  return { metal: [...unassign, assign], warnings: [] };
}

/** The mirror Service: type LoadBalancer on the EIP, MetalLB kept off, `default/kubernetes`'s ports. */
function mirrorServiceIntent(
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
function mirrorSliceIntent(snapshot: Snapshot, targetPort: number): AppliedIntent {
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
    endpoints: controlPlaneEndpoints(snapshot).map((e) => ({
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

/**
 * The control-plane Elastic IP (`eipTag`): on a healthy control-plane node, moved only after
 * `eipHealthCheckFailures` failed probes in a row and only to a node that is Ready and answers
 * `/healthz`; and `default/kubernetes` mirrored on it in kube-system. Exactly one reservation may
 * carry the tag; otherwise nothing moves.
 */
export function planControlPlane(snapshot: Snapshot): Desired {
  const none: Desired = { objects: [], metal: [], warnings: [] };
  const { eipTag } = snapshot.settings;
  if (eipTag === '') return none;
  const problem = (message: string, event: EventReason): Desired => ({
    ...none,
    warnings: [
      {
        area: 'control-plane',
        subject: `control-plane Elastic IP (tag ${eipTag})`,
        message,
        regarding: kubeSystem,
        event,
      },
    ],
  });
  const tagged = taggedEips(snapshot);
  const [eip] = tagged;
  if (eip === undefined)
    return problem(
      `no reservation in the project has the tag ${eipTag}; nothing done`,
      events.ControlPlaneElasticIPMissing,
    );
  if (tagged.length > 1)
    return problem(
      `${String(tagged.length)} reservations have the tag ${eipTag} (${tagged.map((r) => r.address ?? r.id).join(', ')}); exactly one must, so nothing is moved`,
      events.ControlPlaneElasticIPAmbiguous,
    );
  if (eip.address === undefined || eip.state !== 'created')
    return problem(
      `reservation ${eip.id} is ${eip.state}; waiting for it`,
      events.ControlPlaneElasticIPPending,
    );
  const targetPort = apiServerTargetPort(snapshot);
  const port = eipPort(snapshot);
  if (targetPort === undefined || port === undefined)
    return problem(
      'default/kubernetes has no port (neither the Service nor its EndpointSlices); nothing done',
      events.ControlPlaneElasticIPNoPort,
    );
  const placement = placeEip(snapshot, { ...eip, address: eip.address }, port);
  return {
    objects: [mirrorServiceIntent(snapshot, eip.address, port, targetPort)],
    applied: [mirrorSliceIntent(snapshot, targetPort)],
    metal: placement.metal,
    warnings: placement.warnings,
  };
}
