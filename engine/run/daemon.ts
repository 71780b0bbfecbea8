import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Settings } from '../../model/settings.ts';
import { probeTargets } from '../../planners/control-plane/control-plane.ts';
import { ControlPlaneProber } from '../../providers/control-plane/prober.ts';
import { EventRecorder } from '../../providers/kubernetes/events.ts';
import { kubernetesExecutors } from '../../providers/kubernetes/executor.ts';
import { loadKubeConfig } from '../../providers/kubernetes/kubeconfig.ts';
import { LeaderElector } from '../../providers/kubernetes/leader.ts';
import { KubernetesObserver } from '../../providers/kubernetes/observe.ts';
import { KubeRest } from '../../providers/kubernetes/rest.ts';
import { MetalClient } from '../../providers/metal/client.ts';
import { describeStartupFailure } from '../../providers/metal/errors.ts';
import { metalExecutor } from '../../providers/metal/executor.ts';
import { readHostMetadata } from '../../providers/metal/metadata.ts';
import { MetalObserver } from '../../providers/metal/observe.ts';
import { MetalTransport } from '../../providers/metal/transport.ts';
import type { Logger } from '../cli/logging.ts';
import { resolveLocation } from '../observe/location.ts';
import { EventReporter } from './events.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { Reconciler } from './reconciler.ts';
import { LoopScheduler } from './scheduler.ts';
import { serveHealth } from './server.ts';

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

/**
 * The running CCM, wired: the Metal client and observer, the Kubernetes caches, executors and
 * Events, the control-plane prober, the leader election, the loop (scheduler + reconciler) and the
 * CCM's own HTTP server. Only the leader applies; `--dry-run` logs each plan and applies nothing.
 */
export class Daemon {
  readonly #options: DaemonOptions;
  readonly #log: Logger;
  readonly metrics: Metrics = createMetrics();
  #kubernetes: KubernetesObserver | undefined;
  #reconciler: Reconciler | undefined;
  #scheduler: LoopScheduler | undefined;
  #elector: LeaderElector | undefined;
  #events: EventReporter | undefined;
  #server: Server | undefined;
  #prober: ControlPlaneProber | undefined;
  #leading = false;
  #stopped = false;
  healthUrl = '';

  constructor(options: DaemonOptions) {
    this.#options = options;
    this.#log = options.logger;
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** Loops completed, for tests that wait for the CCM to act. */
  get loopsCompleted(): number {
    return this.#scheduler?.loopsCompleted ?? 0;
  }

  notReady(): string | undefined {
    if (this.#kubernetes?.synced !== true) return 'Kubernetes caches not synced';
    const metalError = this.#reconciler?.metalError;
    if (metalError !== undefined) return `Metal API: ${metalError}`;
    return undefined;
  }

  async start(): Promise<void> {
    const { settings } = this.#options;
    const client = await this.#connectMetal();
    const location = await resolveLocation(settings, (url) => readHostMetadata(url));
    this.#log.info({ ...location }, 'location');
    const rest = new KubeRest(loadKubeConfig(this.#options.kubeconfig));
    this.#events = new EventReporter(new EventRecorder(rest, { instance: hostname() }), this.#log);
    const kubernetes = this.#observeKubernetes(rest);
    const server = await serveHealth(this.#options.healthAddress, {
      notReady: () => this.notReady(),
      registry: this.metrics.registry,
    });
    this.#server = server.server;
    this.healthUrl = server.url;
    this.#prober = this.#startProber();
    const metal = new MetalObserver(client, settings.projectID, {
      deadlineMs: settings.metalObservationTimeoutMs,
    });
    this.#reconciler = new Reconciler({
      settings,
      dryRun: this.#options.dryRun,
      concurrency: this.#options.concurrency ?? 16,
      log: this.#log,
      metrics: this.metrics,
      kubernetes: {
        get synced() {
          return kubernetes.synced;
        },
        state: () => kubernetes.state(),
        find: (ref) => kubernetes.find(ref),
      },
      metal: (needs) => metal.observe(needs),
      location,
      probes: () => this.#prober?.results() ?? [],
      observed: (snapshot) => this.#prober?.setTargets(probeTargets(snapshot)),
      executors: { ...kubernetesExecutors(rest), 'metal.request': metalExecutor(client) },
      events: this.#events,
      leading: () => this.#leading,
      stopped: () => this.#stopped,
    });
    this.#scheduler = new LoopScheduler({
      run: (trigger) => this.#reconciler?.loop(trigger) ?? Promise.resolve({}),
      debounceMs: this.#options.debounceMs ?? 100,
      resyncMs: settings.syncPeriodMs,
      onError: (error) => {
        this.#log.error({ err: error }, 'loop failed');
      },
    });
    await kubernetes.start();
    await kubernetes.whenSynced();
    this.#log.info({ health: this.healthUrl }, 'caches synced');
    this.#elect(rest);
    this.#scheduler.start();
  }

  /** The Metal client, once the credentials are known to read the project. */
  async #connectMetal(): Promise<MetalClient> {
    const { settings, logger } = this.#options;
    const transport = new MetalTransport({
      baseURL: settings.baseURL,
      token: settings.apiKey,
      timeoutMs: settings.metalRequestTimeoutMs,
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
    return client;
  }

  #observeKubernetes(rest: KubeRest): KubernetesObserver {
    const { settings, watchTimeoutSeconds } = this.#options;
    this.#kubernetes = new KubernetesObserver(rest, {
      loadBalancer: settings.loadBalancer,
      controlPlane: settings.eipTag !== '',
      onChange: () => {
        this.#scheduler?.request('change');
      },
      log: this.#log,
      ...(watchTimeoutSeconds === undefined ? {} : { watchTimeoutSeconds }),
    });
    return this.#kubernetes;
  }

  #startProber(): ControlPlaneProber | undefined {
    const { settings } = this.#options;
    if (settings.eipTag === '') return undefined;
    const prober = new ControlPlaneProber({
      intervalMs: settings.eipHealthCheckIntervalMs,
      onChange: () => {
        this.#scheduler?.request('probe', 0);
      },
      log: this.#log,
    });
    prober.start();
    return prober;
  }

  /** Leads at once without leader election; else when the Lease is won, until it is lost. */
  #elect(rest: KubeRest): void {
    const election = this.#options.leaderElection;
    if (!election.enabled) {
      this.#setLeading(true);
      return;
    }
    this.metrics.leader.set({ name: election.name }, 0);
    this.#elector = new LeaderElector(rest, {
      namespace: election.namespace,
      name: election.name,
      identity: `${hostname()}_${randomUUID()}`,
      leaseDurationMs: election.leaseDurationMs,
      renewDeadlineMs: election.renewDeadlineMs,
      retryPeriodMs: election.retryPeriodMs,
      log: this.#log,
      onStartedLeading: () => {
        this.#setLeading(true);
        this.#scheduler?.request('start');
      },
      onStoppedLeading: () => {
        this.#setLeading(false);
      },
    });
    this.#elector.start();
  }

  #setLeading(leading: boolean): void {
    this.#leading = leading;
    this.metrics.leader.set({ name: this.#options.leaderElection.name }, leading ? 1 : 0);
  }

  /** Stops applying at once, finishes the loop under way, releases the lease, closes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#setLeading(false);
    await this.#scheduler?.stop();
    await this.#events?.drain();
    await this.#elector?.stop();
    await this.#prober?.stop();
    await this.#kubernetes?.stop();
    await new Promise<void>((resolve) => {
      if (this.#server === undefined) resolve();
      else
        this.#server.close(() => {
          resolve();
        });
    });
  }
}
