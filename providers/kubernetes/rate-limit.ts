/**
 * A Kubernetes client's rate limit, as client-go's token bucket (`--kube-api-qps`,
 * `--kube-api-burst`): up to `burst` requests at once, then `qps` per second; a qps of 0 or less
 * means no limit (the flags' 0 is client-go's default, 5, by then: component/options.ts). Each
 * client has its own (clients.ts), as in client-go.
 */
export class TokenBucket {
  readonly #qps: number;
  readonly #burst: number;
  #tokens: number;
  #refilledAt: number;
  readonly #waiting: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #now: () => number;

  constructor(qps: number, burst: number, now: () => number = Date.now) {
    this.#qps = qps;
    this.#burst = Math.max(1, burst);
    this.#tokens = this.#burst;
    this.#now = now;
    this.#refilledAt = now();
  }

  /** Resolves when the request may go, in the order asked. */
  take(): Promise<void> {
    if (this.#qps <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#release();
    });
  }

  #release(): void {
    const now = this.#now();
    this.#tokens = Math.min(
      this.#burst,
      this.#tokens + ((now - this.#refilledAt) / 1000) * this.#qps,
    );
    this.#refilledAt = now;
    while (this.#tokens >= 1 && this.#waiting.length > 0) {
      this.#tokens -= 1;
      this.#waiting.shift()?.();
    }
    if (this.#waiting.length > 0 && this.#timer === undefined) {
      const ms = Math.ceil(((1 - this.#tokens) / this.#qps) * 1000);
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#release();
      }, ms);
    }
  }
}
