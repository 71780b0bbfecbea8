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
  | { readonly kind: 'not-json' };

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

export class Faults {
  readonly #armed = new Map<string, Armed[]>();
  readonly #random: () => number;

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
        return armed.rule;
      }
    }
    return undefined;
  }
}
