import type { V1Service } from '@kubernetes/client-node';
import { mirrorService } from '../../model/marks/control-plane.ts';
import { describeRef, refOf } from '../../model/kubernetes.ts';

/** Small readings of a Service the Elastic IP facts share. */

export const nameOf = (s: V1Service): string =>
  `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;

export const describeService = (s: V1Service): string => describeRef(refOf(s));

export const isMirror = (s: V1Service): boolean =>
  s.metadata?.namespace === mirrorService.namespace && s.metadata.name === mirrorService.name;

export const isDeleting = (s: V1Service): boolean => s.metadata?.deletionTimestamp !== undefined;

/** Type LoadBalancer, no class or ours, not the control-plane mirror, not being deleted. */
export function wantsElasticIp(service: V1Service, ourClass: string | undefined): boolean {
  const cls = service.spec?.loadBalancerClass;
  return (
    service.spec?.type === 'LoadBalancer' &&
    (cls === undefined || cls === ourClass) &&
    !isMirror(service) &&
    !isDeleting(service)
  );
}

/** Milliseconds since the epoch of its creation (the API gives a string; a client a Date). */
function createdAt(s: V1Service): number {
  const t = s.metadata?.creationTimestamp as unknown;
  if (t instanceof Date) return t.getTime();
  const parsed = typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isNaN(parsed) ? Number.POSITIVE_INFINITY : parsed;
}

/** Older first (creationTimestamp), then by namespace/name: who gets a contested address. */
export const byAge = (a: V1Service, b: V1Service): number =>
  createdAt(a) - createdAt(b) || (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0);
