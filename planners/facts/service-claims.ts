import type { V1Service } from '@kubernetes/client-node';
import { mirrorService } from '../../model/marks/control-plane.ts';
import { events, type EventReason } from '../../model/marks/events.ts';
import { ownedBy, serviceTag } from '../../model/marks/tags.ts';
import type { ClusterId } from '../../model/ids.ts';
import type { Reservation } from '../../model/metal.ts';
import { byText } from '../../model/order.ts';
import type { Snapshot } from '../../model/snapshot.ts';

/** What a Service is owed, decided once per snapshot for the Elastic IP planner and MetalLB alike. */
export type Decision =
  /** Not a LoadBalancer of this CCM (deleted, retyped, re-classed): what is tagged for it goes. */
  | { readonly kind: 'not-ours' }
  /** Its own reservation (`own`), or one to request when it has none. */
  | { readonly kind: 'own' }
  /** The reservation of the project its user chose. */
  | { readonly kind: 'chosen'; readonly reservation: Reservation }
  /** It names an address it cannot have: nothing is written to it. */
  | { readonly kind: 'refused'; readonly event: EventReason; readonly message: string };

export interface ServiceClaim {
  readonly service: V1Service;
  /** Its `service=` tag. */
  readonly tag: string;
  /** The reservations of this cluster tagged for it (a crash can leave two). */
  readonly tagged: readonly Reservation[];
  /** The one of `tagged` to keep: the one in use. */
  readonly own?: Reservation;
  readonly decision: Decision;
}

export interface ServiceClaims {
  /** Every Service but the control-plane mirror, by namespace/name. */
  readonly claims: readonly ServiceClaim[];
  /** Reservations of this cluster tagged for a Service that does not exist. */
  readonly orphans: readonly Reservation[];
  /** The Elastic IP each LoadBalancer Service of ours has now: what a load balancer announces. */
  readonly addresses: readonly { readonly service: V1Service; readonly address: string }[];
}

const nameOf = (s: V1Service): string => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
export const isMirror = (s: V1Service): boolean =>
  s.metadata?.namespace === mirrorService.namespace && s.metadata.name === mirrorService.name;

/** Type LoadBalancer, no class or ours, not the control-plane mirror, not being deleted. */
function wantsElasticIp(service: V1Service, ourClass: string | undefined): boolean {
  const cls = service.spec?.loadBalancerClass;
  return (
    service.spec?.type === 'LoadBalancer' &&
    (cls === undefined || cls === ourClass) &&
    !isMirror(service) &&
    service.metadata?.deletionTimestamp === undefined
  );
}

/** The control-plane Elastic IP is never a Service's, whoever asks for it. */
const isControlPlaneEip = (r: Reservation, eipTag: string): boolean =>
  eipTag !== '' && r.tags.includes(eipTag);

/** This cluster's Service reservations by their `service=` tag (the control-plane EIP excluded). */
function taggedReservations(snapshot: Snapshot, cluster: ClusterId): Map<string, Reservation[]> {
  const tagged = new Map<string, Reservation[]>();
  for (const r of snapshot.metal.reservations) {
    if (!ownedBy(r.tags, cluster) || isControlPlaneEip(r, snapshot.settings.eipTag)) continue;
    const tag = r.tags.find((t) => t.startsWith('service=')) ?? '';
    tagged.set(tag, [...(tagged.get(tag) ?? []), r]);
  }
  return tagged;
}

/** The one reservation to keep of several for one Service (a crash can leave two): the one in use. */
function chooseReservation(
  service: V1Service,
  candidates: readonly Reservation[],
): Reservation | undefined {
  const inUse = service.spec?.loadBalancerIP;
  return [...candidates].sort(
    (a, b) => Number(b.address === inUse) - Number(a.address === inUse) || byText(a.id, b.id),
  )[0];
}

/** What a Service that names an address it has no tag for gets. */
function decideRequested(snapshot: Snapshot, requested: string): Decision {
  const { eipTag } = snapshot.settings;
  const named = snapshot.metal.reservations.filter((r) => r.address === requested);
  if (named.some((r) => isControlPlaneEip(r, eipTag)))
    return {
      kind: 'refused',
      event: events.ElasticIPRefused,
      message: `spec.loadBalancerIP ${requested} is the control-plane Elastic IP (tag ${eipTag}); it is never a Service's, nothing done`,
    };
  const reservation = named.find((r) => r.state === 'created');
  return reservation === undefined
    ? {
        kind: 'refused',
        event: events.ElasticIPUnknown,
        message: `spec.loadBalancerIP ${requested} is not an address of a reservation in the project; nothing done`,
      }
    : { kind: 'chosen', reservation };
}

function decide(snapshot: Snapshot, service: V1Service, tagged: readonly Reservation[]): Decision {
  if (!wantsElasticIp(service, snapshot.settings.loadBalancerClass)) return { kind: 'not-ours' };
  const requested = service.spec?.loadBalancerIP;
  if (requested === undefined || requested === '' || tagged.some((r) => r.address === requested))
    return { kind: 'own' };
  return decideRequested(snapshot, requested);
}

/** The address a decided Service has now, if any. */
function addressOf(claim: ServiceClaim): string | undefined {
  const { decision } = claim;
  const r =
    decision.kind === 'chosen'
      ? decision.reservation
      : decision.kind === 'own'
        ? claim.own
        : undefined;
  return r?.state === 'created' ? r.address : undefined;
}

/** Which reservation is each Service's: decided once per snapshot. */
export function serviceClaims(snapshot: Snapshot, cluster: ClusterId): ServiceClaims {
  const tagged = taggedReservations(snapshot, cluster);
  const services = [...snapshot.kubernetes.services].sort((a, b) => byText(nameOf(a), nameOf(b)));
  const known = new Set<string>();
  const claims: ServiceClaim[] = [];
  for (const service of services) {
    // The tag is a SHA-256: computed once per Service, not once per use.
    const tag = serviceTag(service.metadata?.namespace ?? '', service.metadata?.name ?? '');
    known.add(tag);
    if (isMirror(service)) continue;
    const mine = tagged.get(tag) ?? [];
    const own = chooseReservation(service, mine);
    const decision = decide(snapshot, service, mine);
    claims.push({ service, tag, tagged: mine, ...(own === undefined ? {} : { own }), decision });
  }
  const orphans = [...tagged].flatMap(([tag, reservations]) =>
    known.has(tag) ? [] : reservations,
  );
  const addresses = claims.flatMap((claim) => {
    const address = addressOf(claim);
    return address === undefined ? [] : [{ service: claim.service, address }];
  });
  return { claims, orphans, addresses };
}
