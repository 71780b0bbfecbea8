/**
 * Incremental planning. Everything a planner reads is immutable, the caches keep an object that did
 * not change as the same object, and a re-list of the Metal project keeps what it finds unchanged
 * (engine/observe/unchanged.ts): so a result derived from the same objects is the same result, and
 * a resync of a converged cluster re-derives nothing. Inputs are compared by identity only.
 */

const sameInputs = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** `derive`, remembering its last answer: computed again only when an argument is another object. */
export function lastResult<A extends readonly unknown[], R>(
  derive: (...args: A) => R,
): (...args: A) => R {
  let last: { readonly args: A; readonly result: R } | undefined;
  return (...args) => {
    if (last === undefined || !sameInputs(last.args, args))
      last = { args, result: derive(...args) };
    return last.result;
  };
}

/** What was derived for an object, and from what: valid while those inputs are the same. */
export class Remembered<K extends object, V> {
  readonly #by = new WeakMap<K, { readonly from: readonly unknown[]; readonly value: V }>();

  /** What was derived for `object` from these same inputs, if anything. */
  get(object: K, inputs: readonly unknown[]): V | undefined {
    const known = this.#by.get(object);
    return known !== undefined && sameInputs(known.from, inputs) ? known.value : undefined;
  }

  set(object: K, inputs: readonly unknown[], value: V): void {
    this.#by.set(object, { from: inputs, value });
  }

  forget(object: K): void {
    this.#by.delete(object);
  }
}

/**
 * The objects whose own plan was empty (nothing to write, nothing to warn about), and what it was
 * planned from: such an object plans empty again while those inputs are the same. Only an empty plan
 * is remembered, because only it is sure to be the same later: the planners read the clock only to
 * stamp a condition's transition (a write), and count across objects only for what they request.
 */
export class Settled<K extends object> {
  readonly #empty = new Remembered<K, true>();

  /** True when `object` planned nothing from these same inputs. */
  has(object: K, inputs: readonly unknown[]): boolean {
    return this.#empty.get(object, inputs) === true;
  }

  /** What `object` was planned from, if its plan was empty. */
  remember(object: K, inputs: readonly unknown[], empty: boolean): void {
    if (empty) this.#empty.set(object, inputs, true);
    else this.#empty.forget(object);
  }
}
