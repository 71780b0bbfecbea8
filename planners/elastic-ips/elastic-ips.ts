import type { V1Service } from '@kubernetes/client-node';
import type { Desired } from '../../model/desired.ts';
import { placeholderOf } from '../../model/known-after-apply.ts';
import { describeRef, refOf } from '../../model/kubernetes.ts';
import { events } from '../../model/marks/events.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { factsOf, type Facts } from '../facts/facts.ts';
import type { ServiceClaim } from '../facts/service-claims.ts';
import { locationOf } from './location.ts';
import { requestReservation } from './reservations.ts';
import { release, releaseOrWait } from './release.ts';
import { patchService, warn, type Planning } from './planning.ts';
import { assign, hasFinalizer } from './service-fields.ts';
import { conditionHolds, gone, planConditions, ready } from './ready-condition.ts';
import { Settled } from '../settled.ts';
import { isDeleting } from '../facts/services.ts';

/** A Service whose own reservation is kept, awaited, or requested. */
function planOwn(p: Planning, claim: ServiceClaim): void {
  const { service, own } = claim;
  for (const extra of claim.tagged.filter((r) => r !== own))
    releaseOrWait(
      p,
      extra,
      `a second reservation for ${describeRef(refOf(service))} (a request whose answer was lost)`,
      events.ElasticIPDuplicateReleased,
      { owner: service },
    );
  if (own === undefined) {
    request(p, service);
  } else if (own.state !== 'created' || own.address === undefined) {
    warn(
      p,
      service,
      `its Elastic IP (reservation ${own.id}) is ${own.state}: waiting for Equinix to approve it`,
      own.state === 'denied' ? events.ElasticIPDenied : events.ElasticIPPending,
    );
    const marked = assign(service, undefined, p.annotation);
    const why = 'mark the Service while its Elastic IP is pending';
    patchService(p, service, marked, why, events.ElasticIPFinalizerAdded);
  } else {
    const given = assign(service, own.address, p.annotation);
    const why = `give the Service its Elastic IP ${own.address}`;
    patchService(p, service, given, why, events.ElasticIPAssigned);
    p.conditions.set(service, ready(own.address, `(reservation ${own.id})`));
  }
}

/**
 * A reservation for a Service that has none, within `--eip-limit`; its address goes on the Service
 * with the cleanup finalizer, in one write, once Metal answers (known after apply). Nothing needs
 * the finalizer sooner: whatever becomes of the request (a lost answer, a crash, the Service
 * deleted meanwhile) the reservation is found again by its tags, and the next loop gives it to the
 * Service or, the Service gone, collects it from a complete observation; a refused request leaves
 * nothing to clean up.
 */
function request(p: Planning, service: V1Service): void {
  const { settings } = p.snapshot;
  const where = locationOf(service, p.snapshot);
  if ('error' in where) {
    warn(p, service, `${where.error}; no Elastic IP requested`, events.InvalidElasticIPLocation);
    return;
  }
  if (settings.eipLimit > 0 && p.announced >= settings.eipLimit) {
    const limit = String(settings.eipLimit);
    const why = `${limit} Elastic IPs are announced already (the limit, --eip-limit); none requested for this Service`;
    warn(p, service, why, events.ElasticIPLimitReached);
    return;
  }
  p.announced++;
  const reservation = requestReservation(service, where, settings.projectID, p.cluster);
  p.metal.push(reservation);
  const address = placeholderOf({ key: reservation.key, field: 'address' });
  const id = placeholderOf({ key: reservation.key, field: 'id' });
  const given = assign(service, address, p.annotation);
  const gives = 'give the Service the address of its new Elastic IP';
  patchService(p, service, given, gives, events.ElasticIPAssigned);
  // The condition as the next loop will see it, in the same status write as the address.
  p.conditions.set(service, ready(address, `(reservation ${id})`));
}

function planClaim(p: Planning, claim: ServiceClaim): void {
  const { service, decision } = claim;
  switch (decision.kind) {
    case 'not-ours':
      if (claim.tagged.length > 0 || hasFinalizer(service)) release(p, claim);
      if (!isDeleting(service)) p.conditions.set(service, gone);
      break;
    case 'refused':
      warn(p, service, decision.message, decision.event);
      break;
    case 'chosen': {
      // The user chose the address: use that reservation of the project, never release it.
      const given = assign(service, decision.reservation.address, p.annotation);
      const why = `use the reservation ${decision.reservation.id} the Service asks for`;
      patchService(p, service, given, why, events.ElasticIPAssigned);
      const { address, id } = decision.reservation;
      p.conditions.set(service, ready(address ?? '', `(reservation ${id}, chosen by the Service)`));
      break;
    }
    case 'own':
      planOwn(p, claim);
  }
}

/** Claims whose Service has its address and condition as wanted, and the settings they were read with. */
const settled = new Settled<ServiceClaim>();

/** Every claim but those settled under the same settings (the claims are kept while nothing changes). */
function planClaims(p: Planning, claims: readonly ServiceClaim[]): void {
  const inputs = [p.snapshot.settings];
  for (const claim of claims) {
    if (settled.has(claim, inputs)) continue;
    const before = p.objects.length + p.metal.length + p.warnings.length;
    planClaim(p, claim);
    const planned = p.objects.length + p.metal.length + p.warnings.length > before;
    const { service } = claim;
    settled.remember(claim, inputs, !planned && conditionHolds(service, p.conditions.get(service)));
  }
}

/** Reservations of this cluster no Service claims: released, but only from a complete observation. */
function collectOrphans(p: Planning, facts: Facts): void {
  for (const r of facts.serviceClaims?.orphans ?? []) {
    if (p.snapshot.metal.complete) {
      const why = 'tagged for a Service of this cluster that no longer exists';
      releaseOrWait(p, r, why, events.ElasticIPCollected);
    } else {
      p.warnings.push({
        area: 'elastic-ips',
        subject: `reservation ${r.address ?? r.id}`,
        message: 'no Service claims it, but the Metal observation is incomplete; not released',
      });
    }
  }
}

/**
 * An Elastic IP for every LoadBalancer Service: a /32 reservation tagged for the Service and the
 * cluster, found again by those tags, put on the Service with its finalizer, released when the
 * Service goes; reservations of this cluster that no Service claims are collected, but only from a
 * complete observation; anything not tagged for this cluster is never touched.
 */
export function planElasticIps(snapshot: Snapshot, facts: Facts = factsOf(snapshot)): Desired {
  const out: Desired = { objects: [], metal: [], warnings: [] };
  if (!facts.loadBalancer.elasticIps) return out;
  const cluster = snapshot.kubernetes.clusterId;
  const claims = facts.serviceClaims;
  if (cluster === undefined || claims === undefined)
    return {
      ...out,
      warnings: [
        {
          area: 'elastic-ips',
          subject: 'Namespace kube-system',
          message: 'its UID (the cluster tag) is unknown; no Elastic IP is planned',
        },
      ],
    };
  const p: Planning = {
    snapshot,
    cluster,
    claims,
    annotation: facts.loadBalancer.addressAnnotation,
    objects: [],
    metal: [],
    warnings: [],
    conditions: new Map(),
    announced: claims.claims.filter(
      (c) => c.decision.kind !== 'not-ours' && c.own?.state === 'created',
    ).length,
  };
  planClaims(p, claims.claims);
  collectOrphans(p, facts);
  planConditions(p, p.conditions);
  return { objects: p.objects, metal: p.metal, warnings: p.warnings };
}
