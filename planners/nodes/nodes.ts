import type { V1Node, V1Taint } from '@kubernetes/client-node';
import { produce } from 'immer';
import type { Desired, ObjectIntent } from '../../model/desired.ts';
import { sameJson } from '../../model/json.ts';
import { isNodeReady } from '../../model/kubernetes.ts';
import type { Device } from '../../model/metal.ts';
import type { Warning } from '../../model/plan.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { nodeAddresses } from './addresses.ts';
import { factsOf, type Facts } from '../facts/facts.ts';
import { providerIdOf } from '../../model/provider-id.ts';
import { events } from '../../model/marks/events.ts';
import { nodeMarks } from '../../model/marks/node.ts';
import { Settled } from '../settled.ts';

const uninitializedTaint = nodeMarks.uninitialized.key;
const shutdownTaint = nodeMarks.shutdown.key;

function hasTaint(node: V1Node, key: string): boolean {
  return node.spec?.taints?.some((t) => t.key === key) ?? false;
}

/** The taints a Node should have: ours set as the device says, everybody else's untouched. */
function desiredTaints(node: V1Node, device: Device): V1Taint[] {
  const others = (node.spec?.taints ?? []).filter(
    (t) => t.key !== uninitializedTaint && t.key !== shutdownTaint,
  );
  const existingShutdown = node.spec?.taints?.find((t) => t.key === shutdownTaint);
  if (device.state !== 'inactive') return others;
  return [...others, existingShutdown ?? { key: shutdownTaint, effect: nodeMarks.shutdown.value }];
}

/** A Node's topology labels, and beside them the deprecated ones the cloud-node controller writes. */
function wantedLabels(device: Device): [string, string | undefined][] {
  return [
    [nodeMarks.region.key, device.metro],
    [nodeMarks.zone.key, device.facility],
    [nodeMarks.instanceType.key, device.planSlug],
    [nodeMarks.regionDeprecated.key, device.metro],
    [nodeMarks.zoneDeprecated.key, device.facility],
    [nodeMarks.instanceTypeDeprecated.key, device.planSlug],
  ];
}

/** The Node as its device says, or the Node itself when it is so already (no draft: most loops). */
function followDevice(node: V1Node, device: Device): V1Node {
  const taints = desiredTaints(node, device);
  const addresses = nodeAddresses(device);
  const labels = wantedLabels(device).filter(
    (l): l is [string, string] => l[1] !== undefined && node.metadata?.labels?.[l[0]] !== l[1],
  );
  const providerId = (node.spec?.providerID ?? '') === '';
  const taintsChange = !sameJson(node.spec?.taints ?? [], taints);
  const addressesChange = !sameJson(node.status?.addresses, addresses);
  if (!providerId && labels.length === 0 && !taintsChange && !addressesChange) return node;
  return produce(node, (draft) => {
    draft.spec ??= {};
    if (providerId) draft.spec.providerID = providerIdOf(device.id);
    if (labels.length > 0) {
      draft.metadata ??= {};
      draft.metadata.labels = { ...draft.metadata.labels, ...Object.fromEntries(labels) };
    }
    if (taintsChange) {
      if (taints.length === 0) delete draft.spec.taints;
      else draft.spec.taints = taints;
    }
    if (addressesChange) {
      draft.status ??= {};
      draft.status.addresses = addresses;
    }
  });
}

function initialiseNode(node: V1Node, device: Device, by: string): ObjectIntent | undefined {
  const desired = followDevice(node, device);
  if (desired === node) return undefined;
  const deviceName = `device ${device.hostname} (${device.id})`;
  const reasons: string[] = [];
  const uninitialised = (node.spec?.providerID ?? '') === '' || hasTaint(node, uninitializedTaint);
  if (uninitialised) reasons.push(`initialise from ${deviceName}, found by ${by}`);
  const wasShutdown = hasTaint(node, shutdownTaint);
  if (device.state === 'inactive' && !wasShutdown)
    reasons.push(`${deviceName} is inactive (shut down)`);
  if (device.state !== 'inactive' && wasShutdown)
    reasons.push(`${deviceName} is ${device.state} again`);
  if (reasons.length === 0) reasons.push(`follow ${deviceName}: its addresses or location changed`);
  const event = uninitialised
    ? events.NodeInitialized
    : device.state === 'inactive' && !wasShutdown
      ? events.NodeShutdown
      : events.NodeSynced;
  return { area: 'nodes', observed: node, desired, reasons, event };
}

function nodeSubject(node: V1Node): string {
  return `Node ${node.metadata?.name ?? '(unnamed)'}`;
}

/** Nodes that follow their device already, and the device they were compared with. */
const following = new Settled<V1Node>();

/**
 * Nodes follow their devices: initialised (provider ID, addresses, topology labels, taint removed),
 * tainted while the device is shut down, and deleted once the device is gone.
 */
export function planNodes(
  snapshot: Snapshot,
  facts: Facts = factsOf(snapshot),
): Pick<Desired, 'objects' | 'warnings'> {
  const objects: ObjectIntent[] = [];
  const warnings: Warning[] = [];
  for (const node of snapshot.kubernetes.nodes) {
    const found = facts.deviceOf(node);
    const subject = nodeSubject(node);
    if (found.kind === 'unknown') {
      warnings.push({ area: 'nodes', subject, message: found.message });
    } else if (found.kind === 'matched') {
      if (following.has(node, [found])) continue;
      const intent = initialiseNode(node, found.device, found.by);
      following.remember(node, [found], intent === undefined);
      if (intent !== undefined) objects.push(intent);
    } else if (!snapshot.metal.complete) {
      warnings.push({
        area: 'nodes',
        subject,
        message: `device ${found.deviceId} is not among the observed devices, but the Metal observation is incomplete; not deleted`,
      });
    } else if (isNodeReady(node)) {
      warnings.push({
        area: 'nodes',
        subject,
        message: `device ${found.deviceId} no longer exists, but the Node is still Ready; not deleted until it is not`,
      });
    } else {
      objects.push({
        area: 'nodes',
        observed: node,
        reasons: [`device ${found.deviceId} no longer exists in the project`],
        event: events.NodeDeleted,
      });
    }
  }
  return { objects, warnings };
}
