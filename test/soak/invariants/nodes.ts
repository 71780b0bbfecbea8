import type { Json } from '../../../emulator/world.ts';
import { soakSettings } from '../run.ts';
import { byAddress, type NodeView } from './views.ts';

/** What the world says about a device, for the Node on it. */
export interface DeviceFacts {
  readonly device: Json;
  /** The peer IPs Metal gives its BGP session. */
  readonly peers: readonly string[];
}

const addressesOf = (device: Json): Json[] =>
  ((device['ip_addresses'] ?? []) as Json[]).filter((a) => a['management'] === true);

/** The Node as the CCM must set it up from its device: provider ID, addresses, labels, no taint. */
function setUpProblems(node: NodeView, device: Json): string[] {
  const problems: string[] = [];
  const id = String(device['id']);
  if (node.spec.providerID !== `equinixmetal://${id}`)
    problems.push(`provider ID ${String(node.spec.providerID)}`);
  const wanted = [
    `Hostname ${node.metadata.name}`,
    ...addressesOf(device).map(
      (a) => `${a['public'] === true ? 'ExternalIP' : 'InternalIP'} ${String(a['address'])}`,
    ),
  ].sort();
  const actual = (node.status?.addresses ?? []).map((a) => `${a.type} ${a.address}`).sort();
  if (actual.join() !== wanted.join()) problems.push(`addresses ${actual.join(', ')}`);
  const labels = {
    'topology.kubernetes.io/region': (device['metro'] as Json)['code'],
    'topology.kubernetes.io/zone': (device['facility'] as Json)['code'],
    'node.kubernetes.io/instance-type': (device['plan'] as Json)['slug'],
  };
  for (const [label, value] of Object.entries(labels))
    if (node.metadata.labels?.[label] !== value)
      problems.push(`label ${label}=${String(node.metadata.labels?.[label])}`);
  if (
    (node.spec.taints ?? []).some((t) => t.key === 'node.cloudprovider.kubernetes.io/uninitialized')
  )
    problems.push('still tainted uninitialized');
  return problems;
}

/** The BGP facts the CCM must write on the Node, from the device and the settings given. */
function bgpProblems(node: NodeView, facts: DeviceFacts): string[] {
  const privateIp = addressesOf(facts.device).find(
    (a) => a['public'] === false && a['address_family'] === 4,
  );
  const block = privateIp?.['parent_block'] as Json | undefined;
  const wanted: Record<string, string> = {
    'metal.equinix.com/peer-ip': [...facts.peers].sort(byAddress).join(','),
    'metal.equinix.com/node-asn': String(soakSettings.localAsn),
    'metal.equinix.com/peer-asn': String(soakSettings.peerAsn),
    'metal.equinix.com/src-ip': String(privateIp?.['address']),
    'metal.equinix.com/bgp-pass': Buffer.from(soakSettings.password).toString('base64'),
    'metal.equinix.com/network-4-private': `${String(block?.['network'])}/${String(block?.['cidr'])}`,
  };
  [...facts.peers].sort(byAddress).forEach((peer, n) => {
    wanted[`metal.equinix.com/bgp-peers-${String(n)}-peer-ip`] = peer;
  });
  return Object.entries(wanted)
    .filter(([key, value]) => node.metadata.annotations?.[key] !== value)
    .map(([key, value]) => `${key} ${String(node.metadata.annotations?.[key])}, not ${value}`);
}

/**
 * Nodes: every Node whose device exists is set up from that device and carries its BGP facts;
 * every Node the driver made whose device was deleted is gone.
 */
export function nodeViolations(
  nodes: readonly NodeView[],
  expected: ReadonlyMap<string, string>,
  devices: ReadonlyMap<string, DeviceFacts>,
): string[] {
  const present = new Map(nodes.map((n) => [n.metadata.name, n]));
  const problems: string[] = [];
  for (const [name, deviceId] of expected) {
    const node = present.get(name);
    const facts = devices.get(deviceId);
    if (facts === undefined) {
      if (node !== undefined)
        problems.push(`Node ${name}: its device is gone but the Node is not deleted`);
      continue;
    }
    if (node === undefined) {
      problems.push(`Node ${name} is gone, but its device exists and nobody deleted it`);
      continue;
    }
    const found = [...setUpProblems(node, facts.device), ...bgpProblems(node, facts)];
    problems.push(...found.map((p) => `Node ${name}: ${p}`));
  }
  return problems;
}

/** Project BGP as the settings given ask, and an IPv4 session for every device with a Node. */
export function projectBgpViolations(
  bgpConfig: Json,
  sessions: readonly Json[],
  devicesWithNodes: readonly string[],
): string[] {
  const problems: string[] = [];
  const config = {
    status: bgpConfig['status'],
    asn: bgpConfig['asn'],
    md5: bgpConfig['md5'],
    deployment_type: bgpConfig['deployment_type'],
  };
  const wanted = {
    status: 'enabled',
    asn: soakSettings.localAsn,
    md5: soakSettings.password,
    deployment_type: 'local',
  };
  if (JSON.stringify(config) !== JSON.stringify(wanted))
    problems.push(
      `project BGP is ${String(config.status)} (asn ${String(config.asn)}, ${String(config.deployment_type)})`,
    );
  const withSession = new Set(
    sessions
      .filter((s) => s['address_family'] === 'ipv4')
      .map((s) =>
        String((s['device'] as Json)['href'])
          .split('/')
          .pop(),
      ),
  );
  for (const id of devicesWithNodes)
    if (!withSession.has(id)) problems.push(`device ${id} has a Node but no IPv4 BGP session`);
  return problems;
}
