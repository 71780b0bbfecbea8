import { isPlainObject, sameJson } from '../../model/json.ts';

/** The key an item of a list is matched by across two lists: its `id`, else its place. */
const idOf = (item: unknown, index: number): unknown =>
  isPlainObject(item) && typeof item['id'] === 'string' ? item['id'] : index;

// Both below allocate only where something changed: a resync compares every object of the project.

function keptList(kept: readonly unknown[], listed: readonly unknown[]): readonly unknown[] {
  // A list comes in the order of the last one, mostly: matched by place while the ids agree.
  let byId: Map<unknown, unknown> | undefined;
  const previous = (item: unknown, i: number): unknown => {
    if (byId === undefined && i < kept.length && idOf(kept[i], i) === idOf(item, i)) return kept[i];
    byId ??= new Map(kept.map((k, j) => [idOf(k, j), k]));
    return byId.get(idOf(item, i));
  };
  let merged: unknown[] | undefined;
  for (let i = 0; i < listed.length; i++) {
    const item = keepUnchanged(previous(listed[i], i), listed[i]);
    if (merged === undefined && item !== kept[i]) merged = kept.slice(0, i);
    merged?.push(item);
  }
  return merged ?? (listed.length === kept.length ? kept : kept.slice(0, listed.length));
}

function keptObject(
  kept: Record<string, unknown>,
  listed: Record<string, unknown>,
): Record<string, unknown> {
  let merged: Record<string, unknown> | undefined;
  let keys = 0;
  for (const key in listed) {
    keys++;
    const value = keepUnchanged(kept[key], listed[key]);
    if (merged === undefined && (value !== kept[key] || !(key in kept))) {
      merged = {};
      for (const earlier in listed) {
        if (earlier === key) break;
        merged[earlier] = kept[earlier];
      }
    }
    if (merged !== undefined) merged[key] = value;
  }
  if (merged === undefined && keys === Object.keys(kept).length) return kept;
  return merged ?? Object.fromEntries(Object.keys(listed).map((k) => [k, kept[k]]));
}

/**
 * `listed` (a fresh read of the Metal project) with every part equal to the same part of `kept`
 * (the last read) replaced by the kept one: an unchanged device, reservation or session stays the
 * same object from one list to the next, as the Kubernetes caches keep an unchanged object, so
 * what the planners derived from it is not derived again (planners/settled.ts). A list's items are
 * matched by `id`; a secret by its value; anything else not plain data only by identity.
 */
export function keepUnchanged<T>(kept: T | undefined, listed: T): T {
  if (kept === undefined) return listed;
  if (sameJson(kept, listed)) return kept;
  if (Array.isArray(kept) && Array.isArray(listed)) return keptList(kept, listed) as T;
  if (isPlainObject(kept) && isPlainObject(listed)) return keptObject(kept, listed) as T;
  return listed;
}
