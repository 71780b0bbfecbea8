import type { EventReason } from './marks/events.ts';
import type { Area, MetalRequest, Operation, Warning } from './plan.ts';
import type { KubernetesObject, ObjectRef } from './kubernetes.ts';

interface IntentBase {
  readonly area: Area;
  /** Why, in one short sentence each; joined into the action's reason. */
  readonly reasons: readonly string[];
  /** The CamelCase reason of the Event the applied change leaves (default: `<Kind><Verb>d`). */
  readonly event?: EventReason;
  /** Keys of what must be applied first: a Metal intent's `key`, or an object's `refKey`. */
  readonly after?: readonly string[];
}

/**
 * How one Kubernetes object should be. `observed` absent: create it; `desired` absent: delete it;
 * both: patch the difference. A planner builds `desired` from `observed` with immer.
 */
export type ObjectIntent = IntentBase & {
  /** JSON Pointers whose values are secrets, shown as "(sensitive)". */
  readonly sensitivePaths?: readonly string[];
} & (
    | { readonly observed: KubernetesObject; readonly desired: KubernetesObject }
    | { readonly observed?: undefined; readonly desired: KubernetesObject }
    | { readonly observed: KubernetesObject; readonly desired?: undefined }
  );

/**
 * An object the CCM server-side applies: `manifest` holds only the fields it owns; `observed`, when
 * it exists, is compared on those fields alone.
 */
export type AppliedIntent = IntentBase & {
  readonly observed?: KubernetesObject;
  readonly manifest: KubernetesObject;
};

/** A Metal API request a planner decided is needed; `key` names it for dependencies. */
export interface MetalIntent extends IntentBase {
  readonly key: string;
  readonly operation: Operation;
  readonly target: string;
  readonly request: MetalRequest;
  /** The Kubernetes object this request is for (its Events tell what happened). */
  readonly regarding?: ObjectRef;
}

/** What the planners want, before it is compared with what is. */
export interface Desired {
  readonly objects: readonly ObjectIntent[];
  /** Objects server-side applied (few planners need it). */
  readonly applied?: readonly AppliedIntent[];
  readonly metal: readonly MetalIntent[];
  readonly warnings: readonly Warning[];
}
