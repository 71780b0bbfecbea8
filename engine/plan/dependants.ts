import type { ActionId } from '../../model/ids.ts';
import type { Action } from '../../model/plan.ts';

/** For each action, the actions that depend on it: the edges both ordering and applying follow. */
export function dependantsOf(actions: readonly Action[]): Map<ActionId, Action[]> {
  const dependants = new Map<ActionId, Action[]>();
  for (const a of actions)
    for (const d of a.dependsOn) {
      const list = dependants.get(d);
      if (list === undefined) dependants.set(d, [a]);
      else list.push(a);
    }
  return dependants;
}

/** The actions in `held` and every action that depends on one of them, however indirectly. */
export function heldWithDependants(
  actions: readonly Action[],
  held: readonly ActionId[],
): Set<ActionId> {
  const dependants = dependantsOf(actions);
  const out = new Set(held);
  const queue = [...held];
  for (let id = queue.pop(); id !== undefined; id = queue.pop())
    for (const d of dependants.get(id) ?? [])
      if (!out.has(d.id)) {
        out.add(d.id);
        queue.push(d.id);
      }
  return out;
}
