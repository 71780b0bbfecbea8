import type { Operation as JsonPatchOperation } from 'fast-json-patch';
import type { ActionId, ClusterId, ProjectId } from './ids.ts';
import type { EventReason } from './marks/events.ts';
import type { KubernetesObject, ObjectRef } from './kubernetes.ts';

/** The areas of the CCM, in the order their actions are applied and printed. */
export const areas = ['nodes', 'bgp', 'elastic-ips', 'load-balancer', 'control-plane'] as const;
export type Area = (typeof areas)[number];

export type Operation = 'create' | 'update' | 'delete';

/** One changed field, for people: `before` absent means added, `after` absent means removed. */
export interface Change {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

interface ActionBase {
  readonly id: ActionId;
  readonly area: Area;
  readonly operation: Operation;
  /** The target in domain words: `Node worker-1`, `reservation 198.51.100.16`. */
  readonly target: string;
  readonly reason: string;
  readonly changes: readonly Change[];
  readonly dependsOn: readonly ActionId[];
  /** The object a person would look at (its Events tell what happened): a Node, a Service. */
  readonly regarding?: ObjectRef;
  /** The CamelCase reason of the Event an applied action leaves, e.g. `NodeInitialized`. */
  readonly event: string;
}

/**
 * What the object must still be for a write to apply: the version (and, for a delete, the UID) it
 * was planned against. A write whose guard no longer holds lost a race and is planned again.
 */
export interface Guard {
  readonly resourceVersion: string;
  readonly uid?: string;
}

/** A JSON Patch on one object, guarded by the resourceVersion it was planned against. */
export interface KubernetesPatchAction extends ActionBase {
  readonly kind: 'kubernetes.patch';
  readonly object: ObjectRef;
  readonly subresource?: 'status';
  /** Absent only for an object observed without a version (a fixture that omits it). */
  readonly guard?: Guard;
  readonly patch: readonly JsonPatchOperation[];
}

/**
 * The JSON Patch as it is sent: the guard first, as a `test` of the resourceVersion, so the API
 * server refuses the whole patch when the object changed since it was observed.
 */
export function guardedPatch(action: KubernetesPatchAction): JsonPatchOperation[] {
  return action.guard === undefined
    ? [...action.patch]
    : [
        { op: 'test', path: '/metadata/resourceVersion', value: action.guard.resourceVersion },
        ...action.patch,
      ];
}

export interface KubernetesCreateAction extends ActionBase {
  readonly kind: 'kubernetes.create';
  readonly object: ObjectRef;
  readonly manifest: KubernetesObject;
}

/** A delete guarded by the object's UID and resourceVersion, so only what was observed goes. */
export interface KubernetesDeleteAction extends ActionBase {
  readonly kind: 'kubernetes.delete';
  readonly object: ObjectRef;
  readonly guard: Required<Guard>;
}

/**
 * Server-side apply of the fields the CCM owns (field manager `metal-ccm`, forced): for objects
 * whose every owned field follows someone else's (the control-plane mirror's EndpointSlice), where
 * a patch against a resourceVersion would only lose races it need not run.
 */
export interface KubernetesApplyAction extends ActionBase {
  readonly kind: 'kubernetes.apply';
  readonly object: ObjectRef;
  readonly manifest: KubernetesObject;
}

export interface MetalRequest {
  /** The Metal API operationId, e.g. `requestIPReservation`. */
  readonly operation: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to the API base URL, e.g. `/projects/<id>/ips`. */
  readonly path: string;
  readonly body?: unknown;
}

/** The exact Metal API request to send. */
export interface MetalRequestAction extends ActionBase {
  readonly kind: 'metal.request';
  readonly request: MetalRequest;
}

export type Action =
  | KubernetesPatchAction
  | KubernetesCreateAction
  | KubernetesDeleteAction
  | KubernetesApplyAction
  | MetalRequestAction;

export type ActionKind = Action['kind'];

/** Something a person should know that is not an action: a bad object skipped, a held-back delete. */
export interface Warning {
  readonly area: Area | 'observation';
  readonly subject: string;
  readonly message: string;
  /** The object to leave a Warning Event on, when there is one. */
  readonly regarding?: ObjectRef;
  /** Further objects the same Warning Event goes on (the Services a taken MetalLB name affects). */
  readonly alsoRegarding?: readonly ObjectRef[];
  /** That Event's reason. */
  readonly event?: EventReason;
}

export interface PlanHeader {
  readonly cluster?: ClusterId;
  readonly project?: ProjectId;
  readonly metro?: string;
  readonly facility?: string;
  readonly observedAt: string;
  readonly source: string;
}

/**
 * An action held back after failures: it is not sent again before `retryAt`. The engine's memory
 * of its own attempts, laid over the plan (planners never see it).
 */
export interface Waiting {
  readonly action: ActionId;
  /** Failures in a row. */
  readonly failures: number;
  /** ISO 8601. */
  readonly retryAt: string;
  readonly lastError: string;
}

/** What would bring the observed world to the desired one: plain data, printable, replayable. */
export interface Plan {
  readonly header: PlanHeader;
  readonly actions: readonly Action[];
  readonly warnings: readonly Warning[];
  /** Actions waiting in their backoff; absent or empty when none waits. */
  readonly waiting?: readonly Waiting[];
}
