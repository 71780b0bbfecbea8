import type { KubernetesObject } from '@kubernetes/client-node';
import { describeRef, refOf, type ObjectRef } from '../../model/kubernetes.ts';
import { events } from '../../model/marks/events.ts';
import { metallbMarks } from '../../model/marks/metallb.ts';
import type { Warning } from '../../model/plan.ts';

const { managedBy } = metallbMarks;

export const isOurs = (o: KubernetesObject): boolean =>
  o.metadata?.labels?.[managedBy.key] === managedBy.value;

/** The name one of the CCM's objects gets, and the objects of others that made it move on. */
export interface Naming {
  /** Undefined when an object without the CCM's label holds every name it may use. */
  readonly name?: string;
  readonly taken: readonly KubernetesObject[];
}

/**
 * Of the names an object may have (in order), the one it has already, else the first free one; an
 * object without the CCM's label is never the CCM's, whatever its name.
 */
export function chooseName(
  kind: string,
  candidates: readonly string[],
  existing: readonly KubernetesObject[],
): Naming {
  const at = (name: string): KubernetesObject | undefined =>
    existing.find((o) => o.kind === kind && o.metadata?.name === name);
  const name =
    candidates.find((n) => {
      const o = at(n);
      return o !== undefined && isOurs(o);
    }) ?? candidates.find((n) => at(n) === undefined);
  const passed = name === undefined ? candidates : candidates.slice(0, candidates.indexOf(name));
  const taken = passed.flatMap((n) => {
    const o = at(n);
    return o === undefined || isOurs(o) ? [] : [o];
  });
  return name === undefined ? { taken } : { name, taken };
}

/**
 * A warning (and a Warning Event on the object and on the Services it affects) for each object of
 * someone else that holds a name the CCM wanted: what the CCM does instead.
 */
export function nameTaken(
  naming: Naming,
  kind: string,
  affected: readonly ObjectRef[],
  without: string,
): Warning[] {
  const instead =
    naming.name === undefined
      ? `no other name is free, so the CCM has no ${kind} here: ${without}`
      : `the CCM's ${kind} is ${naming.name} instead`;
  return naming.taken.map((o) => ({
    area: 'load-balancer',
    subject: describeRef(refOf(o)),
    message: `exists without the label ${managedBy.key}=${managedBy.value}, so it is not the CCM's: left alone and never referred to; ${instead}`,
    regarding: refOf(o),
    ...(affected.length === 0 ? {} : { alsoRegarding: affected }),
    event: events.MetalLBNameTaken,
  }));
}
