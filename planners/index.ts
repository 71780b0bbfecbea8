import type { Desired } from '../model/desired.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { planBgp } from './bgp/bgp.ts';
import { planControlPlane } from './control-plane/control-plane.ts';
import { planElasticIps } from './elastic-ips/elastic-ips.ts';
import { factsOf } from './facts/facts.ts';
import { integrationFor } from './load-balancers/index.ts';
import { planNodes } from './nodes/nodes.ts';

/** Every area's planner over one snapshot: what the cluster and the project should look like. */
export function planAll(snapshot: Snapshot): Desired {
  const facts = factsOf(snapshot);
  const parts = [
    { metal: [], ...planNodes(snapshot, facts) },
    planBgp(snapshot, facts),
    planElasticIps(snapshot, facts),
    integrationFor(snapshot.settings.loadBalancer).plan(snapshot, facts),
    planControlPlane(snapshot, facts),
  ];
  return {
    objects: parts.flatMap((p) => p.objects),
    applied: parts.flatMap((p) => ('applied' in p ? (p.applied ?? []) : [])),
    metal: parts.flatMap((p) => p.metal),
    warnings: parts.flatMap((p) => p.warnings),
  };
}
