/** What started a loop: a cache change, the resync timer, the applier, a retry, a probe, start-up. */
export type Trigger = 'start' | 'change' | 'resync' | 'applier' | 'retry' | 'probe';

/** What a loop asks for when it ends: another loop after a delay, or nothing until a trigger. */
export interface LoopEnd {
  readonly next?: { readonly trigger: Trigger; readonly delayMs: number };
}

export interface SchedulerOptions {
  /** One loop; never called again before the previous one ended. */
  readonly run: (trigger: Trigger) => Promise<LoopEnd>;
  /** The period of full resyncs (with up to 10 % jitter, so replicas do not beat in step). */
  readonly resyncMs: number;
  /** A loop that threw (a bug: loops report their failures): told, then retried after a second. */
  readonly onError: (error: unknown) => void;
  /** Told when loops start running back to back (true), and when none is due at once (false). */
  readonly working?: (busy: boolean) => void;
  /** Told as a loop starts: how long after it was due (it waited for the loop before it). */
  readonly started?: (trigger: Trigger, waitedMs: number) => void;
}

/**
 * When loops run: one at a time. A request on an idle scheduler starts a loop at once (after the
 * events of the same I/O turn, which it takes in); whatever is requested while a loop runs costs
 * one loop right after it. A request due later (a retry) waits for its time; one due sooner brings
 * the next loop forward, never back. A resync is requested every period. It says when loops start
 * running back to back and when they stop (`working`): Events wait for the writes.
 */
export class LoopScheduler {
  readonly #options: SchedulerOptions;
  /** The soonest loop asked for: its trigger and when it is due. */
  #next: { readonly trigger: Trigger; readonly due: number } | undefined;
  /** Cancels the armed loop (a timeout or an immediate); undefined when none is armed. */
  #disarm: (() => void) | undefined;
  #resyncTimer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #busy = false;
  /** Loops completed, for tests that wait for the CCM to act. */
  loopsCompleted = 0;
  /** When the last loop ended (liveness: a stuck loop shows as none ending). */
  lastLoopEndedAt: number | undefined;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /** Starts the resync timer and the first loop. */
  start(): void {
    this.#scheduleResync();
    this.request('start');
  }

  /** A loop in `delayMs` (at once by default), unless one is due sooner already. */
  request(trigger: Trigger, delayMs = 0): void {
    if (this.#stopped) return;
    const due = Date.now() + delayMs;
    if (this.#next !== undefined && this.#next.due <= due) return;
    this.#next = { trigger, due };
    // A loop under way: the next one is armed when it ends.
    if (this.#running === undefined) this.#arm();
  }

  /** No new loop starts; resolves when the loop under way has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#disarm?.();
    clearTimeout(this.#resyncTimer);
    await this.#running;
    this.#setBusy(false); // a loop that was due will not run
  }

  /** The next loop at its time: at once when it is due (after this I/O turn's events). */
  #arm(): void {
    this.#disarm?.();
    this.#disarm = undefined;
    if (this.#next === undefined || this.#stopped) return;
    const fire = (): void => {
      this.#disarm = undefined;
      this.#fire();
    };
    const delay = this.#next.due - Date.now();
    if (delay <= 0) {
      const immediate = setImmediate(fire);
      this.#disarm = () => {
        clearImmediate(immediate);
      };
    } else {
      const timer = setTimeout(fire, delay);
      this.#disarm = () => {
        clearTimeout(timer);
      };
    }
  }

  #fire(): void {
    const next = this.#next;
    if (this.#running !== undefined || this.#stopped || next === undefined) return;
    this.#next = undefined;
    this.#setBusy(true);
    this.#options.started?.(next.trigger, Math.max(0, Date.now() - next.due));
    this.#running = this.#options
      .run(next.trigger)
      .catch((error: unknown): LoopEnd => {
        this.#options.onError(error);
        return { next: { trigger: 'retry', delayMs: 1000 } };
      })
      .then((end) => {
        this.#running = undefined;
        this.loopsCompleted++;
        this.lastLoopEndedAt = Date.now();
        if (end.next !== undefined) this.request(end.next.trigger, end.next.delayMs);
        this.#arm();
        this.#setBusy(this.#next !== undefined && this.#next.due <= Date.now() && !this.#stopped);
      });
  }

  #setBusy(busy: boolean): void {
    if (busy === this.#busy) return;
    this.#busy = busy;
    this.#options.working?.(busy);
  }

  #scheduleResync(): void {
    const period = this.#options.resyncMs;
    this.#resyncTimer = setTimeout(
      () => {
        this.request('resync');
        this.#scheduleResync();
      },
      period * (1 + Math.random() * 0.1),
    );
  }
}
