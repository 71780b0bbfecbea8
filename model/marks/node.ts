import { mark } from './mark.ts';

/** What the CCM reads and writes on Nodes. */
export const nodeMarks = {
  providerId: mark({
    kind: 'field',
    key: 'spec.providerID',
    value: 'equinixmetal://<device id>',
    on: 'Node',
    use: 'read and written',
    meaning: 'the Node’s device; the legacy `packet://<id>` and a bare device id are read too',
  }),
  region: mark({
    kind: 'label',
    key: 'topology.kubernetes.io/region',
    on: 'Node',
    use: 'written',
    meaning: 'the device’s metro',
  }),
  zone: mark({
    kind: 'label',
    key: 'topology.kubernetes.io/zone',
    on: 'Node',
    use: 'written',
    meaning: 'the device’s facility',
  }),
  instanceType: mark({
    kind: 'label',
    key: 'node.kubernetes.io/instance-type',
    on: 'Node',
    use: 'written',
    meaning: 'the device’s plan',
  }),
  regionDeprecated: mark({
    kind: 'label',
    key: 'failure-domain.beta.kubernetes.io/region',
    on: 'Node',
    use: 'written',
    meaning:
      'the device’s metro, under the deprecated name the cloud-node controller still writes (as the upstream CCM’s Nodes have it)',
  }),
  zoneDeprecated: mark({
    kind: 'label',
    key: 'failure-domain.beta.kubernetes.io/zone',
    on: 'Node',
    use: 'written',
    meaning: 'the device’s facility, under the deprecated name',
  }),
  instanceTypeDeprecated: mark({
    kind: 'label',
    key: 'beta.kubernetes.io/instance-type',
    on: 'Node',
    use: 'written',
    meaning: 'the device’s plan, under the deprecated name',
  }),
  hostname: mark({
    kind: 'label',
    key: 'kubernetes.io/hostname',
    on: 'Node',
    use: 'read',
    meaning: 'how MetalLB’s peers select the node (its name when the label is absent)',
  }),
  uninitialized: mark({
    kind: 'taint',
    key: 'node.cloudprovider.kubernetes.io/uninitialized',
    on: 'Node',
    use: 'read and written',
    meaning: 'removed once the Node is initialised from its device',
  }),
  shutdown: mark({
    kind: 'taint',
    key: 'node.cloudprovider.kubernetes.io/shutdown',
    value: 'NoSchedule',
    on: 'Node',
    use: 'written',
    meaning: 'while the device is inactive (powered off); removed when it is back',
  }),
  localAsn: mark({
    kind: 'annotation',
    key: 'metal.equinix.com/node-asn',
    on: 'Node',
    use: 'written',
    option: 'annotationLocalASN',
    meaning: 'the node’s BGP ASN',
  }),
  peerAsns: mark({
    kind: 'annotation',
    key: 'metal.equinix.com/peer-asn',
    on: 'Node',
    use: 'written',
    option: 'annotationPeerASNs',
    meaning: 'the BGP peers’ ASNs, comma-separated and sorted',
  }),
  peerIps: mark({
    kind: 'annotation',
    key: 'metal.equinix.com/peer-ip',
    on: 'Node',
    use: 'written',
    option: 'annotationPeerIPs',
    meaning: 'the BGP peers’ IPs, comma-separated and sorted',
  }),
  srcIp: mark({
    kind: 'annotation',
    key: 'metal.equinix.com/src-ip',
    on: 'Node',
    use: 'written',
    option: 'annotationSrcIP',
    meaning: 'the source IP of the node’s BGP peering',
  }),
  bgpPass: mark({
    kind: 'annotation',
    key: 'metal.equinix.com/bgp-pass',
    on: 'Node',
    use: 'written',
    option: 'annotationBGPPass',
    meaning: 'the BGP MD5 password, base64 (shown as `(sensitive)` in plans)',
  }),
  networkIPv4Private: mark({
    kind: 'annotation',
    key: 'metal.equinix.com/network-4-private',
    on: 'Node',
    use: 'written',
    option: 'annotationNetworkIPv4Private',
    meaning: 'the CIDR of the project’s private network the device is in',
  }),
  perPeer: mark({
    kind: 'annotation',
    key: 'metal.equinix.com/bgp-peers-<n>-{node-asn,peer-asn,peer-ip,src-ip,bgp-pass,peer-multi-hop}',
    on: 'Node',
    use: 'written',
    meaning: 'the same facts per peer (peers sorted), as later kube-vip versions read them',
  }),
  bgpSessions: mark({
    kind: 'condition',
    key: 'metal.equinix.com/BGPSessionsEstablished',
    on: 'Node',
    use: 'written',
    meaning:
      'whether the IPv4 BGP session of the node’s device is up on every switch, as Metal reports it in the project’s session list: `True` (`Established`), `False` (`SessionDown`, the peers that are down named) or `Unknown` (`StateUnknown`); written when it changes, taken back when the Node leaves the BGP node selector',
  }),
} as const;

/** A field of the per-peer BGP annotations. */
export type PerPeerField =
  'node-asn' | 'peer-asn' | 'peer-ip' | 'src-ip' | 'bgp-pass' | 'peer-multi-hop';

/** `metal.equinix.com/bgp-peers-<n>-<field>`: the per-peer annotation of peer `n`. */
export const perPeerAnnotation = (n: number, field: PerPeerField): string =>
  `metal.equinix.com/bgp-peers-${String(n)}-${field}`;

/** Whether an annotation name is a per-peer BGP annotation. */
export const isPerPeerAnnotation = (name: string): boolean =>
  /^metal\.equinix\.com\/bgp-peers-\d+-(node-asn|peer-asn|peer-ip|src-ip|bgp-pass|peer-multi-hop)$/.test(
    name,
  );

/**
 * A configured annotation name with `{{n}}` is upstream's per-peer form: one annotation per peer,
 * `{{n}}` (its first) replaced by the peer's index, as upstream's loadbalancers.go does.
 */
export const isTemplate = (name: string): boolean => name.includes('{{n}}');

/** The annotation of peer `n` of a per-peer template. */
export const fromTemplate = (template: string, n: number): string =>
  template.replace('{{n}}', String(n));

/** Matches every annotation a per-peer template stands for. */
export const templatePattern = (template: string): RegExp =>
  new RegExp(
    `^${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('\\{\\{n\\}\\}', '\\d+')}$`,
  );
