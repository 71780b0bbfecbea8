import type { Desired } from '../../model/desired.ts';
import { areas, type Action, type Plan, type PlanHeader, type Warning } from '../../model/plan.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { appliedAction, objectActions } from './kubernetes-actions.ts';
import { takesFrom, withKnownAfterApply } from './known-after-apply.ts';
import { metalAction } from './metal-actions.ts';
import { actionId, order } from './order.ts';
import type { Pending } from './pending.ts';

/** `takes`: the keys of the intents whose answers it takes values known after apply from. */
type Identified = Pending & { readonly id: Action['id']; readonly takes: readonly string[] };

/** Where a write to an object comes among the others: area order, values known after apply, status. */
function sequence(p: Identified): number {
  const status = p.kind === 'kubernetes.patch' && p.subresource === 'status';
  return areas.indexOf(p.area) * 3 + (status ? 2 : p.takes.length > 0 ? 1 : 0);
}

/**
 * What each action waits for: what it names in `after`, the answers it takes values from, and the
 * earlier writes to the same object, so each is guarded by the resourceVersion the previous one
 * left and a conflict stops the rest of the chain. What waits for an object waits for its writes
 * before the answer of what waits: the Service's address after its finalizer write and the
 * reservation's answer.
 */
function withDependencies(pending: readonly Identified[]): Action[] {
  const byKey = new Map<string, Identified[]>();
  for (const p of pending) {
    const same = byKey.get(p.key);
    if (same === undefined) byKey.set(p.key, [p]);
    else same.push(p);
  }
  return pending.map((p) => {
    const { key, after, takes, ...action } = p;
    const earlier = (byKey.get(key) ?? [])
      .filter((o) => sequence(o) < sequence(p))
      .map((o) => o.id);
    const waitsFor = [...after, ...takes].flatMap((k) =>
      (byKey.get(k) ?? []).filter((o) => !o.takes.includes(key)).map((o) => o.id),
    );
    const dependsOn = [...new Set([...earlier, ...waitsFor])].sort();
    return { ...action, dependsOn };
  });
}

function headerOf(snapshot: Snapshot): PlanHeader {
  const { clusterId } = snapshot.kubernetes;
  const { project, location } = snapshot.metal;
  return {
    ...(clusterId === undefined ? {} : { cluster: clusterId }),
    ...(project === undefined ? {} : { project: project.id }),
    ...(location.metro === undefined ? {} : { metro: location.metro }),
    ...(location.facility === undefined ? {} : { facility: location.facility }),
    observedAt: snapshot.time,
    source: snapshot.source,
  };
}

/**
 * Compares what the planners want with what is and returns the plan: small idempotent actions,
 * each naming its target and reason, in an order that respects their dependencies.
 */
export function diff(snapshot: Snapshot, desired: Desired): Plan {
  const pending: Pending[] = [
    ...desired.objects.flatMap(objectActions),
    ...(desired.applied ?? []).flatMap(appliedAction),
    ...desired.metal.map(metalAction),
  ];
  const identified = pending.map((p) => {
    const takes = takesFrom(p);
    return { ...p, takes, id: actionId(p, takes.length > 0) };
  });
  if (new Set(identified.map((p) => p.id)).size !== identified.length)
    throw new Error('two actions of the plan share an id');
  const idOf = new Map(
    identified.filter((p) => p.kind === 'metal.request').map((p) => [p.key, p.id]),
  );
  const warnings: Warning[] = [
    ...snapshot.problems.map((p) => ({ area: 'observation' as const, ...p })),
    ...desired.warnings,
  ];
  return {
    header: headerOf(snapshot),
    actions: order(withDependencies(identified.map((p) => withKnownAfterApply(p, idOf)))),
    warnings,
  };
}
