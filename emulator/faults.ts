/** Faults the emulator injects on demand, per operation or for every operation ('*'). */
export type Fault =
  | {
      readonly kind: 'status';
      readonly status: 429 | 500 | 502 | 503;
      readonly retryAfterSeconds?: number;
    }
  | { readonly kind: 'latency'; readonly ms: number }
  /** The connection is closed before anything happens. */
  | { readonly kind: 'drop' }
  /** The operation is carried out, then the connection is closed without an answer. */
  | { readonly kind: 'lose-response' }
  /** A list claims one more page on every page, so its pages never end (empty past the end). */
  | { readonly kind: 'endless-pages' }
  /** Every page of a list holds the first page's items again. */
  | { readonly kind: 'repeated-ids' }
  /** The answer's headers come at once, its body one byte every `everyMs` (default 5 s). */
  | { readonly kind: 'trickle'; readonly everyMs?: number }
  /** 200 with an HTML page instead of JSON, as a proxy in the way might answer. */
  | { readonly kind: 'not-json' }
  /** The request waits until `releaseHeld()`, then is carried out and answered (if anyone listens). */
  | { readonly kind: 'hold' };

/** How often: `times` requests (default 1), or each request with `probability` (until cleared). */
export type FaultRule = Fault & { readonly times?: number; readonly probability?: number };

interface Armed {
  readonly rule: FaultRule;
  remaining: number;
}

/** A small seeded generator (mulberry32), so a faulty run can be replayed with the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fault's kind as counted: `status 429`, `status 503`, `latency`, `drop`, `lose-response`, … */
export const faultName = (fault: Fault): string =>
  fault.kind === 'status' ? `status ${String(fault.status)}` : fault.kind;

export class Faults {
  readonly #armed = new Map<string, Armed[]>();
  readonly #random: () => number;
  /** Faults that fired, by name (see faultName): a test can tell that each kind really happened. */
  readonly fired = new Map<string, number>();
  /** Where `hold` faults wait. */
  readonly hold = new Hold();

  constructor(seed = 1) {
    this.#random = seededRandom(seed);
  }

  inject(operation: string, rule: FaultRule): void {
    const remaining = rule.times ?? (rule.probability === undefined ? 1 : Infinity);
    this.#armed.set(operation, [...(this.#armed.get(operation) ?? []), { rule, remaining }]);
  }

  clear(): void {
    this.#armed.clear();
  }

  /** The fault for this request of `operation`, if one fires; used up as it fires. */
  take(operation: string): Fault | undefined {
    for (const key of [operation, '*']) {
      const list = this.#armed.get(key) ?? [];
      for (const armed of list) {
        if (armed.remaining <= 0) continue;
        if (armed.rule.probability !== undefined && this.#random() >= armed.rule.probability)
          continue;
        armed.remaining--;
        this.fired.set(faultName(armed.rule), (this.fired.get(faultName(armed.rule)) ?? 0) + 1);
        return armed.rule;
      }
    }
    return undefined;
  }
}

/** Where `hold` faults wait: every held request goes on at once when released. */
export class Hold {
  #gate: { count: number; release: () => void; open: Promise<void> } | undefined;

  /** Requests waiting now. */
  get count(): number {
    return this.#gate?.count ?? 0;
  }

  async wait(): Promise<void> {
    if (this.#gate === undefined) {
      let release = (): void => undefined;
      const open = new Promise<void>((resolve) => (release = resolve));
      this.#gate = { count: 0, release, open };
    }
    this.#gate.count++;
    await this.#gate.open;
  }

  release(): void {
    this.#gate?.release();
    this.#gate = undefined;
  }
}
