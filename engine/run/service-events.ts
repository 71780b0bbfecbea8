import type { V1Service } from '@kubernetes/client-node';
import type { ObjectRef } from '../../model/kubernetes.ts';
import type { Action } from '../../model/plan.ts';
import { events } from '../../model/marks/events.ts';
import type { EventInput } from '../../providers/kubernetes/events.ts';
import { causeOf, isConflict, type Recorded } from './events.ts';

/**
 * The Events the Kubernetes service controller leaves on a LoadBalancer Service, with its reasons
 * and notes, so alerts written for any cloud keep working; the CCM's own reasons come beside them.
 */
export const serviceControllerReasons = {
  ensuring: events.EnsuringLoadBalancer,
  ensured: events.EnsuredLoadBalancer,
  updated: events.UpdatedLoadBalancer,
  deleting: events.DeletingLoadBalancer,
  deleted: events.DeletedLoadBalancer,
  failed: events.SyncLoadBalancerFailed,
} as const;

/** The CCM's reasons of a Service's actions that take its load balancer away. */
const deletionReasons = new Set<string>([events.ElasticIPReleased, events.ElasticIPCleared]);

/**
 * The CCM's reasons that are steps of the standard transitions and say nothing besides (the
 * finalizer goes on as the load balancer is being ensured, and comes off as it is deleted): the
 * standard Event tells them, so they leave no Event of their own on the Service.
 */
export const foldedReasons: ReadonlySet<string> = new Set([
  events.ElasticIPFinalizerAdded,
  events.ElasticIPCleared,
]);

const keyOf = (ref: ObjectRef): string => `${ref.namespace ?? ''}/${ref.name}`;

interface ServicePlan {
  readonly ref: ObjectRef;
  readonly deleting: boolean;
  /** The Service had an address in status before this plan. */
  readonly served: boolean;
}

function event(
  ref: ObjectRef,
  reason: string,
  note: string,
  type: 'Normal' | 'Warning' = 'Normal',
): EventInput {
  return { regarding: ref, type, reason, action: 'Sync', note };
}

/**
 * The service controller's Events of a plan's Service actions, marking transitions: Ensuring once
 * when an address is being set up (not again each loop until it is), Ensured when the address
 * reaches the status, Updated when a served Service changes, Deleting/Deleted around the release,
 * and SyncLoadBalancerFailed on a failure (a lost race is not one).
 */
export class LoadBalancerEvents {
  /** Services whose Ensuring or Deleting was said and whose Ensured or Deleted was not yet. */
  readonly #open = new Map<string, 'ensuring' | 'deleting'>();

  /** The Events before applying, and a function that gives those after. */
  plan(
    actions: readonly Action[],
    services: readonly V1Service[],
  ): { before: EventInput[]; after: (recorded: readonly Recorded[]) => EventInput[] } {
    const plans = this.#servicePlans(actions, services);
    const before = plans.flatMap((p): EventInput[] => {
      const key = keyOf(p.ref);
      const state = p.deleting ? 'deleting' : p.served ? undefined : 'ensuring';
      if (state === undefined || this.#open.get(key) === state) return [];
      this.#open.set(key, state);
      return p.deleting
        ? [event(p.ref, serviceControllerReasons.deleting, 'Deleting load balancer')]
        : [event(p.ref, serviceControllerReasons.ensuring, 'Ensuring load balancer')];
    });
    return { before, after: (recorded) => this.#after(plans, recorded) };
  }

  #servicePlans(actions: readonly Action[], services: readonly V1Service[]): ServicePlan[] {
    const byKey = new Map<string, { ref: ObjectRef; deleting: boolean }>();
    for (const a of actions) {
      if (a.regarding?.kind !== 'Service') continue;
      const key = keyOf(a.regarding);
      const seen = byKey.get(key);
      byKey.set(key, {
        ref: a.regarding,
        deleting: (seen?.deleting ?? false) || deletionReasons.has(a.event),
      });
    }
    const served = new Set(
      services
        .filter((s) => (s.status?.loadBalancer?.ingress ?? []).length > 0)
        .map((s) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`),
    );
    return [...byKey.entries()].map(([key, p]) => ({ ...p, served: served.has(key) }));
  }

  #after(plans: readonly ServicePlan[], recorded: readonly Recorded[]): EventInput[] {
    // Each Service's outcomes, grouped once (not one scan of the whole apply per Service).
    const byService = new Map<string, Recorded[]>();
    for (const r of recorded) {
      const regarding = r[0].regarding;
      if (regarding?.kind !== 'Service') continue;
      const key = keyOf(regarding);
      byService.set(key, [...(byService.get(key) ?? []), r]);
    }
    return plans.flatMap((p): EventInput[] => {
      const key = keyOf(p.ref);
      const mine = byService.get(key) ?? [];
      const failed = mine.find(([, o]) => o.status === 'failed' && !isConflict(o));
      if (failed !== undefined)
        return [
          event(
            p.ref,
            serviceControllerReasons.failed,
            `Error syncing load balancer: ${causeOf(failed[1])}`,
            'Warning',
          ),
        ];
      const applied = mine.filter(([, o]) => o.status === 'applied').map(([a]) => a);
      if (applied.length === 0 || applied.length < mine.length) return [];
      if (p.deleting) {
        this.#open.delete(key);
        return [event(p.ref, serviceControllerReasons.deleted, 'Deleted load balancer')];
      }
      const statusWritten = applied.some(
        (a) => a.kind === 'kubernetes.patch' && a.subresource === 'status',
      );
      if (statusWritten && !p.served) {
        this.#open.delete(key);
        return [event(p.ref, serviceControllerReasons.ensured, 'Ensured load balancer')];
      }
      return p.served
        ? [event(p.ref, serviceControllerReasons.updated, 'Updated load balancer')]
        : [];
    });
  }
}
