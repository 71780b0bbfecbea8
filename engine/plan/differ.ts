import { createHash } from 'node:crypto';
import jsonpatch, { type Operation as JsonPatchOperation } from 'fast-json-patch';
import TinyQueue from 'tinyqueue';
import { byText } from '../../model/order.ts';
import { dependantsOf } from './dependants.ts';
import { Sensitive } from '../../model/sensitive.ts';
import type { AppliedIntent, Desired, MetalIntent, ObjectIntent } from '../../model/desired.ts';
import type { ActionId } from '../../model/ids.ts';
import { describeRef, refKey, refOf, type KubernetesObject } from '../../model/kubernetes.ts';
import {
  areas,
  type Action,
  type Change,
  type Guard,
  type Plan,
  type Warning,
} from '../../model/plan.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import {
  fieldPath,
  fieldSegments,
  pointerSegments,
  startsWithPointer,
  toPointer,
  valueAt,
} from './json-pointer.ts';

/** An action before the differ gives it an id and resolves what it waits for. */
type Pending = DistributiveOmit<Action, 'id' | 'dependsOn'> & {
  /** The dependency key of what it changes: an object's refKey or a Metal intent's key. */
  readonly key: string;
  readonly after: readonly string[];
};
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A copy of `document` in which every value at a sensitive path is wrapped, so it prints masked. */
function mask(document: unknown, sensitivePaths: readonly string[]): unknown {
  const walk = (value: unknown, pointer: string): unknown => {
    if (sensitivePaths.some((p) => startsWithPointer(pointer, p))) {
      return value === undefined ? undefined : new Sensitive(value);
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${pointer}/${i}`));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          walk(v, toPointer([...pointerSegments(pointer), k])),
        ]),
      );
    }
    return value;
  };
  return sensitivePaths.length === 0 ? document : walk(document, '');
}

/** The fields a patch touches, with their values before and after, for people. */
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
    .sort((x, y) => x.path.localeCompare(y.path));
}

function guardOf(object: KubernetesObject): { guard?: Guard } {
  const rv = object.metadata?.resourceVersion;
  return rv === undefined ? {} : { guard: { resourceVersion: rv } };
}

function objectActions(intent: ObjectIntent): Pending[] {
  const sensitive = intent.sensitivePaths ?? [];
  const base = { area: intent.area, reason: intent.reasons.join('; '), after: intent.after ?? [] };
  const event = (kind: string, verb: string): { event: string } => ({
    event: intent.event ?? `${kind}${verb}`,
  });
  if (intent.desired === undefined) {
    const ref = refOf(intent.observed);
    return [
      {
        ...base,
        kind: 'kubernetes.delete',
        operation: 'delete',
        key: refKey(ref),
        object: ref,
        regarding: ref,
        ...event(ref.kind, 'Deleted'),
        target: describeRef(ref),
        changes: [],
        guard: {
          uid: intent.observed.metadata?.uid ?? '',
          resourceVersion: intent.observed.metadata?.resourceVersion ?? '',
        },
      },
    ];
  }
  const desired = intent.desired;
  const ref = refOf(desired);
  const maskedDesired = mask(desired, sensitive);
  if (intent.observed === undefined) {
    return [
      {
        ...base,
        kind: 'kubernetes.create',
        operation: 'create',
        key: refKey(ref),
        object: ref,
        regarding: ref,
        ...event(ref.kind, 'Created'),
        target: describeRef(ref),
        changes: changesOf(jsonpatch.compare({}, desired), {}, maskedDesired),
        manifest: maskedDesired as KubernetesObject,
      },
    ];
  }
  const observed = intent.observed;
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
  return parts
    .filter((part) => part.ops.length > 0)
    .map(({ subresource, ops: partOps }) => ({
      ...base,
      kind: 'kubernetes.patch' as const,
      operation: 'update' as const,
      key: refKey(ref),
      object: ref,
      regarding: ref,
      ...event(ref.kind, 'Updated'),
      target: subresource === undefined ? describeRef(ref) : `${describeRef(ref)} status`,
      changes: changesOf(partOps, maskedObserved, maskedDesired),
      ...guardOf(observed),
      patch: partOps,
      ...(subresource === undefined ? {} : { subresource }),
    }));
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

function appliedAction(intent: AppliedIntent): Pending[] {
  const ref = refOf(intent.manifest);
  const owned = intent.observed === undefined ? {} : ownedPart(intent.observed, intent.manifest);
  const ops = jsonpatch.compare(owned as object, intent.manifest);
  if (intent.observed !== undefined && ops.length === 0) return [];
  const operation = intent.observed === undefined ? 'create' : 'update';
  return [
    {
      kind: 'kubernetes.apply',
      area: intent.area,
      reason: intent.reasons.join('; '),
      after: intent.after ?? [],
      operation,
      key: refKey(ref),
      object: ref,
      regarding: ref,
      event: intent.event ?? `${ref.kind}Applied`,
      target: describeRef(ref),
      changes: changesOf(ops, owned, intent.manifest),
      manifest: intent.manifest,
    },
  ];
}

function metalAction(intent: MetalIntent): Pending {
  return {
    kind: 'metal.request',
    area: intent.area,
    operation: intent.operation,
    key: intent.key,
    after: intent.after ?? [],
    target: intent.target,
    reason: intent.reasons.join('; '),
    changes: [],
    request: intent.request,
    event: intent.event ?? 'MetalRequested',
    ...(intent.regarding === undefined ? {} : { regarding: intent.regarding }),
  };
}

function actionId(p: Pending): ActionId {
  const subresource = p.kind === 'kubernetes.patch' ? (p.subresource ?? '') : '';
  const identity = [p.kind, p.area, p.key, subresource, p.operation].join('\n');
  return createHash('sha256').update(identity).digest('hex').slice(0, 12) as ActionId;
}

/**
 * Orders actions so each follows what it depends on; ties by area, target, id (deterministic).
 * Kahn's algorithm with a priority queue: plans of tens of thousands of actions stay fast.
 */
function order(actions: readonly Action[]): Action[] {
  const rank = new Map(
    actions.map((a) => [
      a.id,
      `${String(areas.indexOf(a.area)).padStart(2, '0')}\n${a.target}\n${a.id}`,
    ]),
  );
  const before = (a: Action, b: Action): number =>
    byText(rank.get(a.id) ?? '', rank.get(b.id) ?? '');
  const waitingFor = new Map(actions.map((a) => [a.id, a.dependsOn.length]));
  const dependants = dependantsOf(actions);
  const ready = new TinyQueue(
    actions.filter((a) => a.dependsOn.length === 0),
    before,
  );
  const done: Action[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    done.push(next);
    for (const d of dependants.get(next.id) ?? []) {
      const left = (waitingFor.get(d.id) ?? 0) - 1;
      waitingFor.set(d.id, left);
      if (left === 0) ready.push(d);
    }
  }
  if (done.length !== actions.length) throw new Error('plan has a dependency cycle');
  return done;
}

/**
 * Compares what the planners want with what is and returns the plan: small idempotent actions,
 * each naming its target and reason, in an order that respects their dependencies.
 */
export function diff(snapshot: Snapshot, desired: Desired): Plan {
  const pending: Pending[] = [
    ...desired.objects.flatMap(objectActions),
    ...(desired.applied ?? []).flatMap(appliedAction),
    ...desired.metal.map(metalAction),
  ];
  const withIds = pending.map((p) => ({ ...p, id: actionId(p) }));
  const ids = new Set(withIds.map((p) => p.id));
  if (ids.size !== withIds.length) throw new Error('two actions of the plan share an id');

  // Writes to one object go one after another (area order, then status last): each is guarded by
  // the resourceVersion the previous one left, and a conflict stops the rest of the chain.
  const sequence = (p: (typeof withIds)[number]): number =>
    areas.indexOf(p.area) * 2 +
    (p.kind === 'kubernetes.patch' && p.subresource === 'status' ? 1 : 0);
  const byKey = new Map<string, (typeof withIds)[number][]>();
  for (const p of withIds) {
    const same = byKey.get(p.key);
    if (same === undefined) byKey.set(p.key, [p]);
    else same.push(p);
  }
  const actions: Action[] = withIds.map((p) => {
    const { key, after, ...action } = p;
    const earlier = (byKey.get(key) ?? [])
      .filter((o) => sequence(o) < sequence(p))
      .map((o) => o.id);
    const waitsFor = after.flatMap((k) => (byKey.get(k) ?? []).map((o) => o.id));
    const dependsOn = [...new Set([...earlier, ...waitsFor])].sort();
    return { ...action, dependsOn };
  });

  const warnings: Warning[] = [
    ...snapshot.problems.map((p) => ({ area: 'observation' as const, ...p })),
    ...desired.warnings,
  ];
  return {
    header: {
      ...(snapshot.kubernetes.clusterId === undefined
        ? {}
        : { cluster: snapshot.kubernetes.clusterId }),
      ...(snapshot.metal.project === undefined ? {} : { project: snapshot.metal.project.id }),
      ...(snapshot.metal.location.metro === undefined
        ? {}
        : { metro: snapshot.metal.location.metro }),
      ...(snapshot.metal.location.facility === undefined
        ? {}
        : { facility: snapshot.metal.location.facility }),
      observedAt: snapshot.time,
      source: snapshot.source,
    },
    actions: order(actions),
    warnings,
  };
}
