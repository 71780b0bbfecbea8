import { soakSettings, type SoakRun } from '../run.ts';
import { byAddress, ingressIp, isOurs, managedByCcm, type Observed } from './views.ts';

/**
 * MetalLB's objects: with CRDs, exactly one BGPPeer per node and peer IP the world gave, with the
 * settings given, and exactly the Elastic IPs of the Services as pools; with kube-vip, none at all.
 */
export function metallbViolations(
  observed: Observed,
  run: SoakRun,
  nodePeers: readonly (readonly [string, readonly string[]])[],
): string[] {
  const peers = observed.bgpPeers.filter(managedByCcm);
  const pools = observed.ipAddressPools.filter(managedByCcm);
  if (run.loadBalancer !== 'metallb-crds')
    return peers.length + pools.length === 0
      ? []
      : [`${String(peers.length + pools.length)} MetalLB objects, with ${run.loadBalancer}`];
  const problems: string[] = [];
  const expected = nodePeers
    .flatMap(([node, ips]) => [...ips].sort(byAddress).map((ip) => `${node} ${ip}`))
    .sort();
  const actual = peers
    .map((p) => {
      const selectors = p.spec['nodeSelectors'] as
        { matchLabels?: Record<string, string> }[] | undefined;
      return `${selectors?.[0]?.matchLabels?.['kubernetes.io/hostname'] ?? ''} ${String(p.spec['peerAddress'])}`;
    })
    .sort();
  if (actual.join() !== expected.join())
    problems.push(`MetalLB BGPPeers [${actual.join(', ')}], not [${expected.join(', ')}]`);
  for (const p of peers)
    if (p.spec['myASN'] !== soakSettings.localAsn || p.spec['peerASN'] !== soakSettings.peerAsn)
      problems.push(
        `BGPPeer ${p.metadata.name}: ASNs ${String(p.spec['myASN'])}/${String(p.spec['peerASN'])}`,
      );
  const poolAddresses = pools.flatMap((p) => p.spec['addresses'] as string[]).sort();
  const serviceAddresses = observed.services
    .filter(isOurs)
    .map(ingressIp)
    .filter((ip) => ip !== undefined)
    .map((ip) => `${ip}/32`)
    .sort();
  if (poolAddresses.join() !== serviceAddresses.join())
    problems.push(
      `MetalLB pools [${poolAddresses.join(', ')}], not the Services' [${serviceAddresses.join(', ')}]`,
    );
  return problems;
}
