import type { ObjectRef } from '../../model/kubernetes.ts';
import type { Action, Plan, Warning } from '../../model/plan.ts';
import type { RecordedFailure } from '../../model/recorded-failures.ts';

/** Where a failure is looked up: its object and its Event reason. */
const keyOf = (regarding: ObjectRef, reason: string): string =>
  [regarding.kind, regarding.namespace ?? '', regarding.name, reason].join('\n');

/**
 * The last failure recorded for an action: a Warning `<its Event reason>Failed` on its object whose
 * note names its reason (the note an applier writes is `<reason>: <cause>`).
 */
function lastFailure(
  action: Action,
  byKey: ReadonlyMap<string, readonly RecordedFailure[]>,
): RecordedFailure | undefined {
  if (action.regarding === undefined) return undefined;
  let last: RecordedFailure | undefined;
  for (const f of byKey.get(keyOf(action.regarding, `${action.event}Failed`)) ?? [])
    if (f.note.includes(`${action.reason}: `) && (last === undefined || f.lastAt > last.lastAt))
      last = f;
  return last;
}

/**
 * The plan with a warning for each action the CCM already tried and failed, from the Warning Events
 * it left: a plan of the live cluster then says which of its changes keep failing, and why, where a
 * plan of a fixture knows only what the world is.
 */
export function withRecordedFailures(plan: Plan, failures: readonly RecordedFailure[]): Plan {
  const byKey = Map.groupBy(failures, (f) => keyOf(f.regarding, f.reason));
  const warnings: Warning[] = plan.actions.flatMap((action) => {
    const failure = lastFailure(action, byKey);
    if (failure === undefined) return [];
    const times = failure.count === 1 ? 'once' : `${String(failure.count)} times`;
    return [
      {
        area: action.area,
        subject: action.target,
        message: `the CCM tried this and failed ${times}, last at ${failure.lastAt}: ${failure.note}`,
      },
    ];
  });
  return warnings.length === 0 ? plan : { ...plan, warnings: [...plan.warnings, ...warnings] };
}
