import type { Executors } from '../../model/executors.ts';
import type { MetalNeeds } from '../../model/observation.ts';
import type { Plan } from '../../model/plan.ts';
import type { Settings } from '../../model/settings.ts';
import type { KubernetesState, ProbeResult, Snapshot } from '../../model/snapshot.ts';
import { planAll } from '../../planners/index.ts';
import { apply, tally } from '../apply/applier.ts';
import { ActionBackoff } from '../apply/backoff.ts';
import type { Logger } from '../cli/logging.ts';
import type { Location } from '../observe/location.ts';
import { observe } from '../observe/observe.ts';
import type { CurrentMetal, ListReason } from '../observe/write-through.ts';
import { heldWithDependants } from '../plan/dependants.ts';
import { diff } from '../plan/differ.ts';
import { renderText } from '../render/text.ts';
import { untilReflected, type FindCached } from './caught-up.ts';
import { announcedWhileRunning } from './announced.ts';
import { isConflict, outcomeEvents, WarningTransitions, type EventReporter } from './events.ts';
import { failoverPlan, type Applying } from './failover.ts';
import { attemptOf, recordOutcomes, type OutcomeSinks } from './outcomes.ts';
import { foldedReasons, LoadBalancerEvents } from './service-events.ts';
import type { Metrics } from './metrics.ts';
import { SnapshotMetrics } from './snapshot-metrics.ts';
import type { LoopEnd, Trigger } from './scheduler.ts';

/** What one loop reads from, writes through and reports to. */
export interface ReconcilerDeps {
  readonly settings: Settings;
  readonly dryRun: boolean;
  /** How many Kubernetes writes, and how many Metal requests, run at once. */
  readonly concurrency: number;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly kubernetes: {
    readonly synced: boolean;
    state(): KubernetesState;
    find: FindCached;
    /** Resolves at the next change any cache sees. */
    readonly changed: () => Promise<void>;
  };
  /** The Metal state to plan on (write-through: listed only when it must be), told the writes. */
  readonly metal: OutcomeSinks['metal'] & {
    current(needs: MetalNeeds, asked?: 'start' | 'resync'): Promise<CurrentMetal>;
  };
  /** Where the cluster lives, asked each loop (the host's metadata is read only when needed). */
  readonly location: (kubernetes: KubernetesState) => Promise<Location>;
  readonly probes: () => readonly ProbeResult[];
  /** Told the snapshot of each loop (the prober learns whom to probe). */
  readonly observed?: (snapshot: Snapshot) => void;
  readonly executors: Executors;
  readonly events: EventReporter;
  readonly leading: () => boolean;
  /** The Metal credentials were checked (metal-connection.ts): no loop observes before. */
  readonly metalVerified: () => boolean;
  readonly stopped: () => boolean;
  /** Failed actions' backoff (tests pass one with a pinned jitter). */
  readonly backoff?: ActionBackoff;
}

/**
 * The body of a loop: observe both worlds, plan, and (when leading, and not a dry run) apply, then
 * report what happened as metrics and Events and say when the next loop should run.
 */
export class Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly #backoff: ActionBackoff;
  #retryMs = 0;
  /** Why the last Metal observation failed; undefined once one succeeded. */
  metalError: string | undefined = 'not observed yet';
  /** When the observation under way started. */
  #observingSince: number | undefined;
  /** Events mark transitions: warnings when they appear, a Service's load balancer as it changes. */
  readonly #warnings = new WarningTransitions();
  readonly #loadBalancers = new LoadBalancerEvents();
  readonly #gauges: SnapshotMetrics;
  readonly #sinks: OutcomeSinks;
  /** A loop between its plan and its end; a control-plane move meanwhile, which the next awaits. */
  #applying: Applying | undefined;
  #failover: Promise<void> | undefined;

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
    this.#gauges = new SnapshotMetrics(deps.metrics);
    deps.metrics.syncPeriod.set(deps.settings.syncPeriodMs / 1000);
    this.#backoff = deps.backoff ?? new ActionBackoff();
    this.#sinks = { metrics: deps.metrics, backoff: this.#backoff, metal: deps.metal };
  }

  /**
   * Why Metal is not usable for planning now: the last observation failed, or the one under way has
   * run past its deadline (`deadlineMs`); undefined when the last one succeeded.
   */
  metalProblem(now: number, deadlineMs: number): string | undefined {
    const since = this.#observingSince;
    if (since !== undefined && now - since > deadlineMs)
      return `the Metal observation under way started ${String(Math.round((now - since) / 1000))}s ago (its deadline is ${String(Math.round(deadlineMs / 1000))}s)`;
    return this.metalError === undefined ? undefined : `Metal API: ${this.metalError}`;
  }

  async loop(trigger: Trigger): Promise<LoopEnd> {
    const { kubernetes, metrics } = this.#deps;
    if (!kubernetes.synced) return {};
    // A standby makes no Metal calls: only the leader (or a dry run) observes and plans.
    if (!this.#deps.leading() && !this.#deps.dryRun) {
      metrics.loops.inc({ trigger, result: 'not-leader' });
      return {};
    }
    // A key the Metal API refuses stops the daemon, never used by a loop: the check asks for one.
    if (!this.#deps.metalVerified()) return {};
    await this.#failover;
    const end = metrics.loopDuration.startTimer();
    try {
      const snapshot = await this.#observe(trigger);
      if (snapshot === undefined) {
        this.#retryMs = Math.min(30_000, Math.max(1000, this.#retryMs * 2));
        return { next: { trigger: 'retry', delayMs: this.#retryMs } };
      }
      return await this.#planAndApply(trigger, snapshot);
    } finally {
      end();
      metrics.loopCompleted();
    }
  }

  async #observe(trigger: Trigger): Promise<Snapshot | undefined> {
    const { kubernetes, settings } = this.#deps;
    this.#observingSince = Date.now();
    try {
      const state = kubernetes.state();
      const location = await this.#deps.location(state);
      let listed: ListReason | undefined;
      const asked = trigger === 'start' || trigger === 'resync' ? trigger : undefined;
      const snapshot = await observe({
        time: new Date().toISOString(),
        source: 'live',
        settings,
        kubernetes: { state },
        metal: async (needs) => {
          const current = await this.#deps.metal.current(needs, asked);
          listed = current.listed;
          return current.observation;
        },
        location,
        probes: this.#deps.probes(),
      });
      this.metalError = undefined;
      this.#retryMs = 0;
      if (listed !== undefined) {
        this.#deps.metrics.metalLists.inc({ reason: listed });
        if (snapshot.metal.complete) this.#deps.metrics.observed();
      }
      this.#deps.observed?.(snapshot);
      return snapshot;
    } catch (error) {
      this.metalError = error instanceof Error ? error.message : String(error);
      this.#deps.log.warn(
        { trigger, err: this.metalError },
        'Metal observation failed; planning waits',
      );
      this.#deps.metrics.loops.inc({ trigger, result: 'observe-failed' });
      return undefined;
    } finally {
      this.#observingSince = undefined;
    }
  }

  async #planAndApply(trigger: Trigger, snapshot: Snapshot): Promise<LoopEnd> {
    const { metrics, log, dryRun } = this.#deps;
    const plan = this.#backoff.hold(diff(snapshot, planAll(snapshot)), Date.now());
    this.#gauges.record(snapshot, plan, Date.now());
    const leading = this.#deps.leading();
    if (leading && !dryRun)
      this.#deps.events.report(this.#warnings.due(plan.warnings, Date.now()), (event) => {
        this.#warnings.unreported(event);
      });
    const count = plan.actions.length;
    if (dryRun) {
      log.info(
        { trigger, actions: count, plan: renderText(plan, new Date()) },
        'plan (dry run: nothing applied)',
      );
      metrics.loops.inc({ trigger, result: 'dry-run' });
      return {};
    }
    if (!leading || count === 0) {
      log.debug(
        { trigger, actions: count, leading },
        count === 0 ? 'converged' : 'not leading; not applying',
      );
      metrics.loops.inc({ trigger, result: count === 0 ? 'converged' : 'not-leader' });
      return {};
    }
    const fields = { trigger, actions: count, waiting: plan.waiting?.length ?? 0 };
    const described = () => ({ ...fields, plan: renderText(plan, new Date()) });
    // Nothing to send when every action waits for its retry or for one that does.
    const held = heldWithDependants(
      plan.actions,
      (plan.waiting ?? []).map((w) => w.action),
    );
    if (held.size === count) {
      log.info(described(), 'every change waits for its retry');
      metrics.loops.inc({ trigger, result: 'backing-off' });
      return this.#retryLater();
    }
    return this.#apply(trigger, { plan, snapshot }, () => {
      log.info(described(), 'applying plan');
    });
  }

  /** The next loop when the first waiting action is due; none when nothing waits. */
  #retryLater(): LoopEnd {
    const at = this.#backoff.nextRetry();
    return at === undefined
      ? {}
      : { next: { trigger: 'retry', delayMs: Math.max(0, at - Date.now()) } };
  }

  /** Leadership lost mid-plan, or stopping: what has not started does not start. */
  readonly #continuing = (): boolean => this.#deps.leading() && !this.#deps.stopped();

  /** The control-plane move under way between loops, if any: stopping waits for it. */
  get moving(): Promise<void> | undefined {
    return this.#failover;
  }

  /** While a loop applies, a control-plane EIP on a failing node moves at once (failover.ts). */
  probesChanged(): void {
    if (this.#failover !== undefined || !this.#deps.leading() || this.#deps.dryRun) return;
    const plan = failoverPlan(this.#applying, this.#deps.probes());
    if (plan === undefined) return;
    this.#applying = undefined; // its snapshot no longer shows where the EIP is: once per loop
    this.#failover = this.#failOver(this.#backoff.hold(plan, Date.now(), true))
      .catch((error: unknown) => {
        this.#deps.log.error({ err: error }, 'control-plane move failed');
      })
      .finally(() => (this.#failover = undefined));
  }

  async #failOver(plan: Plan): Promise<void> {
    const options = { concurrency: 1, logger: this.#deps.log, shouldContinue: this.#continuing };
    const report = await apply(plan, this.#deps.executors, options);
    const recorded = recordOutcomes(plan, report.outcomes, this.#sinks);
    const fields = { ...tally(report.outcomes), plan: renderText(plan, new Date()) };
    this.#deps.log.info(fields, 'control-plane move applied while a loop applies');
    this.#deps.events.report(outcomeEvents(recorded));
  }

  async #apply(trigger: Trigger, applying: Applying, announce: () => void): Promise<LoopEnd> {
    this.#applying = applying;
    try {
      return await this.#applyPlan(trigger, applying.plan, applying.snapshot, announce);
    } finally {
      this.#applying = undefined;
    }
  }

  /** `announce` logs the plan once its first writes are on their way: rendering is not on their path. */
  async #applyPlan(
    trigger: Trigger,
    plan: Plan,
    snapshot: Snapshot,
    announce: () => void,
  ): Promise<LoopEnd> {
    const { metrics, executors } = this.#deps;
    const loadBalancers = this.#loadBalancers.plan(plan.actions, snapshot.kubernetes.services);
    this.#deps.events.report(loadBalancers.before);
    const started = Date.now();
    const report = await announcedWhileRunning(
      () =>
        apply(plan, executors, {
          concurrency: this.#deps.concurrency,
          logger: this.#deps.log,
          shouldContinue: this.#continuing,
        }),
      announce,
    );
    const recorded = recordOutcomes(plan, report.outcomes, this.#sinks);
    const durationMs = Date.now() - started;
    this.#deps.log.info({ trigger, ...tally(report.outcomes), durationMs }, 'plan applied');
    const failed = report.outcomes.some((o) => attemptOf(o)[0]?.result === 'failed');
    metrics.loops.inc({ trigger, result: failed ? 'partly-applied' : 'applied' });
    const written = recorded.flatMap(([action, o]) =>
      o.status === 'applied' ? [{ action, resourceVersion: o.result?.resourceVersion }] : [],
    );
    await untilReflected(this.#deps.kubernetes.find, written, {
      timeoutMs: 2000,
      stopped: this.#deps.stopped,
      changed: this.#deps.kubernetes.changed,
    });
    const own = outcomeEvents(recorded).filter(
      (e) =>
        !(e.regarding.kind === 'Service' && e.type === 'Normal' && foldedReasons.has(e.reason)),
    );
    this.#deps.events.report([...own, ...loadBalancers.after(recorded)]);
    // Writes (and lost races) re-plan at once; failures wait for their backoff.
    const replan = report.outcomes.some((o) => o.status === 'applied' || isConflict(o));
    return replan ? { next: { trigger: 'applier', delayMs: 0 } } : this.#retryLater();
  }
}
