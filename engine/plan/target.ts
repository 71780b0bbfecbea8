import type { ObjectRef } from '../../model/kubernetes.ts';
import { areas, type Action, type Area, type Plan } from '../../model/plan.ts';

/** What `--target` names: an area, or one object (`Kind/name`, `Kind/namespace/name`). */
export type Target =
  | { readonly area: Area }
  | { readonly kind: string; readonly namespace?: string; readonly name: string };

/** Parses a `--target`; the error names what was expected. */
export function parseTarget(text: string): Target | { error: string } {
  if ((areas as readonly string[]).includes(text)) return { area: text as Area };
  const parts = text.split('/');
  if (parts.length >= 2 && parts.length <= 3 && parts.every((p) => p !== '')) {
    const [kind = '', first = '', second] = parts;
    return second === undefined ? { kind, name: first } : { kind, namespace: first, name: second };
  }
  return {
    error: `--target: expected an area (${areas.join(', ')}) or Kind/name or Kind/namespace/name (e.g. Service/default/web), got "${text}"`,
  };
}

const namesRef = (target: Target, ref: ObjectRef | undefined): boolean =>
  ref !== undefined &&
  'kind' in target &&
  ref.kind.toLowerCase() === target.kind.toLowerCase() &&
  ref.name === target.name &&
  (ref.namespace ?? '') === (target.namespace ?? '');

function matches(action: Action, target: Target): boolean {
  if ('area' in target) return action.area === target.area;
  return namesRef(target, 'object' in action ? action.object : action.regarding);
}

/**
 * The plan limited to the targets, like `terraform plan -target`: the actions they name, and
 * everything those wait for (else they could not apply). Warnings about other objects are left out.
 */
export function targetPlan(plan: Plan, targets: readonly Target[]): Plan {
  if (targets.length === 0) return plan;
  const byId = new Map(plan.actions.map((a) => [a.id, a]));
  const kept = new Set(
    plan.actions.filter((a) => targets.some((t) => matches(a, t))).map((a) => a.id),
  );
  for (const id of kept)
    // A Set's iteration reaches what is added during it: the dependencies' own dependencies too.
    for (const d of byId.get(id)?.dependsOn ?? []) kept.add(d);
  return {
    ...plan,
    actions: plan.actions.filter((a) => kept.has(a.id)),
    warnings: plan.warnings.filter(
      (w) =>
        w.regarding === undefined ||
        targets.some((t) => ('area' in t ? w.area === t.area : namesRef(t, w.regarding))),
    ),
  };
}
