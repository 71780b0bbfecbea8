import type { Desired } from './domain/desired.ts';
import type { Snapshot } from './domain/snapshot.ts';
import { planNodes } from './nodes/nodes.ts';

/** Every area's planner over one snapshot: what the cluster and the project should look like. */
export function planAll(snapshot: Snapshot): Desired {
  const nodes = planNodes(snapshot);
  return { objects: [...nodes.objects], metal: [], warnings: [...nodes.warnings] };
}
