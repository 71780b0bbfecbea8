import type { V1Node } from '@kubernetes/client-node';
import { matchesLabels } from '../../model/label-selector.ts';
import { nodeMarks } from '../../model/marks/node.ts';
import type { BgpNeighbor } from '../../model/metal.ts';
import { byAddress, byText } from '../../model/order.ts';
import type { Sensitive } from '../../model/sensitive.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import type { NodeDevice } from './devices.ts';

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
export function nodePeers(snapshot: Snapshot, deviceOf: (node: V1Node) => NodeDevice): NodePeer[] {
  const { settings } = snapshot;
  return [...snapshot.kubernetes.nodes]
    .sort((a, b) => byText(a.metadata?.name ?? '', b.metadata?.name ?? ''))
    .flatMap((node) => {
      if (!matchesLabels(settings.bgpNodeSelector, node.metadata?.labels)) return [];
      const found = deviceOf(node);
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
