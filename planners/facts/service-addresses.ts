import type { V1Service } from '@kubernetes/client-node';
import { serviceMarks } from '../../model/marks/service.ts';

/** Where a Service names an address: the field, for people. */
export type Place = string;

/** The address a Service's user chose: `spec.loadBalancerIP`, else the load balancer's annotation. */
export function requestedAddress(
  service: V1Service,
  annotation: string | undefined,
): { readonly address: string; readonly place: Place } | undefined {
  const spec = service.spec?.loadBalancerIP?.trim();
  if (spec !== undefined && spec !== '')
    return { address: spec, place: serviceMarks.loadBalancerIP.key };
  const annotated =
    annotation === undefined ? undefined : service.metadata?.annotations?.[annotation]?.trim();
  if (annotated !== undefined && annotated !== '')
    return { address: annotated, place: `annotation ${annotation ?? ''}` };
  return undefined;
}

/** The addresses a Service shows in its status. */
export const statusAddresses = (service: V1Service): string[] =>
  (service.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip === undefined ? [] : [i.ip]));

/**
 * Where a Service shows an address a load balancer would announce: its status, and the load
 * balancer's annotation (a comma-separated list).
 */
export function shownAddresses(
  service: V1Service,
  annotation: string | undefined,
): { readonly address: string; readonly place: Place }[] {
  const annotated =
    annotation === undefined ? undefined : service.metadata?.annotations?.[annotation];
  return [
    ...statusAddresses(service).map((address) => ({
      address,
      place: serviceMarks.ingress.key,
    })),
    ...(annotated ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '')
      .map((address) => ({ address, place: `annotation ${annotation ?? ''}` })),
  ];
}
