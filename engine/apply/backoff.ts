import type { ActionId } from '../../model/ids.ts';
import type { Action, Plan, Waiting } from '../../model/plan.ts';
import { stableJson } from '../render/values.ts';

/** How an action ended, as far as its backoff cares. */
export interface Attempt {
  readonly id: ActionId;
  readonly result: 'applied' | 'failed';
  /** For a failure: why, in one line. */
  readonly error?: string;
}

export interface BackoffOptions {
  /** The wait after the first failure (default 1 s); it doubles with each failure after. */
  readonly baseMs?: number;
  /** The longest wait (default 5 min). */
  readonly maxMs?: number;
  /** In [0, 1): the jitter; tests pin it. */
  readonly random?: () => number;
}

interface Entry {
  failures: number;
  /** Not sent again before. */
  retryAt: number;
  /** When every action that failed with it (same loop, same count) is due, whatever its jitter. */
  cohortDueAt: number;
  lastError: string;
  /** What the action wanted when it failed: a changed intent starts afresh. */
  readonly intent: string;
}

/**
 * What an action asks of the world, without what changes between loops for the same intent
 * (its guard's resourceVersion, its reason's wording, its dependencies' ids).
 */
function intentOf(action: Action): string {
  const { id, reason, dependsOn, changes, ...rest } = action;
  const intent = 'guard' in rest ? { ...rest, guard: undefined } : rest;
  return stableJson(intent);
}

/**
 * Exponential backoff with jitter per action, by its stable id: after its n-th failure in a row an
 * action waits min(5 min, 1 s × 2^(n−1)) × (1 + up to a quarter), then is tried again. A success,
 * a changed intent, or the action leaving the plan forgets its failures. The planners never see
 * any of it: the state lives here, and is laid over a plan as data (`Plan.waiting`).
 */
export class ActionBackoff {
  readonly #entries = new Map<ActionId, Entry>();
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.#baseMs = options.baseMs ?? 1000;
    this.#maxMs = options.maxMs ?? 300_000;
    this.#random = options.random ?? Math.random;
  }

  /**
   * The plan with every action still inside its backoff marked as waiting. A whole plan forgets the
   * actions it no longer has; a part of one (`part`: a control-plane move between loops) keeps them.
   */
  hold(plan: Plan, now: number, part = false): Plan {
    const inPlan = new Map(plan.actions.map((a) => [a.id, a]));
    for (const [id, entry] of this.#entries) {
      const action = inPlan.get(id);
      if (action === undefined ? !part : intentOf(action) !== entry.intent)
        this.#entries.delete(id);
    }
    const waiting: Waiting[] = [...this.#entries]
      .filter(([id, e]) => e.retryAt > now && inPlan.has(id))
      .map(([id, e]) => ({
        action: id,
        failures: e.failures,
        retryAt: new Date(e.retryAt).toISOString(),
        lastError: e.lastError,
      }));
    return waiting.length === 0 ? plan : { ...plan, waiting };
  }

  /** Counts the attempts of a loop: a failure backs its action off further, a success forgets it. */
  record(plan: Plan, attempts: readonly Attempt[], now: number): void {
    const byId = new Map(plan.actions.map((a) => [a.id, a]));
    for (const attempt of attempts) {
      const action = byId.get(attempt.id);
      if (action === undefined || attempt.result === 'applied') {
        this.#entries.delete(attempt.id);
        continue;
      }
      const failures = (this.#entries.get(attempt.id)?.failures ?? 0) + 1;
      const nominal = this.#baseMs * 2 ** Math.min(failures - 1, 30);
      const delay = Math.min(this.#maxMs, nominal * (1 + this.#random() / 4));
      this.#entries.set(attempt.id, {
        failures,
        retryAt: now + delay,
        cohortDueAt: now + Math.min(this.#maxMs, nominal * 1.25),
        lastError: attempt.error ?? 'failed',
        intent: intentOf(action),
      });
    }
  }

  /**
   * When the next loop should retry (epoch ms), or undefined when nothing waits: once the first
   * group of actions that failed together is due in full, so their jitter does not cost a loop
   * (and an observation) per action. No action is sent before its own retry time.
   */
  nextRetry(): number | undefined {
    const due = [...this.#entries.values()].map((e) => e.cohortDueAt);
    return due.length === 0 ? undefined : Math.min(...due);
  }
}
