import { createHash } from 'node:crypto';
import TinyQueue from 'tinyqueue';
import type { ActionId } from '../../model/ids.ts';
import { byText } from '../../model/order.ts';
import { areas, type Action } from '../../model/plan.ts';
import { dependantsOf } from './dependants.ts';
import type { Pending } from './pending.ts';

/**
 * A stable id: the same change to the same target has the same id in every plan (backoff, saved
 * plans). `afterApply`: the patch takes values known after apply (one of its own, beside the
 * object's patch of the same area that comes before the answer).
 */
export function actionId(p: Pending, afterApply = false): ActionId {
  const subresource = p.kind === 'kubernetes.patch' ? (p.subresource ?? '') : '';
  const identity = [p.kind, p.area, p.key, subresource, p.operation];
  if (afterApply) identity.push('after apply');
  return createHash('sha256').update(identity.join('\n')).digest('hex').slice(0, 12) as ActionId;
}

export /**
 * Orders actions so each follows what it depends on; ties by area, target, id (deterministic).
 * Kahn's algorithm with a priority queue: plans of tens of thousands of actions stay fast.
 */
function order(actions: readonly Action[]): Action[] {
  const rank = new Map(
    actions.map((a) => [
      a.id,
      `${String(areas.indexOf(a.area)).padStart(2, '0')}\n${a.target}\n${a.id}`,
    ]),
  );
  const before = (a: Action, b: Action): number =>
    byText(rank.get(a.id) ?? '', rank.get(b.id) ?? '');
  const waitingFor = new Map(actions.map((a) => [a.id, a.dependsOn.length]));
  const dependants = dependantsOf(actions);
  const ready = new TinyQueue(
    actions.filter((a) => a.dependsOn.length === 0),
    before,
  );
  const done: Action[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    done.push(next);
    for (const d of dependants.get(next.id) ?? []) {
      const left = (waitingFor.get(d.id) ?? 0) - 1;
      waitingFor.set(d.id, left);
      if (left === 0) ready.push(d);
    }
  }
  if (done.length !== actions.length) throw new Error('plan has a dependency cycle');
  return done;
}
