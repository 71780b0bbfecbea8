import type { MetalWriteAnswer } from './metal-writes.ts';
import type { Action, ActionKind } from './plan.ts';

/**
 * What an executor reports back: a Kubernetes write the object's new resourceVersion, a Metal
 * write what it answered.
 */
export interface ExecutionResult {
  readonly resourceVersion?: string;
  readonly metal?: MetalWriteAnswer;
}

export type Executor<A extends Action> = (action: A) => Promise<ExecutionResult>;

/** The ports the applier drives: one executor per kind of action (Kubernetes writes, Metal requests). */
export type Executors = { readonly [K in ActionKind]: Executor<Extract<Action, { kind: K }>> };
