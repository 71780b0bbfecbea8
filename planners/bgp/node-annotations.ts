import { produce } from 'immer';
import type { KubernetesObject } from '../../model/kubernetes.ts';

/** JSON Pointer of an annotation, for marking it sensitive. */
export const annotationPointer = (name: string): string =>
  `/metadata/annotations/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;

/**
 * The object with `wanted` annotations set and the `owned` ones that are not wanted removed; every
 * other annotation stays as it is. Returns the same object when nothing changes.
 */
export function withAnnotations<T extends KubernetesObject>(
  object: T,
  wanted: Readonly<Record<string, string>>,
  owned: (name: string) => boolean,
): T {
  // Decided on the object itself, not a draft: most loops change nothing, and a draft costs.
  const before = object.metadata?.annotations ?? {};
  const kept = Object.entries(before).filter(([name]) => !owned(name) || name in wanted);
  const changed =
    kept.length !== Object.keys(before).length ||
    Object.entries(wanted).some(([name, value]) => before[name] !== value);
  if (!changed) return object;
  const current: Record<string, string> = { ...Object.fromEntries(kept), ...wanted };
  return produce(object, (draft) => {
    draft.metadata ??= {};
    if (Object.keys(current).length === 0) delete draft.metadata.annotations;
    else draft.metadata.annotations = current;
  });
}
