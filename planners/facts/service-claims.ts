import type { V1Service } from '@kubernetes/client-node';
import { events, type EventReason } from '../../model/marks/events.ts';
import { serviceTag } from '../../model/marks/tags.ts';
import type { ClusterId } from '../../model/ids.ts';
import type { Reservation } from '../../model/metal.ts';
import { byText } from '../../model/order.ts';
import type { Settings } from '../../model/settings.ts';
import { decideBringYourOwn, type Contender } from './bring-your-own.ts';
import { kindOf } from './reservation-kinds.ts';
import { Remembered } from '../settled.ts';
import {
  requestedAddress,
  shownAddresses,
  statusAddresses,
  type Place,
} from './service-addresses.ts';
import { describeService, isDeleting, isMirror, nameOf, wantsElasticIp } from './services.ts';

/** What a Service is owed, decided once per snapshot for the Elastic IP planner and MetalLB alike. */
export type Decision =
  /**
   * Not a LoadBalancer of this CCM (deleted, retyped, re-classed): what is tagged for it goes;
   * `given` is the bring-your-own address the CCM gave it, which it still shows.
   */
  | { readonly kind: 'not-ours'; readonly given?: string }
  /** Its own reservation (`own`), or one to request when it has none. */
  | { readonly kind: 'own' }
  /** The bring-your-own reservation its user chose. */
  | { readonly kind: 'chosen'; readonly reservation: Reservation }
  /** It names an address it cannot have: nothing is written to it. */
  | { readonly kind: 'refused'; readonly event: EventReason; readonly message: string };

export interface ServiceClaim {
  readonly service: V1Service;
  /** The reservations of this cluster tagged for it (a crash can leave two). */
  readonly tagged: readonly Reservation[];
  /** The one of `tagged` to keep: the one in use. */
  readonly own?: Reservation;
  readonly decision: Decision;
}

/** A live Service that shows an address, and where. */
export interface Holder {
  readonly service: V1Service;
  readonly place: Place;
}

export interface ServiceClaims {
  /** Every Service but the control-plane mirror, by namespace/name. */
  readonly claims: readonly ServiceClaim[];
  /** Reservations of this cluster tagged for a Service that does not exist. */
  readonly orphans: readonly Reservation[];
  /** The Elastic IP each LoadBalancer Service of ours has now: what a load balancer announces. */
  readonly addresses: readonly { readonly service: V1Service; readonly address: string }[];
  /** The live Services (not being deleted) that show an address in status or the annotation. */
  readonly holders: (address: string) => readonly Holder[];
}

/** What the claims are decided from: nothing else of the snapshot. */
export interface ClaimsSource {
  readonly services: readonly V1Service[];
  readonly reservations: readonly Reservation[];
  readonly settings: Settings;
}

/** Everything the decisions are made from, read once. */
interface Reading extends ClaimsSource {
  readonly cluster: ClusterId;
  readonly annotation: string | undefined;
  /** This cluster's Service reservations by their `service=` tag. */
  readonly tagged: ReadonlyMap<string, readonly Reservation[]>;
  /** Every Service's `service=` tag (the mirror's too), and the Service of each. */
  readonly tags: ReadonlyMap<V1Service, string>;
  readonly byTag: ReadonlyMap<string, V1Service>;
  /** The addresses of the bring-your-own reservations. */
  readonly byo: ReadonlySet<string>;
}

/**
 * A Service's `service=` tag, a SHA-256: computed once per Service object, not once per use nor
 * per loop (the caches keep an unchanged object as it is, so a resync reuses it).
 */
const tagOf = (s: V1Service): string => {
  let tag = tagsBy.get(s);
  if (tag === undefined)
    tagsBy.set(s, (tag = serviceTag(s.metadata?.namespace ?? '', s.metadata?.name ?? '')));
  return tag;
};
const tagsBy = new WeakMap<V1Service, string>();

function read(source: ClaimsSource, cluster: ClusterId, annotation: string | undefined): Reading {
  const tagged = new Map<string, Reservation[]>();
  const byo = new Set<string>();
  for (const r of source.reservations) {
    const kind = kindOf(r, cluster, source.settings.eipTag);
    if (kind.kind === 'service') {
      const same = tagged.get(kind.tag);
      if (same === undefined) tagged.set(kind.tag, [r]);
      else same.push(r);
    }
    if (kind.kind === 'byo' && r.address !== undefined) byo.add(r.address);
  }
  const tags = new Map(source.services.map((s) => [s, tagOf(s)]));
  const byTag = new Map([...tags].map(([s, tag]) => [tag, s]));
  return { ...source, cluster, annotation, tagged, tags, byTag, byo };
}

/** The one reservation to keep of several for one Service (a crash can leave two): the one in use. */
function chooseReservation(
  service: V1Service,
  candidates: readonly Reservation[],
): Reservation | undefined {
  if (candidates.length < 2) return candidates[0];
  const inUse = service.spec?.loadBalancerIP;
  return [...candidates].sort(
    (a, b) => Number(b.address === inUse) - Number(a.address === inUse) || byText(a.id, b.id),
  )[0];
}

const refused = (event: EventReason, message: string): Decision => ({
  kind: 'refused',
  event,
  message,
});

/** What a Service gets for an address it names that is not tagged for it; a BYO one is contested. */
function decideNamed(
  r: Reading,
  address: string,
  place: Place,
): Decision | Omit<Contender, 'service'> {
  const { eipTag } = r.settings;
  const said = `${place} ${address}`;
  const named = r.reservations.filter((x) => x.address === address);
  const kinds = named.map((x) => ({ reservation: x, ...kindOf(x, r.cluster, eipTag) }));
  for (const k of kinds) {
    if (k.kind === 'control-plane')
      return refused(
        events.ElasticIPRefused,
        `${said} is the control-plane Elastic IP (tag ${eipTag}); it is never a Service's, nothing done`,
      );
    if (k.kind === 'service') {
      const owner = r.byTag.get(k.tag);
      const whose =
        owner === undefined
          ? 'a Service of this cluster that no longer exists (it is released)'
          : describeService(owner);
      return refused(
        events.ElasticIPInUse,
        `${said} is the Elastic IP of ${whose}, and only that Service's; nothing done`,
      );
    }
    if (k.kind === 'foreign')
      return refused(
        events.ElasticIPForeign,
        `${said} is not this cluster's: ${k.why}; never adopted`,
      );
  }
  const reservation = named.find((x) => x.state === 'created');
  return reservation === undefined
    ? refused(
        events.ElasticIPUnknown,
        `${said} is not an address of a reservation in the project; nothing done`,
      )
    : { place, reservation };
}

/** A Service's decision, or the bring-your-own address it contends for. */
function decide(
  r: Reading,
  service: V1Service,
  tagged: readonly Reservation[],
): Decision | Contender {
  if (!wantsElasticIp(service, r.settings.loadBalancerClass)) {
    const given = isDeleting(service)
      ? undefined
      : statusAddresses(service).find((a) => r.byo.has(a));
    return given === undefined ? { kind: 'not-ours' } : { kind: 'not-ours', given };
  }
  const requested = requestedAddress(service, r.annotation);
  if (requested === undefined || tagged.some((x) => x.address === requested.address))
    return { kind: 'own' };
  const named = decideNamed(r, requested.address, requested.place);
  return 'kind' in named ? named : { service, ...named };
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

/** The live Services that show each address (status or annotation). */
function holdersIndex(r: Reading): (address: string) => readonly Holder[] {
  // Built when first asked (a release is planned), not on every loop.
  let index: Map<string, Holder[]> | undefined;
  const indexed = (): Map<string, Holder[]> => {
    const made = new Map<string, Holder[]>();
    for (const service of r.services) {
      if (isDeleting(service)) continue;
      for (const { address, place } of shownAddresses(service, r.annotation)) {
        const same = made.get(address);
        if (same === undefined) made.set(address, [{ service, place }]);
        else same.push({ service, place });
      }
    }
    return made;
  };
  return (address) => (index ??= indexed()).get(address) ?? [];
}

/** Services by namespace/name (each name made once; the caches' lists come sorted already). */
function byName(services: readonly V1Service[]): V1Service[] {
  const named = services.map((s) => [nameOf(s), s] as const);
  const sorted = named.every(([n], i) => i === 0 || byText(named[i - 1]?.[0] ?? '', n) <= 0);
  if (!sorted) named.sort(([a], [b]) => byText(a, b));
  return named.map(([, s]) => s);
}

/**
 * A Service's claim decided as its own reservation's (or one to request), and what it was decided
 * from: kept while its reservations and the settings are the same objects, so what the planners
 * derived from the claim is kept too (planners/settled.ts). Other decisions depend on other objects.
 */
const ownClaims = new Remembered<V1Service, ServiceClaim>();

/** A Service's claim as kept, or what was decided for it (or the address it contends for). */
type Decided =
  | { readonly kept: ServiceClaim }
  | {
      readonly service: V1Service;
      readonly tagged: readonly Reservation[];
      readonly own: Reservation | undefined;
      readonly from: readonly unknown[];
      readonly d: Decision | Contender;
    };

function decideEach(r: Reading, services: readonly V1Service[]): Decided[] {
  return services.map((service) => {
    const tagged = r.tagged.get(r.tags.get(service) ?? '') ?? [];
    const from = [r.cluster, r.annotation, r.settings, ...tagged];
    const kept = ownClaims.get(service, from);
    if (kept !== undefined) return { kept };
    const own = chooseReservation(service, tagged);
    return { service, tagged, own, from, d: decide(r, service, tagged) };
  });
}

/** Which reservation is each Service's: decided once per snapshot. */
export function serviceClaims(
  source: ClaimsSource,
  cluster: ClusterId,
  annotation: string | undefined,
): ServiceClaims {
  const r = read(source, cluster, annotation);
  const first = decideEach(r, byName(source.services.filter((s) => !isMirror(s))));
  const contested = decideBringYourOwn(
    first.flatMap((f) => ('kept' in f || 'kind' in f.d ? [] : [f.d])),
    source.services,
  );
  const claims = first.map((f): ServiceClaim => {
    if ('kept' in f) return f.kept;
    const { service, tagged, own, d } = f;
    const claim = {
      service,
      tagged,
      ...(own === undefined ? {} : { own }),
      decision: 'kind' in d ? d : (contested.get(service) ?? { kind: 'own' }),
    };
    if ('kind' in d && d.kind === 'own') ownClaims.set(service, f.from, claim);
    return claim;
  });
  const known = new Set(r.tags.values());
  const orphans = [...r.tagged].flatMap(([tag, reservations]) =>
    known.has(tag) ? [] : reservations,
  );
  const addresses = claims.flatMap((claim) => {
    const address = addressOf(claim);
    return address === undefined ? [] : [{ service: claim.service, address }];
  });
  return { claims, orphans, addresses, holders: holdersIndex(r) };
}
