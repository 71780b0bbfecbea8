import { byText } from '../../model/order.ts';
import { mirrorService } from '../../model/marks/control-plane.ts';
import type { V1Service } from '@kubernetes/client-node';
import { produce } from 'immer';
import type { LoadBalancer } from '../../model/settings.ts';
import type { Desired, MetalIntent, ObjectIntent } from '../../model/desired.ts';
import type { ClusterId } from '../../model/ids.ts';
import { describeRef, hasOnlyIngress, refKey, refOf } from '../../model/kubernetes.ts';
import type { Reservation } from '../../model/metal.ts';
import type { Warning } from '../../model/plan.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { ownedBy, serviceTag, serviceTags } from '../../model/marks/tags.ts';
import { events, type EventReason } from '../../model/marks/events.ts';
import { serviceMarks } from '../../model/marks/service.ts';

const cleanupFinalizer = serviceMarks.cleanupFinalizer.key;

/** The Service annotation each load balancer reads the address from, besides spec.loadBalancerIP. */
function ipAnnotation(lb: LoadBalancer): string | undefined {
  if (lb.kind === 'kube-vip') return serviceMarks.kubeVipAddress.key;
  if (lb.kind === 'metallb-configmap' || lb.kind === 'metallb-crds')
    return serviceMarks.metallbAddress.key;
  return undefined;
}

const name = (s: V1Service): string => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
const isMirror = (s: V1Service): boolean =>
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

const locationCode = /^[a-z0-9]+$/;

/** Where the Service's EIP goes: its annotations (facility, the more specific, over metro), else the settings. */
function locationOf(
  service: V1Service,
  snapshot: Snapshot,
): { metro: string } | { facility: string } | { error: string } {
  const { eipMetro, eipFacility } = snapshot.settings.annotations;
  const annotations = service.metadata?.annotations ?? {};
  for (const [key, field] of [
    [eipFacility, 'facility'],
    [eipMetro, 'metro'],
  ] as const) {
    const value = annotations[key];
    if (value === undefined) continue;
    const code = value.trim().toLowerCase();
    if (!locationCode.test(code))
      return {
        error: `annotation ${key}: expected a ${field} code such as ${field === 'metro' ? '"da"' : '"da11"'}, got ${JSON.stringify(value)}`,
      };
    return field === 'metro' ? { metro: code } : { facility: code };
  }
  const { facility, metro } = snapshot.metal.location;
  if (facility !== undefined) return { facility };
  if (metro !== undefined) return { metro };
  return { error: 'no metro or facility is configured and the Service names none' };
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

interface Planned {
  readonly objects: ObjectIntent[];
  readonly metal: MetalIntent[];
  readonly warnings: Warning[];
}

const reservationKey = (r: Reservation): string => `reservation ${r.id}`;

function releaseReservation(
  r: Reservation,
  reason: string,
  event: EventReason,
  regarding?: ReturnType<typeof refOf>,
): MetalIntent {
  return {
    area: 'elastic-ips',
    key: reservationKey(r),
    operation: 'delete',
    target: `reservation ${r.address ?? r.id}`,
    reasons: [reason],
    event,
    ...(regarding === undefined ? {} : { regarding }),
    request: { operation: 'deleteIPAddress', method: 'DELETE', path: `/ips/${r.id}` },
  };
}

/** A Service that is no longer ours (deleted, retyped, re-classed): its EIP goes, then our marks. */
function release(
  service: V1Service,
  mine: readonly Reservation[],
  lb: LoadBalancer,
  out: Planned,
): void {
  const ref = refOf(service);
  const addresses = new Set(mine.map((r) => r.address).filter((a) => a !== undefined));
  const why =
    service.metadata?.deletionTimestamp !== undefined
      ? 'the Service is being deleted'
      : 'the Service is no longer a LoadBalancer of this CCM';
  for (const r of mine) out.metal.push(releaseReservation(r, why, events.ElasticIPReleased, ref));
  const annotation = ipAnnotation(lb);
  const desired = produce(service, (d) => {
    d.metadata ??= {};
    const finalizers = (d.metadata.finalizers ?? []).filter((f) => f !== cleanupFinalizer);
    if (finalizers.length === 0) delete d.metadata.finalizers;
    else d.metadata.finalizers = finalizers;
    if (service.metadata?.deletionTimestamp !== undefined) return; // going anyway: only let it go
    if (d.spec?.loadBalancerIP !== undefined && addresses.has(d.spec.loadBalancerIP))
      delete d.spec.loadBalancerIP;
    if (
      annotation !== undefined &&
      d.metadata.annotations?.[annotation] !== undefined &&
      addresses.has(d.metadata.annotations[annotation])
    ) {
      const { [annotation]: _, ...others } = d.metadata.annotations;
      if (Object.keys(others).length === 0) delete d.metadata.annotations;
      else d.metadata.annotations = others;
    }
    if (
      d.status?.loadBalancer?.ingress?.some((i) => i.ip !== undefined && addresses.has(i.ip)) ===
      true
    )
      d.status.loadBalancer = {};
  });
  if (desired !== service) {
    out.objects.push({
      area: 'elastic-ips',
      observed: service,
      desired,
      reasons: [why],
      event: events.ElasticIPCleared,
      after: mine.map(reservationKey),
    });
  }
}

/** The Service with our finalizer and, once there is an address, the address in every place. */
function assign(service: V1Service, address: string | undefined, lb: LoadBalancer): V1Service {
  const annotation = ipAnnotation(lb);
  if (isAssigned(service, address, annotation)) return service; // the usual case: no draft
  return produce(service, (d) => {
    d.metadata ??= {};
    if (!(d.metadata.finalizers ?? []).includes(cleanupFinalizer))
      d.metadata.finalizers = [...(d.metadata.finalizers ?? []), cleanupFinalizer];
    if (address === undefined) return;
    d.spec ??= {};
    if (d.spec.loadBalancerIP !== address) d.spec.loadBalancerIP = address;
    if (annotation !== undefined && d.metadata.annotations?.[annotation] !== address) {
      d.metadata.annotations = { ...d.metadata.annotations, [annotation]: address };
    }
    if (!hasOnlyIngress(service, address))
      d.status = { ...d.status, loadBalancer: { ingress: [{ ip: address }] } };
  });
}

/** Whether `assign` would change nothing. */
function isAssigned(
  service: V1Service,
  address: string | undefined,
  annotation: string | undefined,
): boolean {
  if (!(service.metadata?.finalizers ?? []).includes(cleanupFinalizer)) return false;
  if (address === undefined) return true;
  return (
    service.spec?.loadBalancerIP === address &&
    (annotation === undefined || service.metadata?.annotations?.[annotation] === address) &&
    hasOnlyIngress(service, address)
  );
}

/**
 * An Elastic IP for every LoadBalancer Service: a /32 reservation tagged for the Service and the
 * cluster, found again by those tags, put on the Service (finalizer first), released when the
 * Service goes; reservations of this cluster that no Service claims are collected, but only from a
 * complete observation; anything not tagged for this cluster is never touched.
 */
export function planElasticIps(snapshot: Snapshot): Desired {
  const out: Planned = { objects: [], metal: [], warnings: [] };
  const { settings } = snapshot;
  const lb = settings.loadBalancer;
  if (lb.kind === 'none') return out;
  const cluster = snapshot.kubernetes.clusterId;
  if (cluster === undefined) {
    out.warnings.push({
      area: 'elastic-ips',
      subject: 'Namespace kube-system',
      message: 'its UID (the cluster tag) is unknown; no Elastic IP is planned',
    });
    return out;
  }
  const tagged = taggedReservations(snapshot, cluster);
  const claimed = new Set<string>();
  const services = [...snapshot.kubernetes.services].sort((a, b) => byText(name(a), name(b)));
  // The tag is a SHA-256: computed once per Service, not once per use.
  const tags = new Map(
    services.map((s) => [s, serviceTag(s.metadata?.namespace ?? '', s.metadata?.name ?? '')]),
  );
  const wanted = services.filter((s) => wantsElasticIp(s, settings.loadBalancerClass));
  let announced = wanted.filter(
    (s) => chooseReservation(s, tagged.get(tags.get(s) ?? '') ?? [])?.state === 'created',
  ).length;

  for (const service of services) {
    const ns = service.metadata?.namespace ?? '';
    const svcName = service.metadata?.name ?? '';
    const tag = tags.get(service) ?? '';
    const mine = tagged.get(tag) ?? [];
    claimed.add(tag);
    const subject = describeRef(refOf(service));
    const regarding = refOf(service);
    if (!wantsElasticIp(service, settings.loadBalancerClass)) {
      if (
        !isMirror(service) &&
        (mine.length > 0 || (service.metadata?.finalizers ?? []).includes(cleanupFinalizer))
      )
        release(service, mine, lb, out);
      continue;
    }
    const warn = (message: string, event: EventReason): void => {
      out.warnings.push({ area: 'elastic-ips', subject, message, regarding, event });
    };
    const requested = service.spec?.loadBalancerIP;
    if (requested !== undefined && requested !== '' && !mine.some((r) => r.address === requested)) {
      // The user chose the address: use that reservation of the project, never release it.
      const theirs = requestedReservation(snapshot, requested);
      const controlPlane = snapshot.metal.reservations.some(
        (r) => r.address === requested && isControlPlaneEip(r, snapshot.settings.eipTag),
      );
      if (controlPlane)
        warn(
          `spec.loadBalancerIP ${requested} is the control-plane Elastic IP (tag ${snapshot.settings.eipTag}); it is never a Service's, nothing done`,
          events.ElasticIPRefused,
        );
      else if (theirs === undefined)
        warn(
          `spec.loadBalancerIP ${requested} is not an address of a reservation in the project; nothing done`,
          events.ElasticIPUnknown,
        );
      else
        pushService(
          out,
          service,
          assign(service, requested, lb),
          `use the reservation ${theirs.id} the Service asks for`,
          events.ElasticIPAssigned,
        );
      continue;
    }
    const chosen = chooseReservation(service, mine);
    for (const extra of mine.filter((r) => r !== chosen)) {
      out.metal.push(
        releaseReservation(
          extra,
          `a second reservation for ${subject} (a request whose answer was lost)`,
          events.ElasticIPDuplicateReleased,
          regarding,
        ),
      );
    }
    if (chosen === undefined) {
      const where = locationOf(service, snapshot);
      if ('error' in where) {
        warn(`${where.error}; no Elastic IP requested`, events.InvalidElasticIPLocation);
        continue;
      }
      if (settings.eipLimit > 0 && announced >= settings.eipLimit) {
        warn(
          `${String(settings.eipLimit)} Elastic IPs are announced already (the limit, --eip-limit); none requested for this Service`,
          events.ElasticIPLimitReached,
        );
        continue;
      }
      pushService(
        out,
        service,
        assign(service, undefined, lb),
        'mark the Service before its Elastic IP is requested',
        events.ElasticIPFinalizerAdded,
      );
      announced++;
      out.metal.push({
        area: 'elastic-ips',
        key: `reservation for ${ns}/${svcName}`,
        operation: 'create',
        target: `Elastic IP for ${subject}`,
        reasons: ['a LoadBalancer Service has no Elastic IP'],
        event: events.ElasticIPRequested,
        regarding,
        after: [refKey(regarding)],
        request: {
          operation: 'requestIPReservation',
          method: 'POST',
          path: `/projects/${settings.projectID}/ips`,
          body: {
            type: 'public_ipv4',
            quantity: 1,
            ...where,
            tags: serviceTags(ns, svcName, cluster),
          },
        },
      });
      continue;
    }
    if (chosen.state !== 'created' || chosen.address === undefined) {
      warn(
        `its Elastic IP (reservation ${chosen.id}) is ${chosen.state}: waiting for Equinix to approve it`,
        chosen.state === 'denied' ? events.ElasticIPDenied : events.ElasticIPPending,
      );
      pushService(
        out,
        service,
        assign(service, undefined, lb),
        'mark the Service while its Elastic IP is pending',
        events.ElasticIPFinalizerAdded,
      );
      continue;
    }
    pushService(
      out,
      service,
      assign(service, chosen.address, lb),
      `give the Service its Elastic IP ${chosen.address}`,
      events.ElasticIPAssigned,
    );
  }

  for (const [tag, reservations] of tagged) {
    if (claimed.has(tag)) continue;
    for (const r of reservations) {
      if (snapshot.metal.complete) {
        out.metal.push(
          releaseReservation(
            r,
            'tagged for a Service of this cluster that no longer exists',
            events.ElasticIPCollected,
          ),
        );
      } else {
        out.warnings.push({
          area: 'elastic-ips',
          subject: `reservation ${r.address ?? r.id}`,
          message: 'no Service claims it, but the Metal observation is incomplete; not released',
        });
      }
    }
  }
  return out;
}

/** The control-plane Elastic IP is never a Service's, whoever asks for it. */
const isControlPlaneEip = (r: Reservation, eipTag: string): boolean =>
  eipTag !== '' && r.tags.includes(eipTag);

/** The created reservation whose address a Service's user chose (never the control-plane EIP). */
const requestedReservation = (snapshot: Snapshot, address: string): Reservation | undefined =>
  snapshot.metal.reservations.find(
    (r) =>
      r.address === address &&
      r.state === 'created' &&
      !isControlPlaneEip(r, snapshot.settings.eipTag),
  );

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

/**
 * The Elastic IP each LoadBalancer Service of ours has now (its tagged reservation, or the one its
 * user chose): what a load balancer must announce. Never the control-plane EIP.
 */
export function serviceElasticIps(snapshot: Snapshot): { service: V1Service; address: string }[] {
  const cluster = snapshot.kubernetes.clusterId;
  if (cluster === undefined || snapshot.settings.loadBalancer.kind === 'none') return [];
  const tagged = taggedReservations(snapshot, cluster);
  return [...snapshot.kubernetes.services]
    .filter((s) => wantsElasticIp(s, snapshot.settings.loadBalancerClass))
    .sort((a, b) => byText(name(a), name(b)))
    .flatMap((service) => {
      const mine =
        tagged.get(serviceTag(service.metadata?.namespace ?? '', service.metadata?.name ?? '')) ??
        [];
      const requested = service.spec?.loadBalancerIP;
      const chosen =
        requested !== undefined && requested !== '' && !mine.some((r) => r.address === requested)
          ? requestedReservation(snapshot, requested)
          : chooseReservation(service, mine);
      return chosen?.state === 'created' && chosen.address !== undefined
        ? [{ service, address: chosen.address }]
        : [];
    });
}

function pushService(
  out: Planned,
  observed: V1Service,
  desired: V1Service,
  reason: string,
  event: EventReason,
): void {
  if (desired !== observed)
    out.objects.push({ area: 'elastic-ips', observed, desired, reasons: [reason], event });
}
