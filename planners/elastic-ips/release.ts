import type { V1Service } from '@kubernetes/client-node';
import { refKey, refOf, type ObjectRef } from '../../model/kubernetes.ts';
import { events, type EventReason } from '../../model/marks/events.ts';
import type { Reservation } from '../../model/metal.ts';
import type { ServiceClaim } from '../facts/service-claims.ts';
import { describeService, isDeleting } from '../facts/services.ts';
import { patchService, type Planning } from './planning.ts';
import { releaseReservation, reservationKey } from './reservations.ts';
import { withoutAddresses, withoutFinalizer } from './service-fields.ts';

interface Release {
  /** The Service the reservation was for: the release's Events go on it. */
  readonly owner?: V1Service;
  /** A Service whose own patch, applied first (`after`), stops it showing the address. */
  readonly clearedFirst?: V1Service;
}

const unique = (refs: readonly ObjectRef[]): ObjectRef[] => [
  ...new Map(refs.map((r) => [refKey(r), r])).values(),
];

/**
 * Releases a reservation, unless a live Service still shows its address (in status or the load
 * balancer's annotation): then it waits, and the plan and an Event say why. Whether it went.
 */
export function releaseOrWait(
  p: Planning,
  r: Reservation,
  why: string,
  event: EventReason,
  release: Release = {},
): boolean {
  const holders = (r.address === undefined ? [] : p.claims.holders(r.address)).filter(
    (h) => h.service !== release.clearedFirst,
  );
  const regarding = release.owner === undefined ? undefined : refOf(release.owner);
  if (holders.length > 0) {
    const shown = holders.map((h) => `${describeService(h.service)} (${h.place})`).join(', ');
    const [first, ...rest] = unique([
      ...(regarding === undefined ? [] : [regarding]),
      ...holders.map((h) => refOf(h.service)),
    ]);
    p.warnings.push({
      area: 'elastic-ips',
      subject: `reservation ${r.address ?? r.id}`,
      message: `${why}, but it is not released while a live Service still shows its address: ${shown}; it waits`,
      ...(first === undefined ? {} : { regarding: first }),
      ...(rest.length === 0 ? {} : { alsoRegarding: rest }),
      event: events.ElasticIPReleaseWaiting,
    });
    return false;
  }
  const after =
    release.clearedFirst === undefined ? undefined : [refKey(refOf(release.clearedFirst))];
  p.metal.push(
    releaseReservation(r, why, event, {
      ...(regarding === undefined ? {} : { regarding }),
      ...(after === undefined ? {} : { after }),
    }),
  );
  return true;
}

/**
 * A Service that is no longer ours (deleted, retyped, re-classed). Still live and showing its
 * address: the address comes off it first, then its reservation goes, then (next loop) the
 * finalizer. Being deleted: its reservation goes, then the finalizer, which stays while the
 * reservation waits.
 */
export function release(p: Planning, claim: ServiceClaim): void {
  const { service, tagged, decision } = claim;
  const why = isDeleting(service)
    ? 'the Service is being deleted'
    : 'the Service is no longer a LoadBalancer of this CCM';
  const given = decision.kind === 'not-ours' ? decision.given : undefined;
  const addresses = new Set(
    [...tagged.map((r) => r.address), given].filter((a) => a !== undefined),
  );
  const cleared = isDeleting(service)
    ? service
    : withoutAddresses(service, addresses, p.annotation);
  if (cleared !== service) {
    patchService(p, service, cleared, why, events.ElasticIPCleared);
    for (const r of tagged)
      releaseOrWait(p, r, why, events.ElasticIPReleased, { owner: service, clearedFirst: service });
    return;
  }
  const released = tagged.filter((r) =>
    releaseOrWait(p, r, why, events.ElasticIPReleased, { owner: service }),
  );
  if (released.length < tagged.length) return; // the finalizer stays while a reservation does
  const after = tagged.map(reservationKey);
  patchService(p, service, withoutFinalizer(service), why, events.ElasticIPCleared, after);
}
