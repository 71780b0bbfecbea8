import type { KubernetesObject, ObjectRef } from '../../model/kubernetes.ts';
import type { Action } from '../../model/plan.ts';

/**
 * How the caches hold an object now: `undefined` when no cache holds objects of its kind (the CCM
 * does not watch it), else whether and how it is there.
 */
export type FindCached = (ref: ObjectRef) => { readonly object?: KubernetesObject } | undefined;

/** Whether the caches already show the result of an applied action. */
export function reflected(find: FindCached, action: Action): boolean {
  if (action.kind === 'metal.request') return true;
  const seen = find(action.object);
  if (seen === undefined) return true; // a kind the CCM does not watch
  switch (action.kind) {
    case 'kubernetes.delete':
      return seen.object?.metadata?.uid !== action.guard.uid;
    case 'kubernetes.create':
    case 'kubernetes.apply':
      return seen.object !== undefined;
    case 'kubernetes.patch':
      return (
        seen.object !== undefined &&
        seen.object.metadata?.resourceVersion !== action.guard?.resourceVersion
      );
  }
}

/**
 * Waits (at most `timeoutMs`) until the caches show every applied action: planning before that
 * would plan the same writes again against old versions, and lose the race with ourselves.
 */
export async function untilReflected(
  find: FindCached,
  applied: readonly Action[],
  options: { timeoutMs: number; stopped: () => boolean },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!options.stopped() && Date.now() < deadline && !applied.every((a) => reflected(find, a)))
    await new Promise((resolve) => setTimeout(resolve, 10));
}
