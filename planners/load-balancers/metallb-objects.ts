import { metallbMarks, advertisementName, passwordSecretName } from '../../model/marks/metallb.ts';
import { nodeMarks } from '../../model/marks/node.ts';
import { generatedName, labelValue } from '../../model/names.ts';
import type { Sensitive } from '../../model/sensitive.ts';
import type { NodePeer } from '../facts/node-peers.ts';
import type { Pool } from './pools.ts';

type Json = Record<string, unknown>;

/** One MetalLB object the CCM wants (CRD mode). */
export interface Wanted {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Top-level fields the CCM owns (spec, type, data); what the API server defaults is kept. */
  readonly fields: Json;
  /** Fields of `spec` the CCM may have set before and no longer wants. */
  readonly dropSpec?: readonly string[];
  readonly sensitive?: readonly string[];
  readonly reason: string;
}

/** The CCM's label, and any others an object needs. */
export const ourLabels = (extra: Record<string, string> = {}): Record<string, string> => ({
  [metallbMarks.managedBy.key]: metallbMarks.managedBy.value,
  ...extra,
});

function peerObject(p: NodePeer, namespace: string): Wanted {
  const node = p.node.metadata?.name ?? '';
  return {
    apiVersion: 'metallb.io/v1beta2',
    kind: 'BGPPeer',
    name: generatedName(`${node}-${String(p.index)}`, `${node}/${p.peerAddress}`),
    labels: ourLabels({ [metallbMarks.node.key]: labelValue(node) }),
    fields: {
      spec: {
        myASN: p.myAsn,
        peerASN: p.peerAsn,
        peerAddress: p.peerAddress,
        sourceAddress: p.sourceAddress,
        ebgpMultiHop: p.multihop,
        nodeSelectors: [{ matchLabels: { [nodeMarks.hostname.key]: p.hostname } }],
        ...(p.password === undefined
          ? {}
          : { passwordSecret: { name: passwordSecretName, namespace } }),
      },
    },
    dropSpec: p.password === undefined ? ['passwordSecret'] : [],
    reason: `BGP peer ${p.peerAddress} of Node ${node}`,
  };
}

const poolObject = (p: Pool): Wanted => ({
  apiVersion: 'metallb.io/v1beta1',
  kind: 'IPAddressPool',
  name: generatedName(`${p.namespace}-${p.name}`, `${p.namespace}/${p.name}`),
  labels: ourLabels(),
  fields: { spec: { addresses: [`${p.address}/32`], autoAssign: false } },
  reason: `the Elastic IP ${p.address} of Service ${p.namespace}/${p.name}`,
});

const advertisementObject = (): Wanted => ({
  apiVersion: 'metallb.io/v1beta1',
  kind: 'BGPAdvertisement',
  name: advertisementName,
  labels: ourLabels(),
  // By label, not by name: an empty name list would advertise every pool.
  fields: { spec: { ipAddressPoolSelectors: [{ matchLabels: ourLabels() }] } },
  reason: 'advertise the address pools of the CCM',
});

const secretObject = (password: Sensitive): Wanted => ({
  apiVersion: 'v1',
  kind: 'Secret',
  name: passwordSecretName,
  labels: ourLabels(),
  fields: {
    type: 'kubernetes.io/basic-auth',
    data: { password: Buffer.from(password.reveal()).toString('base64') },
  },
  sensitive: ['/data'],
  reason: 'the BGP password the peers refer to',
});

/** Every object the CCM wants in MetalLB's namespace: the Secret, the peers, the pools, the advertisement. */
export function wantedObjects(
  peers: readonly NodePeer[],
  pools: readonly Pool[],
  namespace: string,
): Wanted[] {
  const password = peers.find((p) => p.password !== undefined)?.password;
  return [
    ...(password === undefined ? [] : [secretObject(password)]),
    ...peers.map((p) => peerObject(p, namespace)),
    ...pools.map(poolObject),
    ...(pools.length === 0 ? [] : [advertisementObject()]),
  ];
}
