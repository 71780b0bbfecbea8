import pLimit from 'p-limit';
import type { Action, Warning } from '../../model/plan.ts';
import { eventKey, type EventInput } from '../../providers/kubernetes/events.ts';
import { StaleWriteError } from '../../providers/kubernetes/executor.ts';
import type { Outcome } from '../apply/applier.ts';
import type { Logger } from '../cli/logging.ts';

/** Events recorded at once while the CCM is idle, and while its loops run back to back. */
const idleConcurrency = 8;
const busyConcurrency = 1;

const verbs = { create: 'Create', update: 'Update', delete: 'Delete' } as const;

/** An action and how it ended, as the applier reports it. */
export type Recorded = readonly [Action, Outcome];

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

/** A write that lost a race: planned again at once, neither a failure nor an Event. */
export function isConflict(outcome: Outcome): boolean {
  return outcome.status === 'failed' && outcome.error instanceof StaleWriteError;
}

export function causeOf(outcome: Outcome): string {
  if (outcome.status !== 'failed') return '';
  return outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
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
  if (isConflict(outcome)) return undefined;
  const base = { regarding: action.regarding, action: verbs[action.operation] };
  if (outcome.status === 'applied')
    return { ...base, type: 'Normal', reason: action.event, note: action.reason };
  return {
    ...base,
    type: 'Warning',
    reason: `${action.event}Failed`,
    note: `${action.reason}: ${causeOf(outcome)}`,
  };
}

/**
 * The Events of one apply: one per object and reason (a Node initialised by a spec and a status
 * write is one `NodeInitialized`), the notes of the actions it stands for joined.
 */
export function outcomeEvents(recorded: readonly Recorded[]): EventInput[] {
  const byKey = new Map<string, EventInput>();
  for (const [action, outcome] of recorded) {
    const event = outcomeEvent(action, outcome);
    if (event === undefined) continue;
    const key = eventKey(event, false);
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, event);
    else if (!seen.note.includes(event.note))
      byKey.set(key, { ...seen, note: `${seen.note}; ${event.note}` });
  }
  return [...byKey.values()];
}

/**
 * Which plan warnings to leave as Events: a warning when it appears (or its text changes), and a
 * standing one again only every `remindEveryMs` (before the API server's one-hour Event TTL lets
 * it vanish), never once per loop. A warning that goes and comes back is new again, and so is one
 * whose Event could not be recorded (e.g. while the API server restarted): it is told next loop.
 */
export class WarningTransitions {
  readonly #remindEveryMs: number;
  #reported = new Map<string, number>();

  constructor(remindEveryMs = 30 * 60_000) {
    this.#remindEveryMs = remindEveryMs;
  }

  due(warnings: readonly Warning[], now: number): EventInput[] {
    const next = new Map<string, number>();
    const out: EventInput[] = [];
    for (const event of warnings.flatMap(warningEvents)) {
      const key = eventKey(event);
      const last = this.#reported.get(key);
      if (last === undefined || now - last >= this.#remindEveryMs) {
        out.push(event);
        next.set(key, now);
      } else next.set(key, last);
    }
    this.#reported = next;
    return out;
  }

  /** The Event of a warning was not recorded: the warning is due again. */
  unreported(event: EventInput): void {
    this.#reported.delete(eventKey(event));
  }
}

/** Where Events go: the recorder of the Kubernetes provider. */
export interface EventSink {
  record(event: EventInput): Promise<void>;
}

/**
 * Records Events in the background so a loop never waits on them; a failure to record is logged,
 * not retried. Events yield to the loops' writes, so that a burst's writes do not queue behind its
 * Events at the API server (a new Service is two writes and four Events): while loops run back to
 * back (`working(true)`), an Event waits until they stop, at most `holdMs` after it happened, and is
 * then recorded one at a time; when the CCM is idle, eight at a time. Each is stamped with when it
 * happened. `drain()` waits for what is under way (at stop).
 */
export class EventReporter {
  readonly #sink: EventSink;
  readonly #log: Logger;
  readonly #holdMs: number;
  readonly #limit = pLimit(idleConcurrency);
  readonly #background = new Set<Promise<void>>();
  /** While loops run back to back: resolves when they stop. */
  #busy: PromiseWithResolvers<void> | undefined;

  constructor(sink: EventSink, log: Logger, holdMs = 1000) {
    this.#sink = sink;
    this.#log = log;
    this.#holdMs = holdMs;
  }

  /** `failed` hears of each Event that could not be recorded. */
  report(events: readonly (EventInput | undefined)[], failed?: (event: EventInput) => void): void {
    const reported = events.filter((e): e is EventInput => e !== undefined);
    if (reported.length === 0) return;
    const at = Date.now();
    const held = this.#held(at);
    const running = Promise.all(
      reported.map((event) =>
        held.then(() => this.#limit(() => this.#record({ at, ...event }, failed))),
      ),
    ).then(() => undefined);
    this.#background.add(running);
    void running.finally(() => this.#background.delete(running));
  }

  /** The loops run back to back (Events yield to their writes), or the CCM is idle. */
  readonly working = (busy: boolean): void => {
    this.#limit.concurrency = busy ? busyConcurrency : idleConcurrency;
    if (busy) this.#busy ??= Promise.withResolvers();
    else {
      this.#busy?.resolve();
      this.#busy = undefined;
    }
  };

  async drain(): Promise<void> {
    await Promise.all(this.#background);
  }

  /** Until the loops stop, or `holdMs` after `at`. */
  async #held(at: number): Promise<void> {
    const busy = this.#busy;
    if (busy === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const hold = new Promise(
      (resolve) => (timer = setTimeout(resolve, at + this.#holdMs - Date.now())),
    );
    await Promise.race([busy.promise, hold]);
    clearTimeout(timer);
  }

  async #record(event: EventInput, failed?: (event: EventInput) => void): Promise<void> {
    try {
      await this.#sink.record(event);
    } catch (error) {
      this.#log.warn({ err: String(error), reason: event.reason }, 'event not recorded');
      failed?.(event);
    }
  }
}
