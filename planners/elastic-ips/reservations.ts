import type { V1Service } from '@kubernetes/client-node';
import type { MetalIntent } from '../../model/desired.ts';
import type { ClusterId, ProjectId } from '../../model/ids.ts';
import { describeRef, refOf, type ObjectRef } from '../../model/kubernetes.ts';
import { events, type EventReason } from '../../model/marks/events.ts';
import { serviceTags, tagMarks } from '../../model/marks/tags.ts';
import type { Reservation } from '../../model/metal.ts';
import type { Location } from './location.ts';

/** The dependency key of a reservation's release. */
export const reservationKey = (r: Reservation): string => `reservation ${r.id}`;

export function releaseReservation(
  r: Reservation,
  reason: string,
  event: EventReason,
  options: { readonly regarding?: ObjectRef; readonly after?: readonly string[] } = {},
): MetalIntent {
  return {
    area: 'elastic-ips',
    key: reservationKey(r),
    operation: 'delete',
    target: `reservation ${r.address ?? r.id}`,
    reasons: [reason],
    event,
    ...(options.regarding === undefined ? {} : { regarding: options.regarding }),
    ...(options.after === undefined ? {} : { after: options.after }),
    request: { operation: 'deleteIPAddress', method: 'DELETE', path: `/ips/${r.id}` },
  };
}

/** A /32 tagged for the Service and the cluster: found again by its tags, whatever happens next. */
export function requestReservation(
  service: V1Service,
  where: Location,
  project: ProjectId,
  cluster: ClusterId,
): MetalIntent {
  const ns = service.metadata?.namespace ?? '';
  const name = service.metadata?.name ?? '';
  const regarding = refOf(service);
  return {
    area: 'elastic-ips',
    key: `reservation for ${ns}/${name}`,
    operation: 'create',
    target: `Elastic IP for ${describeRef(regarding)}`,
    reasons: ['a LoadBalancer Service has no Elastic IP'],
    event: events.ElasticIPRequested,
    regarding,
    request: {
      operation: 'requestIPReservation',
      method: 'POST',
      path: `/projects/${project}/ips`,
      body: {
        type: 'public_ipv4',
        quantity: 1,
        ...where,
        details: tagMarks.details.value,
        tags: serviceTags(ns, name, cluster),
      },
    },
  };
}
