import { createHash } from 'node:crypto';
import type { Json } from '../../../emulator/world.ts';
import type { DriverRecord } from '../driver.ts';
import { ipAnnotations, type SoakRun } from '../run.ts';
import { foreignTags } from '../world.ts';
import { cleanupFinalizer, ingressIp, isOurs, type Observed, type ServiceView } from './views.ts';

// Computed here, not taken from the CCM's code: the upstream CCM's tags, as the README gives them.
const usage = 'usage=cloud-provider-equinix-metal-auto';
const serviceTagOf = (name: string): string =>
  `service=${createHash('sha256').update(`default/${name}`).digest('base64')}`;

/** The CCM's marks on a Service: its finalizer, the address in spec, status and annotations. */
function marksOf(s: ServiceView): string[] {
  const annotations = Object.values(ipAnnotations).filter((a) => s.metadata.annotations?.[a]);
  return [
    ...((s.metadata.finalizers ?? []).includes(cleanupFinalizer) ? ['its finalizer'] : []),
    ...(s.spec.loadBalancerIP === undefined
      ? []
      : [`spec.loadBalancerIP ${s.spec.loadBalancerIP}`]),
    ...(ingressIp(s) === undefined ? [] : [`status IP ${String(ingressIp(s))}`]),
    ...annotations.map((a) => `annotation ${a}`),
  ];
}

/** The reservations tagged for this cluster, by Service tag; wrong tags are violations. */
function reservationsByService(
  reservations: readonly Json[],
  clusterId: string,
  problems: string[],
): Map<string, Json[]> {
  const ours = new Map<string, Json[]>();
  for (const r of reservations) {
    const tags = (r['tags'] ?? []) as string[];
    const cluster = tags.find((t) => t.startsWith('cluster='));
    if (cluster === undefined || foreignTags.every((t) => tags.includes(t))) continue;
    if (cluster !== `cluster=${clusterId}`) {
      problems.push(`reservation ${String(r['id'])} is tagged ${cluster}: not this cluster's UID`);
      continue;
    }
    const service = tags.find((t) => t.startsWith('service=')) ?? '';
    if (tags.length !== 3 || !tags.includes(usage) || service === '')
      problems.push(`reservation ${String(r['id'])} has tags ${tags.join(' ')}`);
    ours.set(service, [...(ours.get(service) ?? []), r]);
  }
  return ours;
}

/** A Service of ours that holds an Elastic IP: its address everywhere the CCM puts it. */
function heldProblems(s: ServiceView, address: string, run: SoakRun): string[] {
  const name = `Service ${s.metadata.name}`;
  const annotation = ipAnnotations[run.loadBalancer];
  return [
    ...(ingressIp(s) === address
      ? []
      : [`${name}: IP ${String(ingressIp(s))} in status, not ${address}`]),
    ...(s.spec.loadBalancerIP === address
      ? []
      : [`${name}: spec.loadBalancerIP ${String(s.spec.loadBalancerIP)}`]),
    ...(s.metadata.annotations?.[annotation] === address ? [] : [`${name}: no ${annotation}`]),
    ...((s.metadata.finalizers ?? []).includes(cleanupFinalizer) ? [] : [`${name}: no finalizer`]),
  ];
}

/**
 * Elastic IPs: one reservation per LoadBalancer Service (or, with `--eip-limit`, exactly as many
 * as the limit allows, the others warned and unmarked), tagged with this cluster's UID; none
 * without a Service, none twice; Services the driver deleted gone; Services it retyped or
 * re-classed without any mark of the CCM.
 */
export function elasticIpViolations(
  observed: Observed,
  reservations: readonly Json[],
  clusterId: string,
  record: DriverRecord,
  run: SoakRun,
): string[] {
  const problems: string[] = [];
  const byService = reservationsByService(reservations, clusterId, problems);
  const ours = observed.services.filter(isOurs);
  const held = ours.filter((s) => (byService.get(serviceTagOf(s.metadata.name)) ?? []).length > 0);
  const expected = run.eipLimit === 0 ? ours.length : Math.min(ours.length, run.eipLimit);
  if (held.length !== expected)
    problems.push(
      `${String(held.length)} of ${String(ours.length)} LoadBalancer Services hold an Elastic IP, not ${String(expected)}`,
    );
  for (const s of held) {
    const [mine] = byService.get(serviceTagOf(s.metadata.name)) ?? [];
    problems.push(...heldProblems(s, String(mine?.['address']), run));
  }
  for (const s of ours.filter((x) => !held.includes(x))) {
    // The finalizer may stay (on a Service whose reservation is pending, or that held an address
    // before), and a Service over the limit is still a LoadBalancer.
    const marks = marksOf(s).filter((m) => m !== 'its finalizer');
    if (marks.length > 0)
      problems.push(`Service ${s.metadata.name} has no Elastic IP but ${marks.join(', ')}`);
    if (run.eipLimit > 0 && !observed.limitWarned.has(s.metadata.name))
      problems.push(
        `Service ${s.metadata.name}: over --eip-limit, but no ElasticIPLimitReached Event`,
      );
  }
  const wanted = new Set(ours.map((s) => serviceTagOf(s.metadata.name)));
  for (const [tag, list] of byService) {
    if (!wanted.has(tag))
      problems.push(`leak: ${String(list.length)} reservation(s) tagged ${tag} without a Service`);
    if (list.length > 1)
      problems.push(`duplicate: ${String(list.length)} reservations tagged ${tag}`);
  }
  const present = new Map(observed.services.map((s) => [s.metadata.name, s]));
  for (const name of record.deleted)
    if (present.has(name))
      problems.push(
        `Service ${name} was deleted but is still there (finalizers: ${(present.get(name)?.metadata.finalizers ?? []).join(', ')})`,
      );
  for (const [name, state] of record.services) {
    const s = present.get(name);
    if (s === undefined) problems.push(`Service ${name} is gone, but the driver never deleted it`);
    else if (state !== 'lb' && marksOf(s).length > 0)
      problems.push(
        `Service ${name} (${state === 'clusterip' ? 'retyped to ClusterIP' : 're-classed'}) still has ${marksOf(s).join(', ')}`,
      );
    else if ((state === 'lb') !== isOurs(s))
      problems.push(
        `Service ${name}: the driver made it ${state}, the API server says ${s.spec.type} ${s.spec.loadBalancerClass ?? ''}`,
      );
  }
  return problems;
}
