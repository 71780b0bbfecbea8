import type { Desired } from '../../model/desired.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import type { Facts } from '../facts/facts.ts';

/**
 * A load-balancer integration: what it plans of its own, beside what every integration gets from
 * the Elastic IP and BGP planners (which read its traits, `Facts.loadBalancer`: the Service
 * annotation it reads the address from, whether it needs BGP).
 */
export interface Integration {
  readonly plan: (snapshot: Snapshot, facts: Facts) => Desired;
}

export const nothing: Desired = { objects: [], metal: [], warnings: [] };
