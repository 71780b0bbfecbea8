import jsonpatch, { type Operation as JsonPatchOperation } from 'fast-json-patch';
import type { AppliedIntent, ObjectIntent } from '../../model/desired.ts';
import {
  describeRef,
  refKey,
  refOf,
  type KubernetesObject,
  type ObjectRef,
} from '../../model/kubernetes.ts';
import type { Guard } from '../../model/plan.ts';
import { Sensitive } from '../../model/sensitive.ts';
import { pointerSegments, startsWithPointer, valueAt } from './json-pointer.ts';
import { changesOf, mask, type Pending } from './pending.ts';

function guardOf(object: KubernetesObject): { guard?: Guard } {
  const rv = object.metadata?.resourceVersion;
  return rv === undefined ? {} : { guard: { resourceVersion: rv } };
}

/** What every action for one intent shares. */
function common(intent: ObjectIntent | AppliedIntent, ref: ObjectRef, verb: string) {
  return {
    area: intent.area,
    reason: intent.reasons.join('; '),
    after: intent.after ?? [],
    key: refKey(ref),
    object: ref,
    regarding: ref,
    event: intent.event ?? `${ref.kind}${verb}`,
    target: describeRef(ref),
  };
}

/** The delete of an observed object, guarded by its UID and resourceVersion. */
function deleteAction(intent: ObjectIntent, observed: KubernetesObject): Pending {
  return {
    ...common(intent, refOf(observed), 'Deleted'),
    kind: 'kubernetes.delete',
    operation: 'delete',
    changes: [],
    guard: {
      uid: observed.metadata?.uid ?? '',
      resourceVersion: observed.metadata?.resourceVersion ?? '',
    },
  };
}

function createAction(intent: ObjectIntent, desired: KubernetesObject): Pending {
  const masked = mask(desired, intent.sensitivePaths ?? []);
  return {
    ...common(intent, refOf(desired), 'Created'),
    kind: 'kubernetes.create',
    operation: 'create',
    changes: changesOf(jsonpatch.compare({}, desired), {}, masked),
    manifest: masked as KubernetesObject,
  };
}

/** The JSON Patch from observed to desired: the object's own part, then its status subresource. */
function patchActions(
  intent: ObjectIntent,
  observed: KubernetesObject,
  desired: KubernetesObject,
): Pending[] {
  const sensitive = intent.sensitivePaths ?? [];
  const maskedDesired = mask(desired, sensitive);
  const maskedObserved = mask(observed, sensitive);
  // A value at or under a sensitive path (`/data` covers `/data/password`) is wrapped whole; a value
  // above one (all the annotations) carries its sensitive parts wrapped. Either way it prints
  // masked and is revealed only when sent.
  const secret = (path: string): boolean => sensitive.some((p) => startsWithPointer(path, p));
  const ops = jsonpatch.compare(observed, desired).map((op) => {
    if (!('value' in op)) return op;
    return secret(op.path)
      ? { ...op, value: new Sensitive(op.value) }
      : { ...op, value: valueAt(maskedDesired, pointerSegments(op.path)) };
  });
  const isStatus = (op: JsonPatchOperation): boolean => startsWithPointer(op.path, '/status');
  const parts = [
    { subresource: undefined, ops: ops.filter((op) => !isStatus(op)) },
    { subresource: 'status' as const, ops: ops.filter(isStatus) },
  ];
  const base = common(intent, refOf(desired), 'Updated');
  return parts
    .filter((part) => part.ops.length > 0)
    .map(({ subresource, ops: partOps }) => ({
      ...base,
      kind: 'kubernetes.patch' as const,
      operation: 'update' as const,
      target: subresource === undefined ? base.target : `${base.target} status`,
      changes: changesOf(partOps, maskedObserved, maskedDesired),
      ...guardOf(observed),
      patch: partOps,
      ...(subresource === undefined ? {} : { subresource }),
    }));
}

/** How one Kubernetes object goes from observed to desired: created, patched or deleted. */
export function objectActions(intent: ObjectIntent): Pending[] {
  if (intent.desired === intent.observed) return []; // as wanted: nothing to compare
  if (intent.desired === undefined) return [deleteAction(intent, intent.observed)];
  if (intent.observed === undefined) return [createAction(intent, intent.desired)];
  return patchActions(intent, intent.observed, intent.desired);
}

/** What of `observed` the CCM owns: the fields `manifest` names, maps followed, the rest whole. */
function ownedPart(observed: unknown, manifest: unknown): unknown {
  if (
    observed === null ||
    typeof observed !== 'object' ||
    Array.isArray(observed) ||
    manifest === null ||
    typeof manifest !== 'object' ||
    Array.isArray(manifest)
  )
    return observed;
  const source = observed as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(manifest)
      .filter(([key]) => source[key] !== undefined)
      .map(([key, value]) => [key, ownedPart(source[key], value)]),
  );
}

/** A server-side apply of the fields the CCM owns, when they differ from what is. */
export function appliedAction(intent: AppliedIntent): Pending[] {
  const ref = refOf(intent.manifest);
  const owned = intent.observed === undefined ? {} : ownedPart(intent.observed, intent.manifest);
  const ops = jsonpatch.compare(owned as object, intent.manifest);
  if (intent.observed !== undefined && ops.length === 0) return [];
  const operation = intent.observed === undefined ? 'create' : 'update';
  return [
    {
      ...common(intent, ref, 'Applied'),
      kind: 'kubernetes.apply',
      operation,
      changes: changesOf(ops, owned, intent.manifest),
      manifest: intent.manifest,
    },
  ];
}
