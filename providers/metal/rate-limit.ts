/** Seconds (`Retry-After: 7`), an HTTP date, or Metal's `X-RateLimit-Reset` epoch seconds. */
export function rateLimitPauseMs(
  headers: Record<string, unknown>,
  now: number,
): number | undefined {
  const retryAfter = headers['retry-after'];
  if (typeof retryAfter === 'string' && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return undefined;
}

/** The transport's clock: real, or a test's. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The one pause every Metal call of the process keeps after a 429, capped at `maxMs`. */
export class RateLimitPause {
  readonly #clock: Clock;
  readonly #maxMs: number;
  readonly #onPause: ((ms: number) => void) | undefined;
  /** Until when every call waits (epoch ms); 0 when not paused. */
  until = 0;

  constructor(clock: Clock, maxMs: number, onPause?: (ms: number) => void) {
    this.#clock = clock;
    this.#maxMs = maxMs;
    this.#onPause = onPause;
  }

  /** Pauses every call for `ms` (never shortens a longer pause under way). */
  pause(ms: number): void {
    const now = this.#clock.now();
    const until = now + Math.min(ms, this.#maxMs);
    if (until <= this.until) return;
    this.until = until;
    this.#onPause?.(until - now);
  }

  /** Waits out the pause (a longer one set meanwhile too), or until `signal` aborts. */
  async wait(signal?: AbortSignal): Promise<void> {
    for (let left = this.until - this.#clock.now(); left > 0; left = this.until - this.#clock.now())
      await this.#clock.sleep(left, signal);
  }
}

/** The rate-limit window as the last answer told it (`X-RateLimit-*`; packngo's `Rate`). */
export interface RateLimitReading {
  readonly limit: number;
  readonly remaining: number;
  /** Epoch ms at which the window resets; undefined when not told. */
  readonly resetAt?: number;
}

/** The three `X-RateLimit-*` headers; undefined when the answer carries no limit and remainder. */
export function readRateLimit(headers: Record<string, unknown>): RateLimitReading | undefined {
  const [limit, remaining, reset] = ['limit', 'remaining', 'reset'].map((h) => {
    const raw = headers[`x-ratelimit-${h}`];
    return typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  }) as [number, number, number];
  if (!Number.isFinite(limit) || !Number.isFinite(remaining)) return undefined;
  return { limit, remaining, ...(Number.isFinite(reset) ? { resetAt: reset * 1000 } : {}) };
}
