import { byAddress, byText } from '../../model/order.ts';
import type { V1Node } from '@kubernetes/client-node';
import { annotationPointer, withAnnotations } from '../support/annotations.ts';
import type { AnnotationNames } from '../../model/settings.ts';
import type { Desired, MetalIntent, ObjectIntent } from '../../model/desired.ts';
import { refOf } from '../../model/kubernetes.ts';
import { matchesLabels } from '../../model/label-selector.ts';
import type { BgpNeighbor, Device } from '../../model/metal.ts';
import type { Sensitive } from '../../model/sensitive.ts';
import type { Warning } from '../../model/plan.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { findDevice } from '../nodes/match.ts';
import { events, type EventReason } from '../../model/marks/events.ts';
import { isPerPeerAnnotation, nodeMarks, perPeerAnnotation } from '../../model/marks/node.ts';

export const projectBgpKey = 'project-bgp';

/** Every annotation name the BGP planner writes, so it can take back what it no longer wants. */
function ownedAnnotation(names: AnnotationNames): (name: string) => boolean {
  const fixed = new Set([
    names.localASN,
    names.peerASNs,
    names.peerIPs,
    names.srcIP,
    names.bgpPass,
    names.networkIPv4Private,
  ]);
  return (name) => fixed.has(name) || isPerPeerAnnotation(name);
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
  const out: Record<string, string> = {
    [names.localASN]: String(first.customerAs),
    [names.peerASNs]: peerAsns.join(','),
    [names.peerIPs]: peers.join(','),
    [names.srcIP]: first.customerIp,
    ...(encoded === undefined ? {} : { [names.bgpPass]: encoded }),
    ...(network === undefined ? {} : { [names.networkIPv4Private]: network }),
  };
  peers.forEach((ip, n) => {
    const neighbor = neighbors.find((x) => x.peerIps.includes(ip)) ?? first;
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
  return Object.keys(annotations)
    .filter((name) => name === names.bgpPass || name.endsWith('-bgp-pass'))
    .map(annotationPointer);
}

/** One BGP peering of a node: what a BGP speaker on it needs to open a session to one router. */
export interface NodePeer {
  readonly node: V1Node;
  /** The node's `kubernetes.io/hostname` label (its name when the label is absent). */
  readonly hostname: string;
  readonly index: number;
  readonly myAsn: number;
  readonly peerAsn: number;
  readonly peerAddress: string;
  readonly sourceAddress: string;
  readonly multihop: boolean;
  readonly password?: Sensitive;
}

/** Every (node, peer IP) of the nodes the BGP node selector picks whose neighbours are known. */
export function nodePeers(snapshot: Snapshot): NodePeer[] {
  const { settings } = snapshot;
  return [...snapshot.kubernetes.nodes]
    .sort((a, b) => byText(a.metadata?.name ?? '', b.metadata?.name ?? ''))
    .flatMap((node) => {
      if (!matchesLabels(settings.bgpNodeSelector, node.metadata?.labels)) return [];
      const found = findDevice(node, snapshot);
      if (found.kind !== 'matched' || found.device.state !== 'active') return [];
      const neighbors = found.device.bgpNeighbors?.filter((n) => n.addressFamily === 4) ?? [];
      const peers = [...new Set(neighbors.flatMap((n) => n.peerIps))].sort(byAddress);
      const name = node.metadata?.name ?? '';
      return peers.map((ip, index): NodePeer => {
        // Every peer IP came from a neighbour, so the find cannot miss.
        const n = neighbors.find((x) => x.peerIps.includes(ip)) as BgpNeighbor;
        return {
          node,
          hostname: node.metadata?.labels?.[nodeMarks.hostname.key] ?? name,
          index,
          myAsn: n.customerAs,
          peerAsn: n.peerAs,
          peerAddress: ip,
          sourceAddress: n.customerIp,
          multihop: n.multihop,
          ...(n.md5Password === undefined ? {} : { password: n.md5Password }),
        };
      });
    });
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

/**
 * BGP for a load balancer: enabled on the project, a session on the device of every node the BGP
 * node selector picks (asked for only when the project's session list lacks it), and the device's
 * BGP facts written on its Node; taken back from nodes that leave the selector.
 */
export function planBgp(snapshot: Snapshot): Desired {
  const { settings } = snapshot;
  if (settings.loadBalancer.kind === 'none') return { objects: [], metal: [], warnings: [] };
  const names = settings.annotations;
  const owned = ownedAnnotation(names);
  const project = projectBgp(snapshot);
  const metal: MetalIntent[] = project === undefined ? [] : [project];
  const objects: ObjectIntent[] = [];
  const warnings: Warning[] = [];
  const withSession = new Set(
    snapshot.metal.bgpSessions.filter((s) => s.addressFamily === 'ipv4').map((s) => s.deviceId),
  );

  for (const node of snapshot.kubernetes.nodes) {
    const ref = refOf(node);
    const annotate = (wanted: Record<string, string>, reason: string, event: EventReason): void => {
      const desired = withAnnotations<V1Node>(node, wanted, owned);
      if (desired !== node) {
        objects.push({
          area: 'bgp',
          observed: node,
          desired,
          reasons: [reason],
          event,
          sensitivePaths: sensitivePaths({ ...node.metadata?.annotations, ...wanted }, names),
        });
      }
    };
    if (!matchesLabels(settings.bgpNodeSelector, node.metadata?.labels)) {
      annotate(
        {},
        `Node is outside the BGP node selector "${settings.bgpNodeSelector.source}"`,
        events.BgpAnnotationsRemoved,
      );
      continue;
    }
    const found = findDevice(node, snapshot);
    if (found.kind !== 'matched' || found.device.state !== 'active') continue;
    const { device } = found;
    if (!withSession.has(device.id)) {
      metal.push({
        area: 'bgp',
        key: `bgp-session ${device.id}`,
        operation: 'create',
        target: `BGP session of device ${device.hostname} (${device.id})`,
        reasons: ['the device of a BGP node has no IPv4 session'],
        event: events.BgpSessionCreated,
        regarding: ref,
        ...(project === undefined ? {} : { after: [projectBgpKey] }),
        request: {
          operation: 'createBgpSession',
          method: 'POST',
          path: `/devices/${device.id}/bgp/sessions`,
          body: { address_family: 'ipv4' },
        },
      });
      continue;
    }
    const neighbors = device.bgpNeighbors?.filter((n) => n.addressFamily === 4);
    if (neighbors === undefined || neighbors.length === 0) continue; // not known yet: wait, take nothing away
    annotate(
      bgpAnnotations(device, neighbors, names),
      `describe the BGP peering of device ${device.hostname} (${device.id})`,
      events.BgpAnnotated,
    );
  }
  return { objects, metal, warnings };
}
