import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { produce } from 'immer';
import { Document, YAMLSeq, isMap, isSeq, parseDocument } from 'yaml';
import { nodePeers, type NodePeer } from '../bgp/bgp.ts';
import type { LoadBalancer } from '../../model/settings.ts';
import type { Desired, ObjectIntent } from '../../model/desired.ts';
import { sameJson } from '../support/equal.ts';
import { describeRef, namespaceRef, refOf } from '../../model/kubernetes.ts';
import { generatedName, labelValue } from '../../model/names.ts';
import type { Warning } from '../../model/plan.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { advertisementName, metallbMarks, passwordSecretName } from '../../model/marks/metallb.ts';
import { nodeMarks } from '../../model/marks/node.ts';

const { managedBy } = metallbMarks;
import { serviceElasticIps } from '../elastic-ips/elastic-ips.ts';
import { events, type EventReason } from '../../model/marks/events.ts';

/** ConfigMap mode: our pools are named so, our peers carry this selector, which matches no node. */
const poolPrefix = 'metal-ccm/';
const ownedSelector = {
  'match-labels': { [metallbMarks.configMapPeer.key]: metallbMarks.configMapPeer.value },
};

type Json = Record<string, unknown>;
const empty: Desired = { objects: [], metal: [], warnings: [] };

interface Intent {
  readonly peers: readonly NodePeer[];
  readonly pools: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly address: string;
  }[];
}

function intentOf(snapshot: Snapshot): Intent {
  return {
    peers: nodePeers(snapshot),
    pools: serviceElasticIps(snapshot).map(({ service, address }) => ({
      namespace: service.metadata?.namespace ?? '',
      name: service.metadata?.name ?? '',
      address,
    })),
  };
}

// --- metallb:///<ns>/<name>: the legacy ConfigMap ---------------------------------------------

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

const isOurPeer = (peer: unknown): boolean =>
  Array.isArray((peer as Json | null)?.['node-selectors']) &&
  ((peer as Json)['node-selectors'] as unknown[]).some((s) => sameJson(s, ownedSelector));
const isOurPool = (pool: unknown): boolean => {
  const name = (pool as Json | null)?.['name'];
  return typeof name === 'string' && name.startsWith(poolPrefix);
};

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

function planConfigMap(
  snapshot: Snapshot,
  lb: Extract<LoadBalancer, { kind: 'metallb-configmap' }>,
): Desired {
  const subject = `ConfigMap ${lb.namespace}/${lb.name}`;
  const configMap = snapshot.kubernetes.metallb?.configMap;
  const warn = (message: string, event: EventReason): Desired => ({
    ...empty,
    warnings: [
      { area: 'load-balancer', subject, message, regarding: namespaceRef(lb.namespace), event },
    ],
  });
  if (configMap === undefined)
    return warn(
      'does not exist, so MetalLB is not configured; everything else goes on',
      events.MetalLBConfigMapMissing,
    );
  const text = configMap.data?.['config'] ?? '';
  const doc: Document = text.trim() === '' ? new Document({}) : parseDocument(text);
  if (doc.errors.length > 0)
    return warn(
      `data.config is not YAML (${doc.errors[0]?.message ?? ''}); left alone`,
      events.MetalLBConfigInvalid,
    );
  if (doc.contents !== null && !isMap(doc.contents))
    return warn('data.config is not a YAML mapping; left alone', events.MetalLBConfigInvalid);
  const { peers, pools } = intentOf(snapshot);
  const ourPeers = peers.map(configPeer);
  const ourPools = pools.map((p) => ({
    name: `${poolPrefix}${p.namespace}/${p.name}`,
    protocol: 'bgp',
    addresses: [`${p.address}/32`],
    'auto-assign': false,
  }));
  const before = (doc.toJS() ?? {}) as Json;
  replaceOurs(doc, 'peers', ourPeers, isOurPeer);
  replaceOurs(doc, 'address-pools', ourPools, isOurPool);
  const after = doc.toJS() as Json;
  if (sameJson(before, after)) return empty;
  const count = (value: unknown, ours: (x: unknown) => boolean): number =>
    Array.isArray(value) ? value.filter(ours).length : 0;
  const desired = produce<V1ConfigMap>(configMap, (d) => {
    d.data = { ...d.data, config: doc.toString() };
  });
  const intent: ObjectIntent = {
    area: 'load-balancer',
    observed: configMap,
    desired,
    reasons: [
      `MetalLB: ${String(ourPeers.length)} BGP peers (was ${String(count(before['peers'], isOurPeer))}) and ${String(ourPools.length)} address pools (was ${String(count(before['address-pools'], isOurPool))}) of the CCM; other entries kept`,
    ],
    event: events.MetalLBConfigured,
    // The document holds the BGP password: the whole change is shown as sensitive.
    ...(peers.some((p) => p.password !== undefined) ? { sensitivePaths: ['/data/config'] } : {}),
  };
  return { ...empty, objects: [intent] };
}

// --- metallb:///<ns>?crdConfiguration=true: the CRDs -------------------------------------------

const labels = (extra: Record<string, string> = {}): Record<string, string> => ({
  [managedBy.key]: managedBy.value,
  ...extra,
});
const isOurs = (o: KubernetesObject): boolean =>
  o.metadata?.labels?.[managedBy.key] === managedBy.value;

interface Wanted {
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

function wantedObjects(snapshot: Snapshot, intent: Intent, namespace: string): Wanted[] {
  const password = intent.peers.find((p) => p.password !== undefined)?.password;
  const peers = intent.peers.map((p): Wanted => ({
    apiVersion: 'metallb.io/v1beta2',
    kind: 'BGPPeer',
    name: generatedName(
      `${p.node.metadata?.name ?? ''}-${String(p.index)}`,
      `${p.node.metadata?.name ?? ''}/${p.peerAddress}`,
    ),
    labels: labels({ [metallbMarks.node.key]: labelValue(p.node.metadata?.name ?? '') }),
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
    reason: `BGP peer ${p.peerAddress} of Node ${p.node.metadata?.name ?? ''}`,
  }));
  const pools = intent.pools.map((p): Wanted => ({
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    name: generatedName(`${p.namespace}-${p.name}`, `${p.namespace}/${p.name}`),
    labels: labels(),
    fields: { spec: { addresses: [`${p.address}/32`], autoAssign: false } },
    reason: `the Elastic IP ${p.address} of Service ${p.namespace}/${p.name}`,
  }));
  const advertisement: Wanted[] =
    pools.length === 0
      ? []
      : [
          {
            apiVersion: 'metallb.io/v1beta1',
            kind: 'BGPAdvertisement',
            name: advertisementName,
            labels: labels(),
            // By label, not by name: an empty name list would advertise every pool.
            fields: { spec: { ipAddressPoolSelectors: [{ matchLabels: labels() }] } },
            reason: 'advertise the address pools of the CCM',
          },
        ];
  const secret: Wanted[] =
    password === undefined
      ? []
      : [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            name: passwordSecretName,
            labels: labels(),
            fields: {
              type: 'kubernetes.io/basic-auth',
              data: { password: Buffer.from(password.reveal()).toString('base64') },
            },
            sensitive: ['/data'],
            reason: 'the BGP password the peers refer to',
          },
        ];
  return [...secret, ...peers, ...pools, ...advertisement];
}

function planCrds(snapshot: Snapshot, namespace: string): Desired {
  const observed = snapshot.kubernetes.metallb;
  if (observed?.crdsMissing === true) {
    return {
      ...empty,
      warnings: [
        {
          area: 'load-balancer',
          subject: `MetalLB in ${namespace}`,
          message:
            'its CRDs (metallb.io) are not installed; nothing is written to MetalLB, everything else goes on',
          regarding: namespaceRef(namespace),
          event: events.MetalLBCRDsMissing,
        },
      ],
    };
  }
  const existing = [
    ...(observed?.passwordSecret === undefined ? [] : [observed.passwordSecret]),
    ...(observed?.bgpPeers ?? []),
    ...(observed?.ipAddressPools ?? []),
    ...(observed?.bgpAdvertisements ?? []),
  ];
  const objects: ObjectIntent[] = [];
  const warnings: Warning[] = [];
  const wanted = wantedObjects(snapshot, intentOf(snapshot), namespace);
  const find = (kind: string, name: string): KubernetesObject | undefined =>
    existing.find((o) => o.kind === kind && o.metadata?.name === name);
  for (const w of wanted) {
    const current = find(w.kind, w.name);
    const base = {
      area: 'load-balancer' as const,
      reasons: [w.reason],
      ...(w.sensitive === undefined ? {} : { sensitivePaths: w.sensitive }),
    };
    if (current === undefined) {
      objects.push({
        ...base,
        event: events.MetalLBObjectCreated,
        desired: {
          apiVersion: w.apiVersion,
          kind: w.kind,
          metadata: { name: w.name, namespace, labels: w.labels },
          ...w.fields,
        },
      });
      continue;
    }
    if (!isOurs(current)) {
      warnings.push({
        area: 'load-balancer',
        subject: describeRef(refOf(current)),
        message: `exists without the label ${managedBy.key}=${managedBy.value}, so it is not the CCM's; left alone`,
      });
      continue;
    }
    const desired = produce(current as Json, (d) => {
      const meta = d['metadata'] as Json;
      meta['labels'] = { ...(meta['labels'] as Json | undefined), ...w.labels };
      for (const [key, value] of Object.entries(w.fields)) {
        d[key] =
          key === 'spec' ? { ...(d['spec'] as Json | undefined), ...(value as Json) } : value;
      }
      if (w.dropSpec !== undefined) {
        d['spec'] = Object.fromEntries(
          Object.entries(d['spec'] as Json).filter(([field]) => !w.dropSpec?.includes(field)),
        );
      }
    }) as KubernetesObject;
    if (!sameJson(current, desired))
      objects.push({ ...base, event: events.MetalLBObjectUpdated, observed: current, desired });
  }
  for (const o of existing) {
    if (!isOurs(o) || wanted.some((w) => w.kind === o.kind && w.name === o.metadata?.name))
      continue;
    objects.push({
      area: 'load-balancer',
      observed: o,
      reasons: ['no node or Service needs it any more'],
      event: events.MetalLBObjectDeleted,
    });
  }
  return { objects, metal: [], warnings };
}

/**
 * MetalLB, both generations: the BGP peers of the selected nodes and one address pool per Service
 * Elastic IP, in the legacy ConfigMap (only the CCM's own entries) or as CRs labelled as the CCM's.
 * The control-plane EIP is never a pool (the Elastic IP planner never hands it out).
 */
export function planMetalLB(snapshot: Snapshot): Desired {
  const lb = snapshot.settings.loadBalancer;
  if (lb.kind === 'metallb-configmap') return planConfigMap(snapshot, lb);
  if (lb.kind === 'metallb-crds') return planCrds(snapshot, lb.namespace);
  return empty;
}
