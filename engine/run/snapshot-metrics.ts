import type { BgpSessionState } from '../../model/metal.ts';
import { events } from '../../model/marks/events.ts';
import { ownedBy } from '../../model/marks/tags.ts';
import type { Plan } from '../../model/plan.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { wantsElasticIp } from '../../planners/facts/services.ts';
import type { Metrics } from './metrics.ts';

const states: readonly BgpSessionState[] = ['up', 'down', 'unknown'];

/**
 * The gauges one loop's snapshot and plan set: what the cluster owns, the BGP sessions by state,
 * the Services waiting for an address and for how long, and those held back by `--eip-limit`.
 * How long a Service has waited is counted from the first loop that saw it waiting (not its
 * creation: a Service retyped to LoadBalancer starts waiting then), so the memory lives here.
 */
export class SnapshotMetrics {
  readonly #metrics: Metrics;
  #pendingSince = new Map<string, number>();

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  record(snapshot: Snapshot, plan: Plan, now: number): void {
    const metrics = this.#metrics;
    const cluster = snapshot.kubernetes.clusterId;
    if (cluster !== undefined)
      metrics.reservationsOwned.set(
        snapshot.metal.reservations.filter((r) => ownedBy(r.tags, cluster)).length,
      );
    const perSwitch = snapshot.metal.bgpSessions.flatMap((s) => s.states ?? []);
    for (const state of states)
      metrics.bgpSessions.set({ state }, perSwitch.filter((s) => s === state).length);
    this.#pending(snapshot, now);
    metrics.servicesOverLimit.set(
      plan.warnings.filter((w) => w.event === events.ElasticIPLimitReached).length,
    );
  }

  #pending(snapshot: Snapshot, now: number): void {
    const { settings } = snapshot;
    const served = settings.loadBalancer.kind !== 'none';
    const pending = snapshot.kubernetes.services.filter(
      (s) =>
        served &&
        wantsElasticIp(s, settings.loadBalancerClass) &&
        (s.status?.loadBalancer?.ingress ?? []).length === 0,
    );
    const next = new Map<string, number>();
    for (const s of pending) {
      const uid = s.metadata?.uid ?? `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
      next.set(uid, this.#pendingSince.get(uid) ?? now);
    }
    this.#pendingSince = next;
    this.#metrics.servicesPending.set(next.size);
    const oldest = Math.min(now, ...next.values());
    this.#metrics.servicesPendingMaxAge.set((now - oldest) / 1000);
  }
}
