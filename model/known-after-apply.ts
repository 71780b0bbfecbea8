import type { ActionId } from './ids.ts';
import type { AnswerField } from './metal-writes.ts';

/** What the text plan shows for a value known only once an earlier action has applied. */
export const knownAfterApplyMarker = '(known after apply)';
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

/**
 * A value of an action that comes from the answer of an action it depends on (Terraform's "known
 * after apply"): a new reservation's address going into its Service's spec and status in the same
 * plan. The text plan shows `(known after apply)`; JSON marks it with the action and field it
 * comes from, so a saved plan compares it as such; the applier puts the value in before sending.
 */
export class KnownAfterApply {
  readonly from: ActionId;
  readonly field: AnswerField;

  constructor(from: ActionId, field: AnswerField) {
    this.from = from;
    this.field = field;
  }

  toJSON(): { known_after_apply: { from: ActionId; field: AnswerField } } {
    return { known_after_apply: { from: this.from, field: this.field } };
  }

  toString(): string {
    return knownAfterApplyMarker;
  }

  [inspectCustom](): string {
    return knownAfterApplyMarker;
  }
}

/**
 * How a planner asks for a value known after apply: the `key` of the intent whose answer gives it,
 * and which field. In the desired object it stands as its placeholder, which the differ turns into
 * a KnownAfterApply naming that intent's action.
 */
export interface Deferred {
  readonly key: string;
  readonly field: AnswerField;
}

const placeholderStart = '(known after apply: ';
const fields: readonly AnswerField[] = ['address'];

export const placeholderOf = (d: Deferred): string => `${placeholderStart}${d.field} of ${d.key})`;

/** The value a placeholder stands for; undefined for any other value. */
export function deferredOf(value: unknown): Deferred | undefined {
  if (typeof value !== 'string' || !value.startsWith(placeholderStart) || !value.endsWith(')'))
    return undefined;
  const inner = value.slice(placeholderStart.length, -1);
  const field = fields.find((f) => inner.startsWith(`${f} of `));
  return field === undefined ? undefined : { field, key: inner.slice(`${field} of `.length) };
}

/**
 * A copy of `value` with each leaf (what is neither an array nor a plain object: a string, a
 * number, a Sensitive, a KnownAfterApply) passed through `f`; `value` itself when nothing changed.
 */
export function mapLeaves(value: unknown, f: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(value)) {
    const mapped = value.map((v) => mapLeaves(v, f));
    return mapped.every((v, i) => v === value[i]) ? value : mapped;
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const entries = Object.entries(value);
    const mapped = entries.map(([k, v]) => [k, mapLeaves(v, f)] as const);
    return mapped.every(([, v], i) => v === entries[i]?.[1]) ? value : Object.fromEntries(mapped);
  }
  return f(value);
}
