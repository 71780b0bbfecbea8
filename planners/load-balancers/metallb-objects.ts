import type { KubernetesObject } from '@kubernetes/client-node';
import { refKey, type ObjectRef } from '../../model/kubernetes.ts';
import {
  advertisementName,
  metallbMarks,
  nameCandidates,
  passwordSecretNames,
} from '../../model/marks/metallb.ts';
import { nodeMarks } from '../../model/marks/node.ts';
import { generatedName, labelValue } from '../../model/names.ts';
import type { Warning } from '../../model/plan.ts';
import type { Sensitive } from '../../model/sensitive.ts';
import type { NodePeer } from '../facts/node-peers.ts';
import { chooseName, nameTaken } from './metallb-names.ts';
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
  /** Keys of what must be applied first (the Secret a peer refers to). */
  readonly after?: readonly string[];
}

/** A generated name (its readable part, a hash of its identity) and the names it falls back to. */
const generatedCandidates = (readable: string, identity: string): string[] => [
  generatedName(readable, identity),
  ...nameCandidates(readable, identity).slice(1),
];

/** The CCM's label, and any others an object needs. */
export const ourLabels = (extra: Record<string, string> = {}): Record<string, string> => ({
  [metallbMarks.managedBy.key]: metallbMarks.managedBy.value,
  ...extra,
});

/** What the objects are built from: the MetalLB objects there are, and whom they serve. */
interface Building {
  readonly namespace: string;
  readonly existing: readonly KubernetesObject[];
  /** The Services with an address pool: every peer, the Secret and the advertisement serve them. */
  readonly served: readonly ObjectRef[];
  readonly wanted: Wanted[];
  readonly warnings: Warning[];
}

/** Names an object, or says why it has none; adds it when it has one. */
function add(
  b: Building,
  object: Omit<Wanted, 'name'>,
  candidates: readonly string[],
  affected: readonly ObjectRef[],
  without: string,
): string | undefined {
  const naming = chooseName(object.kind, candidates, b.existing);
  b.warnings.push(...nameTaken(naming, object.kind, affected, without));
  if (naming.name !== undefined) b.wanted.push({ ...object, name: naming.name });
  return naming.name;
}

function addSecret(b: Building, password: Sensitive): string | undefined {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    labels: ourLabels(),
    fields: {
      type: 'kubernetes.io/basic-auth',
      data: { password: Buffer.from(password.reveal()).toString('base64') },
    },
    sensitive: ['/data'],
    reason: 'the BGP password the peers refer to',
  };
  return add(b, secret, passwordSecretNames, b.served, 'the peers carry no password');
}

function addPeer(b: Building, p: NodePeer, secret: string | undefined): void {
  const node = p.node.metadata?.name ?? '';
  const readable = `${node}-${String(p.index)}`;
  const identity = `${node}/${p.peerAddress}`;
  const peer = {
    apiVersion: 'metallb.io/v1beta2',
    kind: 'BGPPeer',
    labels: ourLabels({ [metallbMarks.node.key]: labelValue(node) }),
    fields: {
      spec: {
        myASN: p.myAsn,
        peerASN: p.peerAsn,
        peerAddress: p.peerAddress,
        sourceAddress: p.sourceAddress,
        ebgpMultiHop: p.multihop,
        nodeSelectors: [{ matchLabels: { [nodeMarks.hostname.key]: p.hostname } }],
        ...(p.password === undefined || secret === undefined
          ? {}
          : { passwordSecret: { name: secret, namespace: b.namespace } }),
      },
    },
    dropSpec: p.password === undefined || secret === undefined ? ['passwordSecret'] : [],
    reason: `BGP peer ${p.peerAddress} of Node ${node}`,
    ...(p.password === undefined || secret === undefined
      ? {}
      : {
          after: [
            refKey({ apiVersion: 'v1', kind: 'Secret', namespace: b.namespace, name: secret }),
          ],
        }),
  };
  add(
    b,
    peer,
    generatedCandidates(readable, identity),
    b.served,
    `Node ${node} does not peer with ${p.peerAddress}`,
  );
}

function addPool(b: Building, p: Pool): void {
  const service: ObjectRef = {
    apiVersion: 'v1',
    kind: 'Service',
    namespace: p.namespace,
    name: p.name,
  };
  const readable = `${p.namespace}-${p.name}`;
  const identity = `${p.namespace}/${p.name}`;
  const pool = {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    labels: ourLabels(),
    fields: { spec: { addresses: [`${p.address}/32`], autoAssign: false } },
    reason: `the Elastic IP ${p.address} of Service ${identity}`,
  };
  add(
    b,
    pool,
    generatedCandidates(readable, identity),
    [service],
    `MetalLB does not announce ${p.address}`,
  );
}

function addAdvertisement(b: Building): void {
  const advertisement = {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'BGPAdvertisement',
    labels: ourLabels(),
    // By label, not by name: an empty name list would advertise every pool.
    fields: { spec: { ipAddressPoolSelectors: [{ matchLabels: ourLabels() }] } },
    reason: 'advertise the address pools of the CCM',
  };
  const without = 'MetalLB advertises none of the CCM’s pools';
  add(b, advertisement, nameCandidates(advertisementName), b.served, without);
}

/**
 * Every object the CCM wants in MetalLB's namespace (the Secret, the peers, the pools, the
 * advertisement), each under a name no object of someone else holds, and referring only to the
 * CCM's own; with a warning for each name it found taken.
 */
export function wantedObjects(
  peers: readonly NodePeer[],
  pools: readonly Pool[],
  namespace: string,
  existing: readonly KubernetesObject[],
): { wanted: Wanted[]; warnings: Warning[] } {
  const served = pools.map((p): ObjectRef => ({
    apiVersion: 'v1',
    kind: 'Service',
    namespace: p.namespace,
    name: p.name,
  }));
  const b: Building = { namespace, existing, served, wanted: [], warnings: [] };
  const password = peers.find((p) => p.password !== undefined)?.password;
  const secret = password === undefined ? undefined : addSecret(b, password);
  for (const p of peers) addPeer(b, p, secret);
  for (const p of pools) addPool(b, p);
  if (pools.length > 0) addAdvertisement(b);
  return { wanted: b.wanted, warnings: b.warnings };
}
