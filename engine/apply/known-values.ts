import type { ActionId } from '../../model/ids.ts';
import { KnownAfterApply, mapLeaves } from '../../model/known-after-apply.ts';
import { answerValue, type MetalWriteAnswer } from '../../model/metal-writes.ts';
import type { Action } from '../../model/plan.ts';

/** An action whose values known after apply are all known now, or why one is not. */
export type Resolved = { readonly action: Action } | { readonly unknown: string };

/**
 * The action with each value known after apply put in from the answer of the action it comes
 * from (which applied before it: it depends on it). A value the answer does not give (a
 * reservation still pending has no address) leaves the action unsendable.
 */
export function resolveKnown(
  action: Action,
  answers: ReadonlyMap<ActionId, MetalWriteAnswer>,
): Resolved {
  if (action.kind !== 'kubernetes.patch') return { action };
  const missing: KnownAfterApply[] = [];
  const patch = mapLeaves(action.patch, (leaf) => {
    if (!(leaf instanceof KnownAfterApply)) return leaf;
    const answer = answers.get(leaf.from);
    const value = leaf.fill((field) => answerValue(answer, field));
    if (value === undefined) missing.push(leaf);
    return value ?? leaf;
  }) as typeof action.patch;
  const [first] = missing;
  if (first !== undefined)
    return {
      unknown: `the answer of ${first.from} gave no ${first.fields.join(' or ')} (known after apply)`,
    };
  return { action: patch === action.patch ? action : { ...action, patch } };
}
