import type { MetalIntent } from '../../model/desired.ts';
import type { Pending } from './pending.ts';

/** The exact Metal API request a planner asked for. */
export function metalAction(intent: MetalIntent): Pending {
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
