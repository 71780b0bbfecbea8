import type { Operation as JsonPatchOperation } from 'fast-json-patch';
import { refKey } from '../planners/domain/kubernetes.ts';
import type { Action, ActionKind, Plan } from '../planners/domain/plan.ts';
import type { ActionId } from '../planners/domain/ids.ts';
import type { Logger } from './logging.ts';

/** What an executor reports back: a Kubernetes write returns the object's new resourceVersion. */
export interface ExecutionResult {
  readonly resourceVersion?: string;
}

export type Executor<A extends Action> = (action: A) => Promise<ExecutionResult>;

/** One executor per kind of action: Kubernetes writes, Metal requests. */
export type Executors = { readonly [K in ActionKind]: Executor<Extract<Action, { kind: K }>> };

export type Outcome =
  | { readonly id: ActionId; readonly status: 'applied' }
  | { readonly id: ActionId; readonly status: 'failed'; readonly error: unknown }
  | { readonly id: ActionId; readonly status: 'skipped'; readonly reason: string };

export interface ApplyOptions {
  /** How many actions may run at once. */
  readonly concurrency: number;
  /** Print-only mode: nothing is executed, every action is reported as skipped. */
  readonly dryRun: boolean;
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
  if (action.kind === 'kubernetes.delete') {
    return { ...action, preconditions: { ...action.preconditions, resourceVersion: rv } };
  }
  const patch = action.patch.map((op): JsonPatchOperation =>
    op.op === 'test' && op.path === '/metadata/resourceVersion' ? { ...op, value: rv } : op,
  );
  return { ...action, patch };
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
  if (options.dryRun) {
    return {
      outcomes: plan.actions.map((a) => ({ id: a.id, status: 'skipped', reason: 'dry run' })),
    };
  }
  const outcomes = new Map<ActionId, Outcome>();
  const latestVersion = new Map<string, string>();
  const running = new Map<ActionId, Promise<void>>();
  const waiting = [...plan.actions];

  const run = async (action: Action): Promise<void> => {
    const guarded = reguard(action, latestVersion);
    try {
      const result = await execute(guarded, executors);
      if (result.resourceVersion !== undefined && 'object' in action) {
        latestVersion.set(refKey(action.object), result.resourceVersion);
      }
      outcomes.set(action.id, { id: action.id, status: 'applied' });
      logger?.info({ action: action.id, target: action.target }, 'applied');
    } catch (error) {
      outcomes.set(action.id, { id: action.id, status: 'failed', error });
      logger?.warn({ action: action.id, target: action.target, err: error }, 'action failed');
    }
  };

  while (waiting.length > 0 || running.size > 0) {
    for (let i = 0; i < waiting.length;) {
      const action = waiting[i];
      if (action === undefined) break;
      const deps = action.dependsOn.map((d) => outcomes.get(d));
      const blocked = deps.find((o) => o !== undefined && o.status !== 'applied');
      if (blocked !== undefined) {
        outcomes.set(action.id, {
          id: action.id,
          status: 'skipped',
          reason: `dependency ${blocked.id} ${blocked.status}`,
        });
        waiting.splice(i, 1);
        i = 0; // a skip may unblock-as-skipped others earlier in the list
        continue;
      }
      if (options.shouldContinue?.() === false) {
        outcomes.set(action.id, { id: action.id, status: 'skipped', reason: 'stopped' });
        waiting.splice(i, 1);
        continue;
      }
      if (running.size < options.concurrency && deps.every((o) => o?.status === 'applied')) {
        waiting.splice(i, 1);
        running.set(
          action.id,
          run(action).finally(() => running.delete(action.id)),
        );
        continue;
      }
      i++;
    }
    if (running.size === 0) {
      if (waiting.length > 0) throw new Error('plan waits on actions that are not in it');
      break;
    }
    await Promise.race(running.values());
  }
  return {
    outcomes: plan.actions.map(
      (a) => outcomes.get(a.id) ?? { id: a.id, status: 'skipped', reason: 'not reached' },
    ),
  };
}
