import type { V1Service } from '@kubernetes/client-node';
import { produce, type Draft } from 'immer';
import { hasOnlyIngress } from '../../model/kubernetes.ts';
import { serviceMarks } from '../../model/marks/service.ts';

/** The fields of a Service the Elastic IP planner writes: the finalizer and the address. */

const cleanupFinalizer = serviceMarks.cleanupFinalizer.key;

export const hasFinalizer = (service: V1Service): boolean =>
  (service.metadata?.finalizers ?? []).includes(cleanupFinalizer);

/** Whether `assign` would change nothing. */
function isAssigned(
  service: V1Service,
  address: string | undefined,
  annotation: string | undefined,
): boolean {
  if (!hasFinalizer(service)) return false;
  if (address === undefined) return true;
  return (
    service.spec?.loadBalancerIP === address &&
    (annotation === undefined || service.metadata?.annotations?.[annotation] === address) &&
    hasOnlyIngress(service, address)
  );
}

/** The Service with our finalizer and, once there is an address, the address in every place. */
export function assign(
  service: V1Service,
  address: string | undefined,
  annotation: string | undefined,
): V1Service {
  if (isAssigned(service, address, annotation)) return service; // the usual case: no draft
  return produce(service, (d) => {
    d.metadata ??= {};
    if (!hasFinalizer(service))
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

/** Removes every place where one of `addresses` is written. */
function clearAddresses(
  d: Draft<V1Service>,
  addresses: ReadonlySet<string>,
  annotation: string | undefined,
): void {
  if (d.spec?.loadBalancerIP !== undefined && addresses.has(d.spec.loadBalancerIP))
    delete d.spec.loadBalancerIP;
  const metadata = d.metadata;
  const value = annotation === undefined ? undefined : metadata?.annotations?.[annotation];
  if (metadata?.annotations !== undefined && value !== undefined && addresses.has(value)) {
    const { [annotation ?? '']: _, ...others } = metadata.annotations;
    if (Object.keys(others).length === 0) delete metadata.annotations;
    else metadata.annotations = others;
  }
  if (d.status?.loadBalancer?.ingress?.some((i) => i.ip !== undefined && addresses.has(i.ip)))
    d.status.loadBalancer = {};
}

/** The Service with none of `addresses` written anywhere (the finalizer stays). */
export function withoutAddresses(
  service: V1Service,
  addresses: ReadonlySet<string>,
  annotation: string | undefined,
): V1Service {
  return produce(service, (d) => {
    clearAddresses(d, addresses, annotation);
  });
}

/** The Service without the CCM's finalizer: it may go. */
export function withoutFinalizer(service: V1Service): V1Service {
  if (!hasFinalizer(service)) return service;
  return produce(service, (d) => {
    d.metadata ??= {};
    const finalizers = (d.metadata.finalizers ?? []).filter((f) => f !== cleanupFinalizer);
    if (finalizers.length === 0) delete d.metadata.finalizers;
    else d.metadata.finalizers = finalizers;
  });
}
