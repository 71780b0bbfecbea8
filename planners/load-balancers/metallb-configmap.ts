import type { V1ConfigMap } from '@kubernetes/client-node';
import { produce } from 'immer';
import { Document, YAMLSeq, isMap, isSeq, parseDocument } from 'yaml';
import type { Desired, ObjectIntent } from '../../model/desired.ts';
import { sameJson } from '../../model/json.ts';
import { namespaceRef } from '../../model/kubernetes.ts';
import { events, type EventReason } from '../../model/marks/events.ts';
import { metallbMarks } from '../../model/marks/metallb.ts';
import { nodeMarks } from '../../model/marks/node.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import type { Facts } from '../facts/facts.ts';
import type { NodePeer } from '../facts/node-peers.ts';
import { nothing, type Integration } from './integration.ts';
import { poolsOf } from './pools.ts';

/** Our pools are named so; our peers carry this selector, which matches no node. */
const poolPrefix = 'metal-ccm/';
const ownedSelector = {
  'match-labels': { [metallbMarks.configMapPeer.key]: metallbMarks.configMapPeer.value },
};

type Json = Record<string, unknown>;

function configPeer(p: NodePeer): Json {
  return {
    'my-asn': p.myAsn,
    'peer-asn': p.peerAsn,
    'peer-address': p.peerAddress,
    'source-address': p.sourceAddress,
    ...(p.password === undefined ? {} : { password: p.password.reveal() }),
    'ebgp-multihop': p.multihop,
    'node-selectors': [{ 'match-labels': { [nodeMarks.hostname.key]: p.hostname } }, ownedSelector],
  };
}

/**
 * What the upstream CCM wrote is ours too after a migration, to be replaced by our own entries
 * rather than kept beside them (MetalLB refuses two pools of one address): peers with its
 * per-Service selector, pools named `<namespace>/<service>` (joined by commas when shared) with
 * auto-assign off.
 */
const upstreamPoolName = /^[a-z0-9.-]+\/[a-z0-9.-]+(,[a-z0-9.-]+\/[a-z0-9.-]+)*$/;
const isOurSelector = (selector: unknown): boolean =>
  sameJson(selector, ownedSelector) ||
  Object.hasOwn(
    (selector as Json | null)?.['match-labels'] ?? {},
    metallbMarks.upstreamConfigMapPeer.key,
  );
const isOurPeer = (peer: unknown): boolean =>
  Array.isArray((peer as Json | null)?.['node-selectors']) &&
  ((peer as Json)['node-selectors'] as unknown[]).some(isOurSelector);
const isOurPool = (pool: unknown): boolean => {
  const name = (pool as Json | null)?.['name'];
  if (typeof name !== 'string') return false;
  return (
    name.startsWith(poolPrefix) ||
    (upstreamPoolName.test(name) && (pool as Json)['auto-assign'] === false)
  );
};
const countOurs = (value: unknown, ours: (x: unknown) => boolean): number =>
  Array.isArray(value) ? value.filter(ours).length : 0;

/** Replaces our entries of a list in the document, keeping every other entry (and its comments). */
function replaceOurs(
  doc: Document,
  key: string,
  ours: readonly Json[],
  isOurs: (item: unknown) => boolean,
): void {
  const node = doc.get(key, true);
  const kept = isSeq(node)
    ? node.items.filter((item) => !isOurs((item as { toJSON?: () => unknown }).toJSON?.() ?? item))
    : [];
  if (kept.length === 0 && ours.length === 0) {
    if (doc.has(key)) doc.delete(key);
    return;
  }
  const seq = new YAMLSeq();
  seq.items = [...kept, ...ours.map((o) => doc.createNode(o))];
  doc.set(key, seq);
}

/** The document of `data.config`, or why it cannot be read. */
function readConfig(configMap: V1ConfigMap): Document | string {
  const text = configMap.data?.['config'] ?? '';
  const doc: Document = text.trim() === '' ? new Document({}) : parseDocument(text);
  if (doc.errors.length > 0)
    return `data.config is not YAML (${doc.errors[0]?.message ?? ''}); left alone`;
  if (doc.contents !== null && !isMap(doc.contents))
    return 'data.config is not a YAML mapping; left alone';
  return doc;
}

/** The ConfigMap with the CCM's peers and pools in place of those it had. */
function configure(configMap: V1ConfigMap, doc: Document, facts: Facts): ObjectIntent | undefined {
  const peers = facts.nodePeers;
  const ourPeers = peers.map(configPeer);
  const ourPools = poolsOf(facts).map((p) => ({
    name: `${poolPrefix}${p.namespace}/${p.name}`,
    protocol: 'bgp',
    addresses: [`${p.address}/32`],
    'auto-assign': false,
  }));
  const before = (doc.toJS() ?? {}) as Json;
  replaceOurs(doc, 'peers', ourPeers, isOurPeer);
  replaceOurs(doc, 'address-pools', ourPools, isOurPool);
  if (sameJson(before, doc.toJS())) return undefined;
  const desired = produce<V1ConfigMap>(configMap, (d) => {
    d.data = { ...d.data, config: doc.toString() };
  });
  return {
    area: 'load-balancer',
    observed: configMap,
    desired,
    reasons: [
      `MetalLB: ${String(ourPeers.length)} BGP peers (was ${String(countOurs(before['peers'], isOurPeer))}) and ${String(ourPools.length)} address pools (was ${String(countOurs(before['address-pools'], isOurPool))}) of the CCM; other entries kept`,
    ],
    event: events.MetalLBConfigured,
    // The document holds the BGP password: the whole change is shown as sensitive.
    ...(peers.some((p) => p.password !== undefined) ? { sensitivePaths: ['/data/config'] } : {}),
  };
}

function planConfigMap(snapshot: Snapshot, facts: Facts): Desired {
  const where = facts.loadBalancer.metallbConfigMap;
  if (where === undefined) return nothing;
  const warn = (message: string, event: EventReason): Desired => ({
    ...nothing,
    warnings: [
      {
        area: 'load-balancer',
        subject: `ConfigMap ${where.namespace}/${where.name}`,
        message,
        regarding: namespaceRef(where.namespace),
        event,
      },
    ],
  });
  const configMap = snapshot.kubernetes.metallb?.configMap;
  if (configMap === undefined)
    return warn(
      'does not exist, so MetalLB is not configured; everything else goes on',
      events.MetalLBConfigMapMissing,
    );
  const doc = readConfig(configMap);
  if (typeof doc === 'string') return warn(doc, events.MetalLBConfigInvalid);
  const intent = configure(configMap, doc, facts);
  return intent === undefined ? nothing : { ...nothing, objects: [intent] };
}

/**
 * MetalLB's legacy ConfigMap (`metallb:///<ns>/<name>`): the BGP peers of the selected nodes and one
 * address pool per Service Elastic IP, only the CCM's own entries; every other entry is kept.
 */
export const metallbConfigMap: Integration = { plan: planConfigMap };
