import type { Action, ActionKind } from './plan.ts';

/** What an executor reports back: a Kubernetes write returns the object's new resourceVersion. */
export interface ExecutionResult {
  readonly resourceVersion?: string;
}

export type Executor<A extends Action> = (action: A) => Promise<ExecutionResult>;

/** The ports the applier drives: one executor per kind of action (Kubernetes writes, Metal requests). */
export type Executors = { readonly [K in ActionKind]: Executor<Extract<Action, { kind: K }>> };
