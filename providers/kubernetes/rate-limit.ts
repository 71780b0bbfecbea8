/**
 * The Kubernetes client's rate limit, as client-go's token bucket (`--kube-api-qps`,
 * `--kube-api-burst`): up to `burst` requests at once, then `qps` per second. A qps of 0 or less
 * means no limit.
 */
export class TokenBucket {
  readonly #qps: number;
  readonly #burst: number;
  #tokens: number;
  #refilledAt: number;
  /** Requests waiting for a token, in order. */
  #queue: Promise<void> = Promise.resolve();
  readonly #now: () => number;

  constructor(qps: number, burst: number, now: () => number = Date.now) {
    this.#qps = qps;
    this.#burst = Math.max(1, burst);
    this.#tokens = this.#burst;
    this.#now = now;
    this.#refilledAt = now();
  }

  /** Resolves when the request may go. */
  take(): Promise<void> {
    if (this.#qps <= 0) return Promise.resolve();
    const turn = this.#queue.then(() => this.#wait());
    this.#queue = turn;
    return turn;
  }

  async #wait(): Promise<void> {
    for (;;) {
      const now = this.#now();
      this.#tokens = Math.min(
        this.#burst,
        this.#tokens + ((now - this.#refilledAt) / 1000) * this.#qps,
      );
      this.#refilledAt = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      const ms = Math.ceil(((1 - this.#tokens) / this.#qps) * 1000);
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
  }
}
