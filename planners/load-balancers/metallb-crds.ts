import type { KubernetesObject } from '@kubernetes/client-node';
import { produce } from 'immer';
import type { Desired, ObjectIntent } from '../../model/desired.ts';
import { sameJson } from '../../model/json.ts';
import { namespaceRef } from '../../model/kubernetes.ts';
import { events } from '../../model/marks/events.ts';
import type { Warning } from '../../model/plan.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import type { Facts } from '../facts/facts.ts';
import { nothing, type Integration } from './integration.ts';
import { wantedObjects, type Wanted } from './metallb-objects.ts';
import { isOurs } from './metallb-names.ts';
import { poolsOf } from './pools.ts';

type Json = Record<string, unknown>;

/** The observed object with the fields the CCM owns as it wants them; every other field kept. */
function updated(current: KubernetesObject, w: Wanted): KubernetesObject {
  return produce(current as Json, (d) => {
    const meta = d['metadata'] as Json;
    meta['labels'] = { ...(meta['labels'] as Json | undefined), ...w.labels };
    for (const [key, value] of Object.entries(w.fields)) {
      d[key] = key === 'spec' ? { ...(d['spec'] as Json | undefined), ...(value as Json) } : value;
    }
    if (w.dropSpec !== undefined) {
      d['spec'] = Object.fromEntries(
        Object.entries(d['spec'] as Json).filter(([field]) => !w.dropSpec?.includes(field)),
      );
    }
  });
}

/** What to do about one wanted object, given the object of its kind and name, if any. */
function reconcile(
  w: Wanted,
  current: KubernetesObject | undefined,
  namespace: string,
): ObjectIntent | undefined {
  const base = {
    area: 'load-balancer' as const,
    reasons: [w.reason],
    ...(w.sensitive === undefined ? {} : { sensitivePaths: w.sensitive }),
    ...(w.after === undefined ? {} : { after: w.after }),
  };
  if (current === undefined)
    return {
      ...base,
      event: events.MetalLBObjectCreated,
      desired: {
        apiVersion: w.apiVersion,
        kind: w.kind,
        metadata: { name: w.name, namespace, labels: w.labels },
        ...w.fields,
      },
    };
  const desired = updated(current, w);
  return sameJson(current, desired)
    ? undefined
    : { ...base, event: events.MetalLBObjectUpdated, observed: current, desired };
}

/** The CCM's objects no node or Service needs any more. */
function unwanted(
  existing: readonly KubernetesObject[],
  wanted: readonly Wanted[],
): ObjectIntent[] {
  return existing
    .filter(
      (o) => isOurs(o) && !wanted.some((w) => w.kind === o.kind && w.name === o.metadata?.name),
    )
    .map((observed) => ({
      area: 'load-balancer',
      observed,
      reasons: ['no node or Service needs it any more'],
      event: events.MetalLBObjectDeleted,
    }));
}

function planCrds(snapshot: Snapshot, facts: Facts): Desired {
  const namespace = facts.loadBalancer.metallbNamespace;
  if (namespace === undefined) return nothing;
  const observed = snapshot.kubernetes.metallb;
  if (observed?.crdsMissing === true) {
    const warning: Warning = {
      area: 'load-balancer',
      subject: `MetalLB in ${namespace}`,
      message:
        'its CRDs (metallb.io) are not installed; nothing is written to MetalLB, everything else goes on',
      regarding: namespaceRef(namespace),
      event: events.MetalLBCRDsMissing,
    };
    return { ...nothing, warnings: [warning] };
  }
  const existing = [
    ...(observed?.passwordSecrets ?? []),
    ...(observed?.bgpPeers ?? []),
    ...(observed?.ipAddressPools ?? []),
    ...(observed?.bgpAdvertisements ?? []),
  ];
  const { wanted, warnings } = wantedObjects(facts.nodePeers, poolsOf(facts), namespace, existing);
  const objects = wanted.flatMap((w) => {
    const current = existing.find((o) => o.kind === w.kind && o.metadata?.name === w.name);
    return reconcile(w, current, namespace) ?? [];
  });
  return { objects: [...objects, ...unwanted(existing, wanted)], metal: [], warnings };
}

/**
 * MetalLB's CRDs (`metallb:///<ns>?crdConfiguration=true`): a BGPPeer per node and peer IP, the
 * password in a Secret they refer to, an IPAddressPool per Service Elastic IP and a BGPAdvertisement
 * of those pools, every one labelled as the CCM's; objects without the label are never touched.
 */
export const metallbCrds: Integration = { plan: planCrds };
