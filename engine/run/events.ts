import pLimit from 'p-limit';
import type { Action, Warning } from '../../model/plan.ts';
import type { EventInput } from '../../providers/kubernetes/events.ts';
import { StaleWriteError } from '../../providers/kubernetes/executor.ts';
import type { Outcome } from '../apply/applier.ts';
import type { Logger } from '../cli/logging.ts';

const verbs = { create: 'Create', update: 'Update', delete: 'Delete' } as const;

/**
 * The Warning Events of a plan warning: one on the object it is about and one on each further
 * object it names (`alsoRegarding`); none for a warning about no object.
 */
export function warningEvents(warning: Warning): EventInput[] {
  const { event } = warning;
  if (warning.regarding === undefined || event === undefined) return [];
  return [warning.regarding, ...(warning.alsoRegarding ?? [])].map((regarding) => ({
    regarding,
    type: 'Warning',
    reason: event,
    action: 'Plan',
    note: warning.message,
  }));
}

/**
 * The Event an applied or failed action leaves on the object it was for: Normal with the action's
 * reason, or Warning `<reason>Failed`. None for a skipped action, and none for a write that lost a
 * race (the object changed since it was observed): the next loop plans again from what is there.
 */
export function outcomeEvent(action: Action, outcome: Outcome): EventInput | undefined {
  if (action.regarding === undefined) return undefined;
  // A skipped or waiting action did nothing: its Event came when it failed, and counts the failures.
  if (outcome.status === 'skipped' || outcome.status === 'waiting') return undefined;
  if (outcome.status === 'failed' && outcome.error instanceof StaleWriteError) return undefined;
  const base = { regarding: action.regarding, action: verbs[action.operation] };
  if (outcome.status === 'applied')
    return { ...base, type: 'Normal', reason: action.event, note: action.reason };
  const cause = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  return {
    ...base,
    type: 'Warning',
    reason: `${action.event}Failed`,
    note: `${action.reason}: ${cause}`,
  };
}

/** Where Events go: the recorder of the Kubernetes provider. */
export interface EventSink {
  record(event: EventInput): Promise<void>;
}

/**
 * Records Events in the background, a few at a time, so a loop never waits on them; a failure to
 * record is logged, not retried. `drain()` waits for what is under way (at stop).
 */
export class EventReporter {
  readonly #sink: EventSink;
  readonly #log: Logger;
  readonly #limit = pLimit(8);
  readonly #background = new Set<Promise<void>>();

  constructor(sink: EventSink, log: Logger) {
    this.#sink = sink;
    this.#log = log;
  }

  report(events: readonly (EventInput | undefined)[]): void {
    const tasks = events
      .filter((e): e is EventInput => e !== undefined)
      .map((event) => this.#limit(() => this.#record(event)));
    const running = Promise.all(tasks).then(() => undefined);
    this.#background.add(running);
    void running.finally(() => this.#background.delete(running));
  }

  async drain(): Promise<void> {
    await Promise.all(this.#background);
  }

  async #record(event: EventInput): Promise<void> {
    try {
      await this.#sink.record(event);
    } catch (error) {
      this.#log.warn({ err: String(error), reason: event.reason }, 'event not recorded');
    }
  }
}
