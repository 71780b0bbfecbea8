import type { ObjectRef } from '../../model/kubernetes.ts';
import type { Action, Plan, Warning } from '../../model/plan.ts';
import type { RecordedFailure } from '../../model/recorded-failures.ts';

const sameObject = (a: ObjectRef, b: ObjectRef): boolean =>
  a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;

/**
 * The last failure recorded for an action: a Warning `<its Event reason>Failed` on its object whose
 * note names its reason (the note an applier writes is `<reason>: <cause>`).
 */
function lastFailure(
  action: Action,
  failures: readonly RecordedFailure[],
): RecordedFailure | undefined {
  const { regarding } = action;
  if (regarding === undefined) return undefined;
  let last: RecordedFailure | undefined;
  for (const f of failures)
    if (
      f.reason === `${action.event}Failed` &&
      sameObject(f.regarding, regarding) &&
      f.note.includes(`${action.reason}: `) &&
      (last === undefined || f.lastAt > last.lastAt)
    )
      last = f;
  return last;
}

/**
 * The plan with a warning for each action the CCM already tried and failed, from the Warning Events
 * it left: a plan of the live cluster then says which of its changes keep failing, and why, where a
 * plan of a fixture knows only what the world is.
 */
export function withRecordedFailures(plan: Plan, failures: readonly RecordedFailure[]): Plan {
  const warnings: Warning[] = plan.actions.flatMap((action) => {
    const failure = lastFailure(action, failures);
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
