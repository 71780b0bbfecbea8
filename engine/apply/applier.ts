import { StaleWriteError } from '../../providers/kubernetes/executor.ts';
import { refKey } from '../../model/kubernetes.ts';
import type { MetalWriteAnswer } from '../../model/metal-writes.ts';
import type { Action, Plan } from '../../model/plan.ts';
import type { ExecutionResult, Executors } from '../../model/executors.ts';
import type { ActionId } from '../../model/ids.ts';
import { dependantsOf } from '../plan/dependants.ts';
import type { Logger } from '../cli/logging.ts';
import { resolveKnown } from './known-values.ts';
import { Slots } from './slots.ts';
import { favouringSpeed } from '../v8-flags.ts';

export type Outcome =
  /** `result`: what the executor reported (a Metal write's answer, a new resourceVersion). */
  | { readonly id: ActionId; readonly status: 'applied'; readonly result?: ExecutionResult }
  | { readonly id: ActionId; readonly status: 'failed'; readonly error: unknown }
  | { readonly id: ActionId; readonly status: 'skipped'; readonly reason: string }
  /** Not sent: the action waits in its backoff (`Plan.waiting`). */
  | { readonly id: ActionId; readonly status: 'waiting' };

export interface ApplyOptions {
  /** How many Kubernetes writes, and how many Metal requests, may run at once. */
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

/** An action missing from the plan, or a cycle, would wait forever: refuse such a plan up front. */
function checkRunnable(plan: Plan, dependants: ReadonlyMap<ActionId, Action[]>): void {
  const inPlan = new Set(plan.actions.map((a) => a.id));
  const sortable = plan.actions.filter((a) => a.dependsOn.length === 0);
  const left = new Map(plan.actions.map((a) => [a.id, a.dependsOn.length]));
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
}

/**
 * One run of a plan. Event-driven: a finished action releases its dependants, so a plan of tens
 * of thousands of actions costs its size, not its square.
 */
class PlanRun {
  readonly #executors: Executors;
  readonly #options: ApplyOptions;
  readonly #outcomes = new Map<ActionId, Outcome>();
  /** The resourceVersion each object was left at by this run's own writes. */
  readonly #latestVersion = new Map<string, string>();
  /** What each applied Metal write answered: where values known after apply come from. */
  readonly #answers = new Map<ActionId, MetalWriteAnswer>();
  readonly #waitingFor: Map<ActionId, number>;
  readonly #dependants: ReadonlyMap<ActionId, Action[]>;
  /** Kubernetes writes and Metal requests each have their slots: neither queues behind the other. */
  readonly #slots: { readonly kubernetes: Slots; readonly metal: Slots };
  /** Actions the plan says wait in their backoff: not sent, and their dependants skipped. */
  readonly #waiting: ReadonlySet<ActionId>;
  #open: number;
  #done: () => void = () => undefined;

  constructor(plan: Plan, executors: Executors, options: ApplyOptions) {
    this.#executors = executors;
    this.#options = options;
    this.#dependants = dependantsOf(plan.actions);
    checkRunnable(plan, this.#dependants);
    this.#waitingFor = new Map(plan.actions.map((a) => [a.id, a.dependsOn.length]));
    this.#slots = {
      kubernetes: new Slots(options.concurrency),
      metal: new Slots(options.concurrency),
    };
    this.#waiting = new Set((plan.waiting ?? []).map((w) => w.action));
    this.#open = plan.actions.length;
  }

  async run(plan: Plan): Promise<ReadonlyMap<ActionId, Outcome>> {
    const allDone = new Promise<void>((resolve) => {
      this.#done = resolve;
    });
    for (const a of plan.actions) if (a.dependsOn.length === 0) this.#start(a, false);
    if (this.#open > 0) await allDone;
    return this.#outcomes;
  }

  /** `released`: a finished action let it start (its chain goes on before new chains begin). */
  #start(action: Action, released: boolean): void {
    const slots = action.kind === 'metal.request' ? this.#slots.metal : this.#slots.kubernetes;
    slots.run(async () => {
      if (this.#outcomes.has(action.id)) return; // skipped while it waited for a slot
      if (this.#waiting.has(action.id)) {
        this.#finish(action, { id: action.id, status: 'waiting' });
        return;
      }
      if (this.#options.shouldContinue?.() === false) {
        this.#finish(action, { id: action.id, status: 'skipped', reason: 'stopped' });
        return;
      }
      this.#finish(action, await this.#execute(action));
    }, released);
  }

  /** Never rejects: whatever goes wrong, resolving its values included, is the action's outcome. */
  async #execute(action: Action): Promise<Outcome> {
    const { logger } = this.#options;
    try {
      const resolved = resolveKnown(action, this.#answers);
      if ('unknown' in resolved)
        return { id: action.id, status: 'skipped', reason: resolved.unknown };
      const result = await execute(reguard(resolved.action, this.#latestVersion), this.#executors);
      if (result.resourceVersion !== undefined && 'object' in action)
        this.#latestVersion.set(refKey(action.object), result.resourceVersion);
      if (result.metal !== undefined) this.#answers.set(action.id, result.metal);
      // One line per action only at -v=2: a plan of 20,000 actions logs its summary instead.
      logger?.debug({ action: action.id, target: action.target }, 'applied');
      return { id: action.id, status: 'applied', result };
    } catch (error) {
      // A write that lost a race is planned again at once: worth a debug line, not a warning.
      if (error instanceof StaleWriteError)
        logger?.debug(
          { action: action.id, target: action.target, err: error.message },
          'conflict: the object changed; re-planning',
        );
      else logger?.warn({ action: action.id, target: action.target, err: error }, 'action failed');
      return { id: action.id, status: 'failed', error };
    }
  }

  /** Records an outcome; dependants start once all they wait for applied, else are skipped. */
  #finish(action: Action, outcome: Outcome): void {
    if (this.#outcomes.has(action.id)) return;
    this.#outcomes.set(action.id, outcome);
    this.#open--;
    for (const d of this.#dependants.get(action.id) ?? []) {
      if (outcome.status !== 'applied') {
        const reason = `dependency ${action.id} ${outcome.status}`;
        this.#finish(d, { id: d.id, status: 'skipped', reason });
        continue;
      }
      const left = (this.#waitingFor.get(d.id) ?? 0) - 1;
      this.#waitingFor.set(d.id, left);
      if (left === 0) this.#start(d, true);
    }
    if (this.#open === 0) this.#done();
  }
}

/**
 * Runs a plan: each action once its dependencies have applied, at most `concurrency` at a time.
 * An action waiting in its backoff is not sent. An action whose dependency failed, waits or was
 * skipped is skipped, and so are its own dependants.
 */
export async function apply(
  plan: Plan,
  executors: Executors,
  options: ApplyOptions,
): Promise<ApplyReport> {
  const run = new PlanRun(plan, executors, options);
  const outcomes = await favouringSpeed(() => run.run(plan));
  return {
    outcomes: plan.actions.map(
      (a) => outcomes.get(a.id) ?? { id: a.id, status: 'skipped', reason: 'not reached' },
    ),
  };
}

/** How a run's actions ended, counted (a write that lost a race is a conflict, not a failure). */
export function tally(
  outcomes: readonly Outcome[],
): Record<Outcome['status'] | 'conflicts', number> {
  const counts = { applied: 0, failed: 0, conflicts: 0, skipped: 0, waiting: 0 };
  for (const o of outcomes)
    counts[o.status === 'failed' && o.error instanceof StaleWriteError ? 'conflicts' : o.status]++;
  return counts;
}
