/** Waits `ms`, or less when `signal` aborts (then rejects with its reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why a deadline ended the work it bounded, in words that name it. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * A signal that aborts after `ms` with a DeadlineError saying `what` did not finish in time; `done`
 * clears its timer when the work ended first.
 */
export function deadline(ms: number, what: string): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DeadlineError(`${what} did not finish within ${seconds(ms)}`));
  }, ms);
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
    },
  };
}

/** `30s`, `1.5s`, `500ms`: a duration as a person reads it. */
export function seconds(ms: number): string {
  return ms < 1000 ? `${String(ms)}ms` : `${String(Math.round(ms / 100) / 10)}s`;
}
