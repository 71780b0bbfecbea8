import { generatedName } from '../names.ts';
import { mark } from './mark.ts';

/** Names and marks the MetalLB integration shares between its planner and the observation. */
export const metallbMarks = {
  managedBy: mark({
    kind: 'label',
    key: 'app.kubernetes.io/managed-by',
    value: 'metal-ccm',
    on: 'MetalLB CRs, Secret',
    use: 'read and written',
    meaning: 'the object is the CCM’s; objects without it are never touched',
  }),
  node: mark({
    kind: 'label',
    key: 'metal.equinix.com/node',
    value: '<node name>',
    on: 'BGPPeer',
    use: 'written',
    meaning: 'the Node the peer is for',
  }),
  configMapPeer: mark({
    kind: 'label',
    key: 'nomatch.metal.equinix.com/managed-by',
    value: 'metal-ccm',
    on: 'MetalLB ConfigMap peer',
    use: 'read and written',
    meaning:
      'a second node selector of the CCM’s peers that matches no node (MetalLB ORs selectors): it marks the peer as the CCM’s',
  }),
  upstreamConfigMapPeer: mark({
    kind: 'label',
    key: 'nomatch.metal.equinix.com/service-name',
    value: '<service>',
    on: 'MetalLB ConfigMap peer',
    use: 'read',
    meaning:
      'the node selector the upstream CCM marked its peers with (one per Service): after a migration such peers, and its pools named `<namespace>/<service>` with auto-assign off, are replaced by the CCM’s own',
  }),
} as const;

/** The Secret (type basic-auth) holding the BGP password the CCM's BGPPeers refer to. */
export const passwordSecretName = 'metal-ccm-bgp-password';

/**
 * A name the CCM uses for one of its objects, and those it falls back to, in order, when an object
 * without its label has taken it: the same short hash scheme as every generated name, so they are
 * stable from loop to loop.
 */
export const nameCandidates = (base: string, identity: string = base, fallbacks = 2): string[] => [
  base,
  ...Array.from({ length: fallbacks }, (_, i) =>
    generatedName(base, `${identity}#${String(i + 1)}`),
  ),
];

/** The names the password Secret may have: exactly those the CCM's RBAC lets it read and write. */
export const passwordSecretNames = nameCandidates(passwordSecretName, passwordSecretName, 1);

/** The BGPAdvertisement of the CCM's pools. */
export const advertisementName = 'metal-ccm';
