import type { Desired } from '../model/desired.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { planBgp } from './bgp/bgp.ts';
import { planControlPlane } from './control-plane/control-plane.ts';
import { planElasticIps } from './elastic-ips/elastic-ips.ts';
import { planMetalLB } from './load-balancers/metallb.ts';
import { planNodes } from './nodes/nodes.ts';

/** Every area's planner over one snapshot: what the cluster and the project should look like. */
export function planAll(snapshot: Snapshot): Desired {
  const parts = [
    { metal: [], ...planNodes(snapshot) },
    planBgp(snapshot),
    planElasticIps(snapshot),
    planMetalLB(snapshot),
    planControlPlane(snapshot),
  ];
  return {
    objects: parts.flatMap((p) => p.objects),
    applied: parts.flatMap((p) => ('applied' in p ? (p.applied ?? []) : [])),
    metal: parts.flatMap((p) => p.metal),
    warnings: parts.flatMap((p) => p.warnings),
  };
}
