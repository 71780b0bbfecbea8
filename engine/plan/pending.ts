import type { Operation as JsonPatchOperation } from 'fast-json-patch';
import type { Action, Change } from '../../model/plan.ts';
import { Sensitive } from '../../model/sensitive.ts';
import { byText } from '../../model/order.ts';
import {
  fieldPath,
  fieldSegments,
  pointerSegments,
  startsWithPointer,
  toPointer,
  valueAt,
} from './json-pointer.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An action before the differ gives it an id and resolves what it waits for. */
export type Pending = DistributiveOmit<Action, 'id' | 'dependsOn'> & {
  /** The dependency key of what it changes: an object's refKey or a Metal intent's key. */
  readonly key: string;
  readonly after: readonly string[];
};

export /** A copy of `document` in which every value at a sensitive path is wrapped, so it prints masked. */
function mask(document: unknown, sensitivePaths: readonly string[]): unknown {
  const walk = (value: unknown, pointer: string): unknown => {
    if (sensitivePaths.some((p) => startsWithPointer(pointer, p))) {
      return value === undefined ? undefined : new Sensitive(value);
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${pointer}/${i}`));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, walk(v, `${pointer}${toPointer([k])}`)]),
      );
    }
    return value;
  };
  return sensitivePaths.length === 0 ? document : walk(document, '');
}

export /** The fields a patch touches, with their values before and after, for people. */
function changesOf(ops: readonly JsonPatchOperation[], before: unknown, after: unknown): Change[] {
  const fields = new Map<string, string[]>();
  for (const op of ops) {
    const segments = fieldSegments(pointerSegments(op.path));
    fields.set(toPointer(segments), segments);
  }
  return [...fields.values()]
    .map((segments) => {
      const b = valueAt(before, segments);
      const a = valueAt(after, segments);
      return {
        path: fieldPath(segments),
        ...(b === undefined ? {} : { before: b }),
        ...(a === undefined ? {} : { after: a }),
      };
    })
    .sort((x, y) => byText(x.path, y.path));
}
