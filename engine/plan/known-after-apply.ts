import type { ActionId } from '../../model/ids.ts';
import {
  deferredOf,
  forEachLeaf,
  KnownAfterApply,
  mapLeaves,
} from '../../model/known-after-apply.ts';
import type { Pending } from './pending.ts';

/**
 * The keys of the intents whose answers a patch takes values from (placeholders a planner put in
 * the desired object): the patch comes after them, in an action of its own.
 */
export function takesFrom(p: Pending): readonly string[] {
  if (p.kind !== 'kubernetes.patch') return [];
  const keys = new Set<string>();
  forEachLeaf(p.patch, (leaf) => {
    const deferred = deferredOf(leaf);
    if (deferred !== undefined) keys.add(deferred.key);
  });
  return [...keys];
}

/**
 * The action with each placeholder replaced by the value known after apply it stands for, naming
 * the action whose answer gives it (`idOf`: an intent's key to its action's id).
 */
export function withKnownAfterApply<P extends Pending>(
  p: P,
  idOf: ReadonlyMap<string, ActionId>,
): P {
  if (p.kind !== 'kubernetes.patch') return p;
  const known = (leaf: unknown): unknown => {
    const deferred = deferredOf(leaf);
    const from = deferred === undefined ? undefined : idOf.get(deferred.key);
    if (deferred !== undefined && from === undefined)
      throw new Error(`a value is known after apply of ${deferred.key}, which is not planned`);
    return deferred === undefined || from === undefined
      ? leaf
      : new KnownAfterApply(from, deferred.template);
  };
  return {
    ...p,
    patch: mapLeaves(p.patch, known) as typeof p.patch,
    changes: mapLeaves(p.changes, known) as typeof p.changes,
  };
}
