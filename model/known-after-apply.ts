import type { ActionId } from './ids.ts';
import { isPlainObject } from './json.ts';
import type { AnswerField } from './metal-writes.ts';

/** What the text plan shows for a value known only once an earlier action has applied. */
export const knownAfterApplyMarker = '(known after apply)';
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

/** `{address}`: where a field of the answer goes in a template. */
const slot = /\{(address|id)\}/g;

/**
 * A value of an action that comes from the answer of an action it depends on (Terraform's "known
 * after apply"): a new reservation's address going into its Service's spec and status in the same
 * plan. `template` is the value with `{field}` where each field of the answer goes (`{address}`
 * alone, or a text such as a condition's message). The text plan shows `(known after apply)` in
 * each slot; JSON marks it with the action it comes from, so a saved plan compares it as such; the
 * applier puts the values in before sending.
 */
export class KnownAfterApply {
  readonly from: ActionId;
  readonly template: string;

  constructor(from: ActionId, template: string) {
    this.from = from;
    this.template = template;
  }

  /** The fields of the answer the value needs. */
  get fields(): AnswerField[] {
    return [...this.template.matchAll(slot)].map((m) => m[1] as AnswerField);
  }

  /** The value, given the answer's fields; undefined when one it needs is missing. */
  fill(value: (field: AnswerField) => string | undefined): string | undefined {
    const values = this.fields.map(value);
    if (values.some((v) => v === undefined)) return undefined;
    let i = 0;
    return this.template.replace(slot, () => values[i++] ?? '');
  }

  toJSON(): { known_after_apply: { from: ActionId; value: string } } {
    return { known_after_apply: { from: this.from, value: this.template } };
  }

  toString(): string {
    return this.template.replace(slot, knownAfterApplyMarker);
  }

  [inspectCustom](): string {
    return this.toString();
  }
}

/**
 * How a planner asks for a value known after apply: the `key` of the intent whose answer gives it,
 * and which field. In the desired object it stands as its placeholder (alone, or inside a text),
 * which the differ turns into a KnownAfterApply naming that intent's action.
 */
export interface Deferred {
  readonly key: string;
  readonly field: AnswerField;
}

const placeholder = /\(known after apply: (address|id) of ([^)]+)\)/g;

export const placeholderOf = (d: Deferred): string => `(known after apply: ${d.field} of ${d.key})`;

/**
 * The value a text with placeholders stands for: the key of the intent they name and the template
 * with a slot for each; undefined for any other value. One text takes from one intent only.
 */
export function deferredOf(value: unknown): { key: string; template: string } | undefined {
  if (typeof value !== 'string' || !value.includes('(known after apply: ')) return undefined;
  const keys = new Set([...value.matchAll(placeholder)].map((m) => m[2]));
  const [key] = keys;
  if (key === undefined) return undefined;
  if (keys.size > 1) throw new Error(`one value takes from two actions: ${value}`);
  return { key, template: value.replace(placeholder, (_, field: string) => `{${field}}`) };
}

/**
 * A copy of `value` with each leaf (what is neither an array nor a plain object: a string, a
 * number, a Sensitive, a KnownAfterApply) passed through `f`; `value` itself when nothing changed.
 * Copies only what changed: the differ passes every value of every action through it.
 */
export function mapLeaves(value: unknown, f: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((v: unknown, i) => {
      const mapped = mapLeaves(v, f);
      if (copy === undefined && mapped !== v) copy = value.slice(0, i);
      copy?.push(mapped);
    });
    return copy ?? value;
  }
  if (!isPlainObject(value)) return f(value);
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const mapped = mapLeaves(v, f);
    if (copy === undefined && mapped !== v) copy = { ...value };
    if (copy !== undefined) copy[k] = mapped;
  }
  return copy ?? value;
}

/** Calls `f` with each leaf of `value` (as mapLeaves sees them), copying nothing. */
export function forEachLeaf(value: unknown, f: (leaf: unknown) => void): void {
  if (Array.isArray(value)) for (const v of value as unknown[]) forEachLeaf(v, f);
  else if (isPlainObject(value)) for (const k in value) forEachLeaf(value[k], f);
  else f(value);
}
