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
