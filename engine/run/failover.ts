import type { Plan } from '../../model/plan.ts';
import type { ProbeResult, Snapshot } from '../../model/snapshot.ts';
import { planControlPlane } from '../../planners/control-plane/control-plane.ts';
import { diff } from '../plan/differ.ts';

/** A loop between its plan and its end: what it planned on, and what it is applying. */
export interface Applying {
  readonly snapshot: Snapshot;
  readonly plan: Plan;
}

/**
 * The control-plane EIP's move while a loop applies. A loop ends with its slowest write, and a
 * write to an API server that hangs (often the failing control plane's own) holds it for its whole
 * timeout, while the move is Metal's alone. So it is planned at once on the applying loop's
 * snapshot with the probes of now, Metal requests only (the mirror's writes wait for the next
 * loop) — unless that loop moves the EIP itself. Undefined: nothing to move now.
 */
export function failoverPlan(
  applying: Applying | undefined,
  probes: readonly ProbeResult[],
): Plan | undefined {
  if (applying === undefined) return undefined;
  const moving = applying.plan.actions.some(
    (a) => a.area === 'control-plane' && a.kind === 'metal.request',
  );
  if (moving) return undefined;
  const snapshot: Snapshot = { ...applying.snapshot, probes };
  const { metal } = planControlPlane(snapshot);
  if (metal.length === 0) return undefined;
  const plan = diff(snapshot, { objects: [], metal, warnings: [] });
  return plan.actions.length === 0 ? undefined : plan;
}
