const shown = '(sensitive)';
/** The symbol util.inspect looks for; Symbol.for keeps this module free of node: imports. */
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

/**
 * A secret value (API token, BGP password, Secret data). Every way of printing it — JSON, string
 * conversion, util.inspect, pino — yields "(sensitive)"; only `reveal()` gives the value, and only
 * code that sends it somewhere calls that.
 */
export class Sensitive<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  /** Where the value comes from, when that is worth saying (a file re-read on change); never the value. */
  source(): string | undefined {
    return undefined;
  }

  toJSON(): string {
    return shown;
  }

  toString(): string {
    return shown;
  }

  [inspectCustom](): string {
    return shown;
  }
}

export const sensitiveMarker = shown;

export function isSensitive(value: unknown): value is Sensitive<unknown> {
  return value instanceof Sensitive;
}

/** A copy of `value` with every Sensitive inside replaced by its secret: only for sending. */
export function revealDeep(value: unknown): unknown {
  if (value instanceof Sensitive) return value.reveal();
  if (Array.isArray(value)) return value.map(revealDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealDeep(v)]));
  }
  return value;
}
