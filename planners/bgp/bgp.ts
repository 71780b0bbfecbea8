import type { V1Node } from '@kubernetes/client-node';
import { withAnnotations } from './node-annotations.ts';
import type { AnnotationNames } from '../../model/settings.ts';
import type { Desired, MetalIntent, ObjectIntent } from '../../model/desired.ts';
import { refOf } from '../../model/kubernetes.ts';
import { matchesLabels } from '../../model/label-selector.ts';
import type { BgpSession, Device } from '../../model/metal.ts';
import type { Warning } from '../../model/plan.ts';
import { planSessionCondition, withoutSessionCondition } from './session-condition.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { factsOf, type Facts } from '../facts/facts.ts';
import { events, type EventReason } from '../../model/marks/events.ts';
import { bgpAnnotations, ownedAnnotation, sensitivePaths } from './peering-annotations.ts';
import { Settled } from '../settled.ts';

export const projectBgpKey = 'project-bgp';

function projectBgp(snapshot: Snapshot): MetalIntent | undefined {
  const config = snapshot.metal.bgpConfig;
  if (config?.id !== undefined && config.status !== 'disabled') return undefined;
  const { settings } = snapshot;
  const project = settings.projectID;
  return {
    area: 'bgp',
    key: projectBgpKey,
    operation: 'create',
    target: `BGP of project ${project}`,
    reasons: [
      config?.status === 'disabled'
        ? 'BGP is disabled on the project and a load balancer needs it'
        : 'a load balancer needs BGP and the project has none',
    ],
    event: events.ProjectBgpEnabled,
    request: {
      operation: 'requestBgpConfig',
      method: 'POST',
      path: `/projects/${project}/bgp-configs`,
      body: {
        deployment_type: 'local',
        asn: settings.localASN,
        ...(settings.bgpPass === undefined ? {} : { md5: settings.bgpPass }),
        use_case: 'kubernetes-load-balancer',
      },
    },
  };
}

/** An IPv4 BGP session for the device of a BGP node (after BGP is enabled on the project). */
function sessionIntent(device: Device, node: V1Node, afterProject: boolean): MetalIntent {
  return {
    area: 'bgp',
    key: `bgp-session ${device.id}`,
    operation: 'create',
    target: `BGP session of device ${device.hostname} (${device.id})`,
    reasons: ['the device of a BGP node has no IPv4 session'],
    event: events.BgpSessionCreated,
    regarding: refOf(node),
    ...(afterProject ? { after: [projectBgpKey] } : {}),
    request: {
      operation: 'createBgpSession',
      method: 'POST',
      path: `/devices/${device.id}/bgp/sessions`,
      body: { address_family: 'ipv4' },
    },
  };
}

/** The Node with the BGP annotations it should have (the others it has left as they are). */
function annotate(
  node: V1Node,
  wanted: Record<string, string>,
  names: AnnotationNames,
  reason: string,
  event: EventReason,
): ObjectIntent | undefined {
  const desired = withAnnotations<V1Node>(node, wanted, ownedAnnotation(names));
  if (desired === node) return undefined;
  return {
    area: 'bgp',
    observed: node,
    desired,
    reasons: [reason],
    event,
    sensitivePaths: sensitivePaths({ ...node.metadata?.annotations, ...wanted }, names),
  };
}

type NodePlan = { readonly intents: (ObjectIntent | MetalIntent)[]; readonly warnings: Warning[] };

const only = (...intents: (ObjectIntent | MetalIntent | undefined)[]): NodePlan => ({
  intents: intents.filter((i) => i !== undefined),
  warnings: [],
});

/**
 * What one Node needs: its session, its annotations (or taken back), and the condition that says
 * whether its session is up.
 */
function planNode(
  snapshot: Snapshot,
  facts: Facts,
  node: V1Node,
  sessions: ReadonlyMap<string, BgpSession>,
  afterProject: boolean,
): NodePlan {
  const { settings } = snapshot;
  const names = settings.annotations;
  if (!matchesLabels(settings.bgpNodeSelector, node.metadata?.labels))
    return only(
      annotate(
        node,
        {},
        names,
        `Node is outside the BGP node selector "${settings.bgpNodeSelector.source}"`,
        events.BgpAnnotationsRemoved,
      ),
      withoutSessionCondition(node),
    );
  const found = facts.deviceOf(node);
  if (found.kind !== 'matched' || found.device.state !== 'active') return only();
  const { device } = found;
  const session = sessions.get(device.id);
  if (session === undefined) return only(sessionIntent(device, node, afterProject));
  const condition = planSessionCondition(node, device, session, snapshot.time);
  const neighbors = device.bgpNeighbors?.filter((n) => n.addressFamily === 4);
  // Neighbours not known yet: wait, take nothing away.
  const annotated =
    neighbors === undefined || neighbors.length === 0
      ? undefined
      : annotate(
          node,
          bgpAnnotations(device, neighbors, names),
          names,
          `describe the BGP peering of device ${device.hostname} (${device.id})`,
          events.BgpAnnotated,
        );
  return {
    intents: [annotated, condition.intent].filter((i) => i !== undefined),
    warnings: condition.warning === undefined ? [] : [condition.warning],
  };
}

/** Nodes whose peering is as wanted, and what it was planned from. */
const peered = new Settled<V1Node>();

/**
 * BGP for a load balancer: enabled on the project, a session on the device of every node the BGP
 * node selector picks (asked for only when the project's session list lacks it), the device's BGP
 * facts written on its Node (taken back from nodes that leave the selector), and whether its
 * session is up as the Node's condition.
 */
export function planBgp(snapshot: Snapshot, facts: Facts = factsOf(snapshot)): Desired {
  if (!facts.loadBalancer.bgp) return { objects: [], metal: [], warnings: [] };
  const project = projectBgp(snapshot);
  const metal: MetalIntent[] = project === undefined ? [] : [project];
  const objects: ObjectIntent[] = [];
  const warnings: Warning[] = [];
  const sessions = new Map(
    snapshot.metal.bgpSessions
      .filter((s) => s.addressFamily === 'ipv4')
      .map((s) => [s.deviceId, s]),
  );
  for (const node of snapshot.kubernetes.nodes) {
    // Everything planNode reads; the clock only when it writes a condition.
    const inputs = [
      snapshot.settings,
      facts.deviceOf(node),
      snapshot.metal.bgpSessions,
      project !== undefined,
    ];
    if (peered.has(node, inputs)) continue;
    const planned = planNode(snapshot, facts, node, sessions, project !== undefined);
    peered.remember(node, inputs, planned.intents.length + planned.warnings.length === 0);
    for (const intent of planned.intents) {
      if ('request' in intent) metal.push(intent);
      else objects.push(intent);
    }
    warnings.push(...planned.warnings);
  }
  return { objects, metal, warnings };
}
