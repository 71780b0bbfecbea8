import type { V1Service } from '@kubernetes/client-node';
import type { MetalIntent, ObjectIntent } from '../../model/desired.ts';
import type { ClusterId } from '../../model/ids.ts';
import { describeRef, refOf } from '../../model/kubernetes.ts';
import type { Condition } from '../../model/conditions.ts';
import type { EventReason } from '../../model/marks/events.ts';
import type { Warning } from '../../model/plan.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { notReady, type gone } from './ready-condition.ts';
import type { ServiceClaims } from '../facts/service-claims.ts';

/** What one loop of the Elastic IP planner plans, and what it has counted so far. */
export interface Planning {
  readonly snapshot: Snapshot;
  readonly cluster: ClusterId;
  readonly claims: ServiceClaims;
  /** The Service annotation the load balancer reads the address from. */
  readonly annotation: string | undefined;
  readonly objects: ObjectIntent[];
  readonly metal: MetalIntent[];
  readonly warnings: Warning[];
  /** The condition `metal.equinix.com/ElasticIPReady` each Service should carry. */
  readonly conditions: Map<V1Service, Condition | typeof gone>;
  /** Elastic IPs announced or requested: what `--eip-limit` caps. */
  announced: number;
}

/** A patch of a Service, when it changes anything. */
export function patchService(
  p: Planning,
  observed: V1Service,
  desired: V1Service,
  reason: string,
  event: EventReason,
  after: readonly string[] = [],
): void {
  if (desired === observed) return;
  p.objects.push({
    area: 'elastic-ips',
    observed,
    desired,
    reasons: [reason],
    event,
    ...(after.length === 0 ? {} : { after }),
  });
}

/** A plan warning about a Service, and a Warning Event on it. */
export function warn(p: Planning, service: V1Service, message: string, event: EventReason): void {
  const regarding = refOf(service);
  const subject = describeRef(regarding);
  p.warnings.push({ area: 'elastic-ips', subject, message, regarding, event });
  const condition = notReady(event, message);
  if (condition !== undefined) p.conditions.set(service, condition);
}
