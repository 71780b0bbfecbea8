import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { planAll } from '../../planners/index.ts';
import { ownedBy } from '../../model/marks/tags.ts';
import { probeTargets } from '../../planners/control-plane/control-plane.ts';
import { HealthProber } from '../../providers/control-plane/prober.ts';
import type { Settings } from '../../model/settings.ts';
import { referencedDevices } from '../../planners/nodes/provider-id.ts';
import { StaleWriteError, kubernetesExecutors } from '../../providers/kubernetes/executor.ts';
import { LeaderElector } from '../../providers/kubernetes/leader.ts';
import { KubernetesObserver } from '../../providers/kubernetes/observe.ts';
import { KubeRest } from '../../providers/kubernetes/rest.ts';
import { EventRecorder } from '../../providers/kubernetes/events.ts';
import type { Action, Warning } from '../../model/plan.ts';
import { MetalClient } from '../../providers/metal/client.ts';
import { describeStartupFailure } from '../../providers/metal/errors.ts';
import { metalExecutor } from '../../providers/metal/executor.ts';
import { readHostMetadata } from '../../providers/metal/metadata.ts';
import { MetalObserver } from '../../providers/metal/observe.ts';
import { MetalTransport } from '../../providers/metal/transport.ts';
import { apply, type Executors, type Outcome } from '../apply/applier.ts';
import { diff } from '../plan/differ.ts';
import { serveHealth } from './server.ts';
import { resolveLocation, type Location } from '../observe/location.ts';
import type { Logger } from '../cli/logging.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { renderText } from '../render/text.ts';
import { takeSnapshot } from '../observe/snapshot.ts';

export interface LeaderElectionSettings {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly name: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

export interface DaemonOptions {
  readonly settings: Settings;
  /** A kubeconfig file; in-cluster configuration (or the default kubeconfig) when absent. */
  readonly kubeconfig?: string;
  readonly leaderElection: LeaderElectionSettings;
  readonly dryRun: boolean;
  /** `host:port` of /healthz, /readyz and /metrics. */
  readonly healthAddress: string;
  readonly logger: Logger;
  /** Informer events within this window cost one loop. */
  readonly debounceMs?: number;
  /** How many actions run at once. */
  readonly concurrency?: number;
  /** For tests: shorter watches. */
  readonly watchTimeoutSeconds?: number;
}

type Trigger = 'start' | 'change' | 'resync' | 'applier' | 'retry' | 'probe';

function loadKubeConfig(path: string | undefined): KubeConfig {
  const config = new KubeConfig();
  if (path !== undefined) config.loadFromFile(path);
  else if (process.env['KUBERNETES_SERVICE_HOST'] !== undefined) config.loadFromCluster();
  else config.loadFromDefault();
  return config;
}

/**
 * The running CCM: caches and the Metal observation feed one loop (observe → snapshot → plan →
 * apply), triggered by changes (debounced), by the applier when its results change what the
 * planners see, and by a periodic resync with jitter. Only the leader applies; `--dry-run` logs
 * each plan and applies nothing.
 */
export class Daemon {
  readonly #options: DaemonOptions;
  readonly #log: Logger;
  readonly metrics: Metrics = createMetrics();
  #kubernetes: KubernetesObserver | undefined;
  #metal: MetalObserver | undefined;
  #location: Location | undefined;
  #elector: LeaderElector | undefined;
  #executors: Executors | undefined;
  #events: EventRecorder | undefined;
  #health: Server | undefined;
  #prober: HealthProber | undefined;
  readonly #sideWork = pLimit(8);
  readonly #background = new Set<Promise<void>>();
  #leading = false;
  #metalError: string | undefined = 'not observed yet';
  #timer: NodeJS.Timeout | undefined;
  #timerDue = 0;
  #resyncTimer: NodeJS.Timeout | undefined;
  #pending: Trigger | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #retryMs = 0;
  healthUrl = '';
  /** Loops completed, for tests that wait for the CCM to act. */
  loopsCompleted = 0;

  constructor(options: DaemonOptions) {
    this.#options = options;
    this.#log = options.logger;
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  notReady(): string | undefined {
    if (this.#kubernetes?.synced !== true) return 'Kubernetes caches not synced';
    if (this.#metalError !== undefined) return `Metal API: ${this.#metalError}`;
    return undefined;
  }

  async start(): Promise<void> {
    const { settings, logger } = this.#options;
    const transport = new MetalTransport({
      baseURL: settings.baseURL,
      token: settings.apiKey,
      log: logger,
      onCall: (call) => {
        this.metrics.metalRequests.inc({ operation: call.operation, code: String(call.outcome) });
        this.metrics.metalRequestDuration.observe(
          { operation: call.operation },
          call.durationMs / 1000,
        );
      },
      onRateLimited: () => {
        this.metrics.metalRateLimitPauses.inc();
      },
    });
    const client = new MetalClient(transport);
    try {
      await client.getProject(settings.projectID);
    } catch (error) {
      throw new Error(describeStartupFailure(error), { cause: error });
    }
    this.#location = await resolveLocation(settings, (url) => readHostMetadata(url));
    this.#log.info(
      { metro: this.#location.metro, facility: this.#location.facility, from: this.#location.from },
      'location',
    );
    this.#metal = new MetalObserver(client, settings.projectID);

    const rest = new KubeRest(loadKubeConfig(this.#options.kubeconfig));
    this.#events = new EventRecorder(rest, { instance: hostname() });
    this.#executors = { ...kubernetesExecutors(rest), 'metal.request': metalExecutor(client) };
    this.#kubernetes = new KubernetesObserver(rest, {
      loadBalancer: settings.loadBalancer,
      controlPlane: settings.eipTag !== '',
      onChange: () => {
        this.#request('change');
      },
      log: logger,
      ...(this.#options.watchTimeoutSeconds === undefined
        ? {}
        : { watchTimeoutSeconds: this.#options.watchTimeoutSeconds }),
    });
    const health = await serveHealth(this.#options.healthAddress, {
      notReady: () => this.notReady(),
      registry: this.metrics.registry,
    });
    this.#health = health.server;
    this.healthUrl = health.url;
    if (settings.eipTag !== '') {
      this.#prober = new HealthProber({
        intervalMs: settings.eipHealthCheckIntervalMs,
        onChange: () => {
          this.#request('probe', 0);
        },
        log: logger,
      });
      this.#prober.start();
    }
    await this.#kubernetes.start();
    await this.#kubernetes.whenSynced();
    this.#log.info({ health: this.healthUrl }, 'caches synced');

    const election = this.#options.leaderElection;
    if (election.enabled) {
      this.#elector = new LeaderElector(rest, {
        namespace: election.namespace,
        name: election.name,
        identity: `${hostname()}_${randomUUID()}`,
        leaseDurationMs: election.leaseDurationMs,
        renewDeadlineMs: election.renewDeadlineMs,
        retryPeriodMs: election.retryPeriodMs,
        log: logger,
        onStartedLeading: () => {
          this.#setLeading(true);
          this.#request('start');
        },
        onStoppedLeading: () => {
          this.#setLeading(false);
        },
      });
      this.metrics.leader.set({ name: election.name }, 0);
      this.#elector.start();
    } else {
      this.#setLeading(true);
    }
    this.#scheduleResync();
    this.#request('start');
  }

  #setLeading(leading: boolean): void {
    this.#leading = leading;
    this.metrics.leader.set({ name: this.#options.leaderElection.name }, leading ? 1 : 0);
  }

  #scheduleResync(): void {
    const period = this.#options.settings.syncPeriodMs;
    this.#resyncTimer = setTimeout(
      () => {
        this.#request('resync');
        this.#scheduleResync();
      },
      period * (1 + Math.random() * 0.1),
    );
  }

  /**
   * Asks for a loop; a burst of requests within the debounce window costs one. A request that is
   * due sooner (the applier's, after its writes) brings the loop forward, never back.
   */
  #request(trigger: Trigger, delayMs = this.#options.debounceMs ?? 100): void {
    if (this.#stopped) return;
    this.#pending ??= trigger;
    const due = Date.now() + delayMs;
    if (this.#timer !== undefined && this.#timerDue <= due) return;
    clearTimeout(this.#timer);
    this.#timerDue = due;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#runLoop();
    }, delayMs);
  }

  async #runLoop(): Promise<void> {
    if (this.#running !== undefined) {
      await this.#running; // a loop at a time; the pending trigger runs after it
      if (this.#pending !== undefined && this.#timer === undefined) this.#request(this.#pending, 0);
      return;
    }
    const trigger = this.#pending ?? 'resync';
    this.#pending = undefined;
    this.#running = this.#loop(trigger).finally(() => {
      this.#running = undefined;
      this.loopsCompleted++;
    });
    await this.#running;
  }

  async #loop(trigger: Trigger): Promise<void> {
    const kubernetes = this.#kubernetes;
    const metal = this.#metal;
    const executors = this.#executors;
    if (
      kubernetes === undefined ||
      metal === undefined ||
      executors === undefined ||
      !kubernetes.synced
    )
      return;
    const end = this.metrics.loopDuration.startTimer();
    const state = kubernetes.state();
    let observed;
    try {
      observed = await metal.observe({
        wantNeighbours: this.#options.settings.loadBalancer.kind !== 'none',
        referencedDevices: referencedDevices(state.nodes),
      });
      this.#metalError = undefined;
      this.#retryMs = 0;
    } catch (error) {
      this.#metalError = error instanceof Error ? error.message : String(error);
      this.#log.warn(
        { trigger, err: this.#metalError },
        'Metal observation failed; planning waits',
      );
      this.metrics.loops.inc({ trigger, result: 'observe-failed' });
      end();
      this.#retryMs = Math.min(30_000, Math.max(1000, this.#retryMs * 2));
      this.#request('retry', this.#retryMs);
      return;
    }
    const where = this.#location ?? { from: 'configuration' };
    const snapshot = takeSnapshot({
      time: new Date().toISOString(),
      source: 'live',
      settings: this.#options.settings,
      kubernetes: state,
      metal: {
        ...observed.state,
        location: {
          ...(where.metro === undefined ? {} : { metro: where.metro }),
          ...(where.facility === undefined ? {} : { facility: where.facility }),
        },
      },
      probes: this.#prober?.results() ?? [],
      problems: observed.problems,
    });
    this.#prober?.setTargets(probeTargets(snapshot));
    const cluster = snapshot.kubernetes.clusterId;
    if (cluster !== undefined)
      this.metrics.reservationsOwned.set(
        snapshot.metal.reservations.filter((r) => ownedBy(r.tags, cluster)).length,
      );
    const plan = diff(snapshot, planAll(snapshot));
    if (this.#leading && !this.#options.dryRun)
      this.#inBackground(plan.warnings.map((w) => () => this.#recordWarning(w)));
    if (this.#options.dryRun) {
      this.#log.info(
        { trigger, actions: plan.actions.length, plan: renderText(plan, new Date()) },
        'plan (dry run: nothing applied)',
      );
      this.metrics.loops.inc({ trigger, result: 'dry-run' });
      end();
      return;
    }
    if (!this.#leading || plan.actions.length === 0) {
      this.#log.debug(
        { trigger, actions: plan.actions.length, leading: this.#leading },
        plan.actions.length === 0 ? 'converged' : 'not leading; not applying',
      );
      this.metrics.loops.inc({
        trigger,
        result: plan.actions.length === 0 ? 'converged' : 'not-leader',
      });
      end();
      return;
    }
    this.metrics.snapshotAge.set((Date.now() - Date.parse(snapshot.time)) / 1000);
    this.#log.info(
      { trigger, actions: plan.actions.length, plan: renderText(plan, new Date()) },
      'applying plan',
    );
    const report = await apply(plan, executors, {
      concurrency: this.#options.concurrency ?? 16,
      dryRun: false,
      logger: this.#log,
      // Leadership lost mid-plan: what has not started does not start.
      shouldContinue: () => this.#leading && !this.#stopped,
    });
    const byId = new Map(plan.actions.map((a) => [a.id, a]));
    const recorded: [Action, Outcome][] = [];
    for (const outcome of report.outcomes) {
      const action = byId.get(outcome.id);
      if (action === undefined) continue;
      this.metrics.actions.inc({ area: action.area, kind: action.kind, result: outcome.status });
      recorded.push([action, outcome]);
    }
    // Lost races (and what waited on them) re-plan at once; real failures wait before the retry.
    const failed = report.outcomes.some(
      (o) => o.status === 'failed' && !(o.error instanceof StaleWriteError),
    );
    this.metrics.loops.inc({ trigger, result: failed ? 'partly-applied' : 'applied' });
    end();
    // What was applied changes what the planners see: look again as soon as the caches show our
    // own writes (planning before that would plan them again against old versions, and conflict).
    await this.#caughtUp(recorded.filter(([, o]) => o.status === 'applied').map(([a]) => a));
    this.#request(failed ? 'retry' : 'applier', failed ? 1000 : 0);
    // Events tell what happened; the next loop does not wait for them.
    this.#inBackground(
      recorded.map(
        ([action, outcome]) =>
          () =>
            this.#recordEvent(action, outcome),
      ),
    );
  }

  /** Waits (at most 2 s) until the caches hold the result of each applied Kubernetes write. */
  async #caughtUp(applied: readonly Action[]): Promise<void> {
    const kubernetes = this.#kubernetes;
    if (kubernetes === undefined) return;
    const reflected = (action: Action): boolean => {
      if (action.kind === 'metal.request') return true;
      const seen = kubernetes.find(action.object);
      if (seen === undefined) return true; // a kind the CCM does not watch
      switch (action.kind) {
        case 'kubernetes.delete':
          return seen.object?.metadata?.uid !== action.preconditions.uid;
        case 'kubernetes.create':
        case 'kubernetes.apply':
          return seen.object !== undefined;
        case 'kubernetes.patch': {
          const planned = action.patch.find(
            (op) => op.op === 'test' && op.path === '/metadata/resourceVersion',
          );
          const before: unknown =
            planned !== undefined && 'value' in planned ? (planned.value as unknown) : undefined;
          return seen.object !== undefined && seen.object.metadata?.resourceVersion !== before;
        }
      }
    };
    const deadline = Date.now() + 2000;
    while (!this.#stopped && Date.now() < deadline && !applied.every(reflected))
      await new Promise((resolve) => setTimeout(resolve, 10));
  }

  /** Runs side work (Events) a few at a time without holding up the loop; stop() waits for it. */
  #inBackground(tasks: readonly (() => Promise<void>)[]): void {
    const running = Promise.all(tasks.map((task) => this.#sideWork(task))).then(() => undefined);
    this.#background.add(running);
    void running.finally(() => this.#background.delete(running));
  }

  /** A Warning Event for a plan warning about an object (repeats only raise the count). */
  async #recordWarning(w: Warning): Promise<void> {
    if (this.#events === undefined || w.regarding === undefined || w.event === undefined) return;
    try {
      await this.#events.record({
        regarding: w.regarding,
        type: 'Warning',
        reason: w.event,
        action: 'Plan',
        note: w.message,
      });
    } catch (error) {
      this.#log.warn({ err: String(error), reason: w.event }, 'event not recorded');
    }
  }

  /**
   * A Normal Event for an applied action, a Warning for a failed one, on the object it was for. A
   * write that lost a race (the object changed since it was observed) is not a failure anyone need
   * see: the next loop plans again from what is there.
   */
  async #recordEvent(action: Action, outcome: Outcome): Promise<void> {
    if (
      this.#events === undefined ||
      action.regarding === undefined ||
      outcome.status === 'skipped' ||
      (outcome.status === 'failed' && outcome.error instanceof StaleWriteError)
    )
      return;
    const verb = { create: 'Create', update: 'Update', delete: 'Delete' }[action.operation];
    const event =
      outcome.status === 'applied'
        ? { type: 'Normal' as const, reason: action.event, note: action.reason }
        : {
            type: 'Warning' as const,
            reason: `${action.event}Failed`,
            note: `${action.reason}: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`,
          };
    try {
      await this.#events.record({ regarding: action.regarding, action: verb, ...event });
    } catch (error) {
      this.#log.warn({ err: String(error), reason: event.reason }, 'event not recorded');
    }
  }

  /** Stops applying at once, finishes the loop under way, releases the lease, closes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#resyncTimer);
    this.#setLeading(false);
    await this.#running;
    await Promise.all(this.#background);
    await this.#elector?.stop();
    await this.#prober?.stop();
    await this.#kubernetes?.stop();
    await new Promise<void>((resolve) => {
      if (this.#health === undefined) resolve();
      else
        this.#health.close(() => {
          resolve();
        });
    });
  }
}
