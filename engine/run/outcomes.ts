import type { MetalWriteAnswer } from '../../model/metal-writes.ts';
import type { Action, Plan } from '../../model/plan.ts';
import type { Outcome } from '../apply/applier.ts';
import type { ActionBackoff, Attempt } from '../apply/backoff.ts';
import { causeOf, isConflict } from './events.ts';
import type { Metrics } from './metrics.ts';

/** Where an apply's outcomes are counted. */
export interface OutcomeSinks {
  readonly metrics: Metrics;
  readonly backoff: ActionBackoff;
  /** The write-through Metal state: told the answers, and that a write failed. */
  readonly metal: {
    written(answers: readonly MetalWriteAnswer[]): void;
    failed(): void;
  };
}

/**
 * Each outcome with its action, counted: in the actions metric (a lost race, 409/422 on a guarded
 * write, is a conflict re-planned at once, not a failure), in the backoff, and in the Metal state.
 */
export function recordOutcomes(
  plan: Plan,
  outcomes: readonly Outcome[],
  sinks: OutcomeSinks,
): [Action, Outcome][] {
  const byId = new Map(plan.actions.map((a) => [a.id, a]));
  const recorded = outcomes.flatMap((outcome): [Action, Outcome][] => {
    const action = byId.get(outcome.id);
    return action === undefined ? [] : [[action, outcome]];
  });
  for (const [action, outcome] of recorded)
    sinks.metrics.actions.inc({
      area: action.area,
      kind: action.kind,
      result: isConflict(outcome) ? 'conflict' : outcome.status,
    });
  sinks.backoff.record(plan, outcomes.flatMap(attemptOf), Date.now());
  metalWritten(recorded, sinks.metal);
  return recorded;
}

/** Tells the Metal state what the Metal writes answered, and whether one failed. */
function metalWritten(recorded: readonly [Action, Outcome][], metal: OutcomeSinks['metal']): void {
  const answers: MetalWriteAnswer[] = [];
  for (const [action, outcome] of recorded) {
    if (action.kind !== 'metal.request') continue;
    if (outcome.status === 'failed') metal.failed();
    if (outcome.status === 'applied')
      answers.push(outcome.result?.metal ?? { kind: 'unfolded', why: 'no answer told' });
  }
  metal.written(answers);
}

/**
 * An outcome as the backoff counts it: applied, or failed for a reason of its own. A write that lost
 * a race is neither (the next loop plans it afresh), nor is an action that did not run.
 */
export function attemptOf(outcome: Outcome): Attempt[] {
  if (outcome.status === 'applied') return [{ id: outcome.id, result: 'applied' }];
  if (outcome.status !== 'failed' || isConflict(outcome)) return [];
  return [{ id: outcome.id, result: 'failed', error: causeOf(outcome) }];
}
