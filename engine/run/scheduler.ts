/** What started a loop: a cache change, the resync timer, the applier, a retry, a probe, start-up. */
export type Trigger = 'start' | 'change' | 'resync' | 'applier' | 'retry' | 'probe';

/** What a loop asks for when it ends: another loop after a delay, or nothing until a trigger. */
export interface LoopEnd {
  readonly next?: { readonly trigger: Trigger; readonly delayMs: number };
}

export interface SchedulerOptions {
  /** One loop; never called again before the previous one ended. */
  readonly run: (trigger: Trigger) => Promise<LoopEnd>;
  /** Requests within this window cost one loop. */
  readonly debounceMs: number;
  /** The period of full resyncs (with up to 10 % jitter, so replicas do not beat in step). */
  readonly resyncMs: number;
  /** A loop that threw (a bug: loops report their failures): told, then retried after a second. */
  readonly onError: (error: unknown) => void;
}

/**
 * When loops run: one at a time; a burst of requests within the debounce window costs one loop; a
 * request due sooner (the applier's, after its writes) brings the next loop forward, never back; a
 * request that arrives during a loop runs right after it; a resync is requested every period.
 */
export class LoopScheduler {
  readonly #options: SchedulerOptions;
  #pending: Trigger | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerDue = 0;
  #resyncTimer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
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

  request(trigger: Trigger, delayMs = this.#options.debounceMs): void {
    if (this.#stopped) return;
    this.#pending ??= trigger;
    const due = Date.now() + delayMs;
    if (this.#timer !== undefined && this.#timerDue <= due) return;
    clearTimeout(this.#timer);
    this.#timerDue = due;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#fire();
    }, delayMs);
  }

  /** No new loop starts; resolves when the loop under way has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#resyncTimer);
    await this.#running;
  }

  #fire(): void {
    // A loop under way: the pending trigger runs when it ends.
    if (this.#running !== undefined || this.#stopped) return;
    const trigger = this.#pending ?? 'resync';
    this.#pending = undefined;
    this.#running = this.#options
      .run(trigger)
      .catch((error: unknown): LoopEnd => {
        this.#options.onError(error);
        return { next: { trigger: 'retry', delayMs: 1000 } };
      })
      .then((end) => {
        this.#running = undefined;
        this.loopsCompleted++;
        this.lastLoopEndedAt = Date.now();
        if (end.next !== undefined) this.request(end.next.trigger, end.next.delayMs);
        if (this.#pending !== undefined && this.#timer === undefined)
          this.request(this.#pending, 0);
      });
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
