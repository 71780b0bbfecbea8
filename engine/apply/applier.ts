import { refKey } from '../../model/kubernetes.ts';
import type { Action, Plan } from '../../model/plan.ts';
import type { ExecutionResult, Executors } from '../../model/executors.ts';
import type { ActionId } from '../../model/ids.ts';
import pLimit from 'p-limit';
import { dependantsOf } from '../plan/dependants.ts';
import type { Logger } from '../cli/logging.ts';

export type Outcome =
  | { readonly id: ActionId; readonly status: 'applied' }
  | { readonly id: ActionId; readonly status: 'failed'; readonly error: unknown }
  | { readonly id: ActionId; readonly status: 'skipped'; readonly reason: string };

export interface ApplyOptions {
  /** How many actions may run at once. */
  readonly concurrency: number;
  readonly logger?: Logger;
  /** Asked before each action starts; false skips what has not started (leadership lost). */
  readonly shouldContinue?: () => boolean;
}

/** Outcomes in plan order. */
export interface ApplyReport {
  readonly outcomes: readonly Outcome[];
}

/**
 * A Kubernetes action is guarded by the resourceVersion it was planned against. When an earlier
 * action of the same plan wrote the same object, the guard moves to the version that write left:
 * the chain holds as long as nobody else wrote in between.
 */
function reguard(action: Action, latest: ReadonlyMap<string, string>): Action {
  if (action.kind !== 'kubernetes.patch' && action.kind !== 'kubernetes.delete') return action;
  const rv = latest.get(refKey(action.object));
  if (rv === undefined) return action;
  if (action.kind === 'kubernetes.delete')
    return { ...action, guard: { ...action.guard, resourceVersion: rv } };
  return action.guard === undefined ? action : { ...action, guard: { resourceVersion: rv } };
}

function execute(action: Action, executors: Executors): Promise<ExecutionResult> {
  switch (action.kind) {
    case 'kubernetes.patch':
      return executors['kubernetes.patch'](action);
    case 'kubernetes.create':
      return executors['kubernetes.create'](action);
    case 'kubernetes.delete':
      return executors['kubernetes.delete'](action);
    case 'kubernetes.apply':
      return executors['kubernetes.apply'](action);
    case 'metal.request':
      return executors['metal.request'](action);
  }
}

/**
 * Runs a plan: each action once its dependencies have applied, at most `concurrency` at a time.
 * An action whose dependency failed or was skipped is skipped, and so are its own dependants.
 */
export async function apply(
  plan: Plan,
  executors: Executors,
  options: ApplyOptions,
): Promise<ApplyReport> {
  const { logger } = options;
  const outcomes = new Map<ActionId, Outcome>();
  const latestVersion = new Map<string, string>();
  // Event-driven: a finished action releases its dependants, so a plan of tens of thousands of
  // actions costs its size, not its square.
  const waitingFor = new Map(plan.actions.map((a) => [a.id, a.dependsOn.length]));
  const dependants = dependantsOf(plan.actions);
  // An action missing from the plan, or a cycle, would wait forever: refuse such a plan up front.
  const inPlan = new Set(plan.actions.map((a) => a.id));
  const sortable = [...plan.actions.filter((a) => a.dependsOn.length === 0)];
  const left = new Map(waitingFor);
  for (const a of sortable)
    for (const d of dependants.get(a.id) ?? []) {
      left.set(d.id, (left.get(d.id) ?? 0) - 1);
      if (left.get(d.id) === 0) sortable.push(d);
    }
  if (
    sortable.length !== plan.actions.length ||
    plan.actions.some((a) => a.dependsOn.some((d) => !inPlan.has(d)))
  )
    throw new Error('plan waits on actions that are not in it, or on itself');
  const limit = pLimit(options.concurrency);
  let open = plan.actions.length;
  let done: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => {
    done = resolve;
  });

  const finish = (action: Action, outcome: Outcome): void => {
    if (outcomes.has(action.id)) return;
    outcomes.set(action.id, outcome);
    open--;
    for (const d of dependants.get(action.id) ?? []) {
      if (outcome.status !== 'applied')
        finish(d, {
          id: d.id,
          status: 'skipped',
          reason: `dependency ${action.id} ${outcome.status}`,
        });
      else {
        const left = (waitingFor.get(d.id) ?? 0) - 1;
        waitingFor.set(d.id, left);
        if (left === 0) start(d);
      }
    }
    if (open === 0) done();
  };

  const start = (action: Action): void => {
    void limit(async () => {
      if (outcomes.has(action.id)) return; // skipped while it waited for a slot
      if (options.shouldContinue?.() === false) {
        finish(action, { id: action.id, status: 'skipped', reason: 'stopped' });
        return;
      }
      try {
        const result = await execute(reguard(action, latestVersion), executors);
        if (result.resourceVersion !== undefined && 'object' in action) {
          latestVersion.set(refKey(action.object), result.resourceVersion);
        }
        logger?.info({ action: action.id, target: action.target }, 'applied');
        finish(action, { id: action.id, status: 'applied' });
      } catch (error) {
        logger?.warn({ action: action.id, target: action.target, err: error }, 'action failed');
        finish(action, { id: action.id, status: 'failed', error });
      }
    });
  };

  for (const a of plan.actions) if (a.dependsOn.length === 0) start(a);
  if (open > 0) await allDone;
  return {
    outcomes: plan.actions.map(
      (a) => outcomes.get(a.id) ?? { id: a.id, status: 'skipped', reason: 'not reached' },
    ),
  };
}
