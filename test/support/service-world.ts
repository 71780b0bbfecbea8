// Services and reservations for the Elastic IP planner's unit tests: a snapshot of just those.
import type { V1Service } from '@kubernetes/client-node';
import { produce } from 'immer';
import type { Desired, ObjectIntent } from '../../model/desired.ts';
import { events } from '../../model/marks/events.ts';
import type { ClusterId, ReservationId } from '../../model/ids.ts';
import type { Reservation } from '../../model/metal.ts';
import type { LoadBalancer } from '../../model/settings.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { settings, snapshot } from './builders.ts';

export const cluster = 'c0ffee00-0000-4000-8000-000000000001' as ClusterId;
export const otherCluster = 'd00dfeed-0000-4000-8000-000000000002' as ClusterId;

export function service(
  name: string,
  extra: Partial<V1Service['spec']> = {},
  annotations?: Record<string, string>,
  meta: { created?: string; deleting?: boolean; finalizer?: boolean } = {},
): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: 'default',
      resourceVersion: '1',
      uid: `uid-${name}`,
      ...(meta.created === undefined ? {} : { creationTimestamp: meta.created as unknown as Date }),
      ...(meta.deleting === true
        ? { deletionTimestamp: '2026-11-01T11:59:00Z' as unknown as Date }
        : {}),
      ...(meta.finalizer === true
        ? { finalizers: ['service.kubernetes.io/load-balancer-cleanup'] }
        : {}),
      ...(annotations ? { annotations } : {}),
    },
    spec: { type: 'LoadBalancer', ...extra },
  };
}

/** The Service as the CCM leaves it once it has `address`: in the spec, the annotation and status. */
export function holding(s: V1Service, address: string, annotation?: string): V1Service {
  return produce(s, (d) => {
    d.metadata ??= {};
    d.metadata.finalizers = ['service.kubernetes.io/load-balancer-cleanup'];
    if (annotation !== undefined)
      d.metadata.annotations = { ...d.metadata.annotations, [annotation]: address };
    d.spec ??= {};
    d.spec.loadBalancerIP = address;
    d.status = { loadBalancer: { ingress: [{ ip: address }] } };
  });
}

/** What a plan wants a Service to be. */
/**
 * What a plan writes to Services besides a condition of their own: the Elastic IP planner's
 * fields (a condition folded into one of those writes stays in it).
 */
export const addressWrites = (out: Desired): ObjectIntent[] =>
  out.objects.filter((o) => o.event !== events.ElasticIPConditionSet);

export const desiredService = (intent: ObjectIntent | undefined): V1Service | undefined =>
  intent?.desired;

export function reservation(
  n: number,
  tags: string[],
  address = `198.51.100.${String(n)}`,
  state: Reservation['state'] = 'created',
): Reservation {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as ReservationId,
    type: 'public_ipv4',
    address,
    cidr: 32,
    state,
    tags,
    assignments: [],
  };
}

export function world(parts: {
  services?: V1Service[];
  reservations?: Reservation[];
  complete?: boolean;
  lb?: LoadBalancer;
}): Snapshot {
  const base = snapshot({
    settings: settings({ loadBalancer: parts.lb ?? { kind: 'kube-vip' } }),
    complete: parts.complete ?? true,
  });
  return {
    ...base,
    kubernetes: { ...base.kubernetes, clusterId: cluster, services: parts.services ?? [] },
    metal: { ...base.metal, reservations: parts.reservations ?? [] },
  };
}
