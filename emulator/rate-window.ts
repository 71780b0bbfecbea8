import type { Answer } from './answers.ts';

/** A rate-limit window a test sets: how many requests it allows, and how many are left. */
export interface RateWindowSetting {
  readonly limit: number;
  readonly remaining: number;
  /** Until the window resets (default 60). */
  readonly resetSeconds?: number;
}

/**
 * The `X-RateLimit-*` headers Metal sends on every answer (ENDPOINTS.md, "Rate limiting"; packngo
 * reads them as `Rate`): off until a test sets a window, then each answer spends one request of it.
 * It only tells; 429s are the faults' business.
 */
export class RateWindow {
  #window: { limit: number; remaining: number; resetAt: number } | undefined;

  set(setting: RateWindowSetting | undefined, now = Date.now()): void {
    this.#window =
      setting === undefined
        ? undefined
        : { ...setting, resetAt: Math.ceil(now / 1000) + (setting.resetSeconds ?? 60) };
  }

  /** The answer with the window's headers, one request spent. */
  spend(answer: Answer): Answer {
    const window = this.#window;
    if (window === undefined) return answer;
    window.remaining = Math.max(0, window.remaining - 1);
    return {
      ...answer,
      headers: {
        ...answer.headers,
        'x-ratelimit-limit': String(window.limit),
        'x-ratelimit-remaining': String(window.remaining),
        'x-ratelimit-reset': String(window.resetAt),
      },
    };
  }
}
