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

/**
 * The objects whose own plan was empty (nothing to write, nothing to warn about), and what it was
 * planned from: such an object plans empty again while those inputs are the same. Only an empty plan
 * is remembered, because only it is sure to be the same later: the planners read the clock only to
 * stamp a condition's transition (a write), and count across objects only for what they request.
 */
export class Settled<K extends object> {
  readonly #from = new WeakMap<K, readonly unknown[]>();

  /** True when `object` planned nothing from these same inputs. */
  has(object: K, inputs: readonly unknown[]): boolean {
    const from = this.#from.get(object);
    return from !== undefined && sameInputs(from, inputs);
  }

  /** What `object` was planned from, if its plan was empty. */
  remember(object: K, inputs: readonly unknown[], empty: boolean): void {
    if (empty) this.#from.set(object, inputs);
    else this.#from.delete(object);
  }
}
