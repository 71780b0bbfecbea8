import { byAddress } from '../../model/order.ts';
import type { V1Node } from '@kubernetes/client-node';
import { annotationPointer, withAnnotations } from './node-annotations.ts';
import type { AnnotationNames } from '../../model/settings.ts';
import type { Desired, MetalIntent, ObjectIntent } from '../../model/desired.ts';
import { refOf } from '../../model/kubernetes.ts';
import { matchesLabels } from '../../model/label-selector.ts';
import type { BgpNeighbor, BgpSession, Device } from '../../model/metal.ts';
import type { Warning } from '../../model/plan.ts';
import { planSessionCondition, withoutSessionCondition } from './session-condition.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { factsOf, type Facts } from '../facts/facts.ts';
import { events, type EventReason } from '../../model/marks/events.ts';
import {
  fromTemplate,
  isPerPeerAnnotation,
  isTemplate,
  perPeerAnnotation,
  templatePattern,
} from '../../model/marks/node.ts';

export const projectBgpKey = 'project-bgp';

/** Every annotation name the BGP planner writes, so it can take back what it no longer wants. */
function ownedAnnotation(names: AnnotationNames): (name: string) => boolean {
  // Asked for every Node on every loop, of the same settings: its set and patterns are made once.
  let owned = ownedBy.get(names);
  if (owned === undefined) ownedBy.set(names, (owned = ownedAnnotationOf(names)));
  return owned;
}
const ownedBy = new WeakMap<AnnotationNames, (name: string) => boolean>();

function ownedAnnotationOf(names: AnnotationNames): (name: string) => boolean {
  const configured = [
    names.localASN,
    names.peerASNs,
    names.peerIPs,
    names.srcIP,
    names.bgpPass,
    names.networkIPv4Private,
  ];
  const fixed = new Set(configured.filter((n) => !isTemplate(n)));
  const patterns = configured.filter(isTemplate).map(templatePattern);
  return (name) =>
    fixed.has(name) || isPerPeerAnnotation(name) || patterns.some((p) => p.test(name));
}

/** The CIDR of the project's private network the device is part of. */
function privateNetwork(device: Device): string | undefined {
  const own = device.addresses.find(
    (a) => a.family === 4 && !a.public && a.management && a.parentBlock !== undefined,
  );
  return own?.parentBlock === undefined
    ? undefined
    : `${own.parentBlock.network}/${String(own.parentBlock.cidr)}`;
}

/** The BGP facts of a device as node annotations, in the README's form and the per-peer form. */
function bgpAnnotations(
  device: Device,
  neighbors: readonly BgpNeighbor[],
  names: AnnotationNames,
): Record<string, string> {
  const [first] = neighbors;
  if (first === undefined) return {};
  const peers = [...new Set(neighbors.flatMap((n) => n.peerIps))].sort(byAddress);
  const peerAsns = [...new Set(neighbors.map((n) => String(n.peerAs)))].sort(byAddress);
  const password = first.md5Password?.reveal();
  const encoded = password === undefined ? undefined : Buffer.from(password).toString('base64');
  const network = privateNetwork(device);
  const readme: [string, string | undefined][] = [
    [names.localASN, String(first.customerAs)],
    [names.peerASNs, peerAsns.join(',')],
    [names.peerIPs, peers.join(',')],
    [names.srcIP, first.customerIp],
    [names.bgpPass, encoded],
    [names.networkIPv4Private, network],
  ];
  const out: Record<string, string> = Object.fromEntries(
    readme.filter((e): e is [string, string] => e[1] !== undefined && !isTemplate(e[0])),
  );
  peers.forEach((ip, n) => {
    const neighbor = neighbors.find((x) => x.peerIps.includes(ip)) ?? first;
    const templated: [string, string | undefined][] = [
      [names.localASN, String(neighbor.customerAs)],
      [names.peerASNs, String(neighbor.peerAs)],
      [names.peerIPs, ip],
      [names.srcIP, neighbor.customerIp],
      [names.bgpPass, encoded],
    ];
    for (const [template, value] of templated)
      if (isTemplate(template) && value !== undefined) out[fromTemplate(template, n)] = value;
    out[perPeerAnnotation(n, 'node-asn')] = String(neighbor.customerAs);
    out[perPeerAnnotation(n, 'peer-asn')] = String(neighbor.peerAs);
    out[perPeerAnnotation(n, 'peer-ip')] = ip;
    out[perPeerAnnotation(n, 'src-ip')] = neighbor.customerIp;
    out[perPeerAnnotation(n, 'peer-multi-hop')] = String(neighbor.multihop);
    if (encoded !== undefined) out[perPeerAnnotation(n, 'bgp-pass')] = encoded;
  });
  return out;
}

/** Wherever a secret goes: the README-form password and every per-peer one. */
function sensitivePaths(
  annotations: Readonly<Record<string, string>>,
  names: AnnotationNames,
): string[] {
  const templated = isTemplate(names.bgpPass) ? templatePattern(names.bgpPass) : undefined;
  return Object.keys(annotations)
    .filter(
      (name) =>
        name === names.bgpPass || name.endsWith('-bgp-pass') || templated?.test(name) === true,
    )
    .map(annotationPointer);
}

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
    const planned = planNode(snapshot, facts, node, sessions, project !== undefined);
    for (const intent of planned.intents) {
      if ('request' in intent) metal.push(intent);
      else objects.push(intent);
    }
    warnings.push(...planned.warnings);
  }
  return { objects, metal, warnings };
}
