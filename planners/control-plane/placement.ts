import type { MetalIntent } from '../../model/desired.ts';
import { events } from '../../model/marks/events.ts';
import type { Reservation } from '../../model/metal.ts';
import type { Warning } from '../../model/plan.ts';
import type { ProbeResult, Snapshot } from '../../model/snapshot.ts';
import type { ControlPlaneMember } from '../facts/control-plane-members.ts';
import { holderOf, kubeSystem } from './eip.ts';
import { describeMembers, describeProbe, healthy, probeOf } from './health.ts';

type Eip = Reservation & { readonly address: string };

export interface Placement {
  readonly metal: MetalIntent[];
  readonly warnings: Warning[];
}

const subjectOf = (eip: Eip): string => `control-plane Elastic IP ${eip.address}`;

/** The EIP's health: probed through the EIP, or (host-IP mode) on the node that holds it. */
function eipProbe(
  snapshot: Snapshot,
  eip: Eip,
  holder: ControlPlaneMember | undefined,
  port: number,
): ProbeResult | undefined {
  const holderId = holderOf(eip);
  if (snapshot.settings.eipHealthCheckUseHostIP)
    return holder === undefined ? undefined : probeOf(snapshot, holder.address, port);
  return holderId === undefined ? undefined : probeOf(snapshot, eip.address, port, holderId);
}

/** Unassign from wherever it is, then assign to `target`: two Metal calls, in that order. */
function move(
  eip: Eip,
  holder: ControlPlaneMember | undefined,
  target: ControlPlaneMember & { readonly device: NonNullable<ControlPlaneMember['device']> },
  moving: string,
): MetalIntent[] {
  const to = target.node?.metadata?.name ?? target.address;
  const from = (deviceId: string | undefined): string =>
    holder?.node?.metadata?.name === undefined
      ? `device ${String(deviceId)}`
      : `Node ${holder.node.metadata.name}`;
  const unassign: MetalIntent[] = eip.assignments.map((a) => ({
    area: 'control-plane',
    key: `eip-assignment:${a.id}`,
    operation: 'delete',
    target: `assignment of ${subjectOf(eip)} to ${from(a.deviceId)}`,
    reasons: [`the Elastic IP is ${moving}; it moves to Node ${to}`],
    event: events.ControlPlaneElasticIPUnassigned,
    regarding: kubeSystem,
    request: { operation: 'deleteIPAddress', method: 'DELETE', path: `/ips/${a.id}` },
  }));
  const assign: MetalIntent = {
    area: 'control-plane',
    key: `eip-assign:${eip.id}`,
    operation: 'create',
    target: `assignment of ${subjectOf(eip)} to Node ${to}`,
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
  return [...unassign, assign];
}

/** Where the EIP should be: left where it is while healthy, moved only to a healthy node. */
export function placeEip(
  snapshot: Snapshot,
  members: readonly ControlPlaneMember[],
  eip: Eip,
  port: number,
): Placement {
  const holderId = holderOf(eip);
  const holder = members.find((m) => m.device?.id === holderId);
  const probe = eipProbe(snapshot, eip, holder, port);
  const failing = (probe?.consecutiveFailures ?? 0) >= snapshot.settings.eipHealthCheckFailures;
  if (holderId !== undefined && !failing) return { metal: [], warnings: [] };
  const target = members.find((m) => m.device?.id !== holderId && healthy(snapshot, m, port));
  if (target?.device === undefined) {
    const states = describeMembers(snapshot, members, port);
    const message =
      holderId === undefined
        ? `unassigned, and no healthy control-plane node to hold it (${states})`
        : `failing (${describeProbe(probe)}), but no other control-plane node is healthy; left where it is (${states})`;
    const warning: Warning = {
      area: 'control-plane',
      subject: subjectOf(eip),
      message,
      regarding: kubeSystem,
      event: events.ControlPlaneElasticIPUnplaced,
    };
    return { metal: [], warnings: [warning] };
  }
  const moving = holderId === undefined ? 'unassigned' : `failing (${describeProbe(probe)})`;
  return { metal: move(eip, holder, { ...target, device: target.device }, moving), warnings: [] };
}
