import type { V1Service } from '@kubernetes/client-node';
import { produce } from 'immer';
import {
  withCondition,
  withoutCondition,
  type Condition,
  type StoredCondition,
} from '../../model/conditions.ts';
import { events, type EventReason } from '../../model/marks/events.ts';
import { serviceMarks } from '../../model/marks/service.ts';
import type { Planning } from './planning.ts';

/** The condition's reason for each warning that leaves a Service without its Elastic IP. */
const reasons: Partial<Record<EventReason, string>> = {
  [events.ElasticIPPending]: 'Pending',
  [events.ElasticIPDenied]: 'Denied',
  [events.ElasticIPLimitReached]: 'LimitReached',
  [events.ElasticIPUnknown]: 'NotInProject',
  [events.ElasticIPRefused]: 'Refused',
  [events.ElasticIPInUse]: 'InUse',
  [events.ElasticIPForeign]: 'Foreign',
  [events.InvalidElasticIPLocation]: 'NoLocation',
};

const type = serviceMarks.elasticIpReady.key;

/** True: the Service shows its Elastic IP. */
export const ready = (address: string, how: string): Condition => ({
  type,
  status: 'True',
  reason: 'Assigned',
  message: `Elastic IP ${address} ${how}`,
});

/** False: why the Service has no Elastic IP, from the warning that says so (undefined: none fits). */
export function notReady(event: EventReason, message: string): Condition | undefined {
  const reason = reasons[event];
  return reason === undefined ? undefined : { type, status: 'False', reason, message };
}

/** The condition taken back: the Service is no longer a LoadBalancer of this CCM. */
export const gone = 'gone';

/** The conditions with `condition` set (or taken back): the same array when they are so already. */
const conditionsWith = (
  conditions: readonly StoredCondition[] | undefined,
  condition: Condition | typeof gone,
  time: string,
): readonly StoredCondition[] | undefined =>
  condition === gone
    ? withoutCondition(conditions, type)
    : withCondition(conditions, condition, time);

/** True when the Service carries `condition` as wanted already: nothing to write. */
export const conditionHolds = (
  service: V1Service,
  condition: Condition | typeof gone | undefined,
): boolean =>
  condition === undefined ||
  // The time is only stamped on a change, which this asks about, never writes.
  conditionsWith(service.status?.conditions, condition, '') === service.status?.conditions;

/**
 * The Services' conditions, folded into what is planned for them already (one status write with
 * the address), or a status patch of their own; nothing when a condition is as wanted (no write
 * each loop). Other conditions on the Service are kept.
 */
export function planConditions(
  p: Planning,
  conditions: ReadonlyMap<V1Service, Condition | typeof gone>,
): void {
  // Where each Service's first planned write is (one lookup per Service, not a scan: 10,000 of them).
  const firstWrite = new Map<unknown, number>();
  p.objects.forEach((o, i) => {
    if (!firstWrite.has(o.observed)) firstWrite.set(o.observed, i);
  });
  for (const [service, condition] of conditions) {
    const index = firstWrite.get(service) ?? -1;
    const planned = p.objects[index];
    const base = (planned?.desired ?? service) as V1Service;
    const next = conditionsWith(base.status?.conditions, condition, p.snapshot.time);
    if (next === base.status?.conditions) continue;
    const desired = produce(base, (d) => {
      d.status = {
        ...d.status,
        conditions: next as NonNullable<V1Service['status']>['conditions'],
      };
    });
    const why =
      condition === gone
        ? `${type} taken back: not a LoadBalancer of this CCM`
        : `${type} ${condition.status} (${condition.reason})`;
    if (planned === undefined)
      p.objects.push({
        area: 'elastic-ips',
        observed: service,
        desired,
        reasons: [why],
        event: events.ElasticIPConditionSet,
      });
    else p.objects[index] = { ...planned, desired, reasons: [...planned.reasons, why] };
  }
}
