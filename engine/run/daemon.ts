import { hostname } from 'node:os';
import type { Settings } from '../../model/settings.ts';
import { probeTargets } from '../../planners/control-plane/control-plane.ts';
import { ControlPlaneProber } from '../../providers/control-plane/prober.ts';
import { EventRecorder } from '../../providers/kubernetes/events.ts';
import { kubernetesExecutors } from '../../providers/kubernetes/executor.ts';
import { loadKubeConfig, serverOf } from '../../providers/kubernetes/kubeconfig.ts';
import { KubernetesObserver } from '../../providers/kubernetes/observe.ts';
import { kubeClients, type KubeClients } from '../../providers/kubernetes/clients.ts';
import type { KubeRest } from '../../providers/kubernetes/rest.ts';
import { Reviews } from '../../providers/kubernetes/reviews.ts';
import { metalExecutor } from '../../providers/metal/executor.ts';
import { readHostMetadata } from '../../providers/metal/metadata.ts';
import { MetalObserver } from '../../providers/metal/observe.ts';
import type { Logger } from '../cli/logging.ts';
import { LocationSource, locationNeeded } from '../observe/location.ts';
import { WriteThroughMetal } from '../observe/write-through.ts';
import { clientCAFromCluster } from '../../providers/kubernetes/client-ca.ts';
import { EventReporter } from './events.ts';
import { livenessChecks, readinessChecks, type HealthState } from './health.ts';
import { untilConnected } from './kube-connect.ts';
import { Leadership, type LeaderElectionSettings } from './leadership.ts';
import { metalConnection, type MetalConnection } from './metal-connection.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { Reconciler } from './reconciler.ts';
import { LoopScheduler } from './scheduler.ts';
import { favouringSpeed, fitCompilersTo } from '../v8-flags.ts';
import { startServing, type Serving } from './serving/serve.ts';
import type { ServingOptions } from './serving/options.ts';

export type { LeaderElectionSettings } from './leadership.ts';

export interface DaemonOptions {
  readonly settings: Settings;
  /** How to reach the Kubernetes API (`--kubeconfig`, `--master`, `--kube-api-qps/-burst`). */
  readonly kube: {
    readonly kubeconfig?: string;
    readonly master?: string;
    readonly qps: number;
    readonly burst: number;
  };
  /** The process environment (in-cluster detection, `PACKNGO_DEBUG`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly leaderElection: LeaderElectionSettings;
  readonly dryRun: boolean;
  readonly serving: ServingOptions;
  readonly logger: Logger;
  /** How many Kubernetes writes, and how many Metal requests, run at once. */
  readonly concurrency?: number;
  /** For tests: shorter watches. */
  readonly watchTimeoutSeconds?: number;
}

/**
 * The running CCM, wired: its servers first (health answers while it connects), then the
 * Kubernetes API (retried with backoff while /readyz says why), the caches, the leader election,
 * and only for the leader (or a dry run) the Metal API, the prober and the loops.
 */
export class Daemon {
  readonly #options: DaemonOptions;
  readonly #log: Logger;
  readonly metrics: Metrics = createMetrics();
  readonly #stop = new AbortController();
  #fail: (error: unknown) => void = () => undefined;
  /** Resolves with the error that stops the daemon (a refused Metal token, a failed lookup). */
  readonly fatal: Promise<Error> = new Promise((resolve) => {
    this.#fail = (e) => {
      resolve(e instanceof Error ? e : new Error(String(e)));
    };
  });
  #serving: Serving | undefined;
  #kubernetes: KubernetesObserver | undefined;
  #kubeProblem: string | undefined = 'not connected to the Kubernetes API yet';
  #reconciler: Reconciler | undefined;
  #scheduler: LoopScheduler | undefined;
  #leadership: Leadership | undefined;
  #events: EventReporter | undefined;
  #prober: ControlPlaneProber | undefined;
  #metal: MetalConnection | undefined;
  #loopingSince: number | undefined;
  /** Who waits for the next change of a cache (a loop waiting to see its own writes). */
  readonly #cacheChanged: (() => void)[] = [];
  #running: Promise<void> | undefined;

  constructor(options: DaemonOptions) {
    this.#options = options;
    this.#log = options.logger;
  }

  health(): HealthState {
    const { settings } = this.#options;
    const now = Date.now();
    return {
      now,
      kubernetes:
        this.#kubeProblem ??
        (this.#kubernetes?.synced === true
          ? undefined
          : 'the Kubernetes caches are not synced yet'),
      lease: this.#leadership?.problem,
      loopingSince: this.#loopingSince,
      lastLoopEnded: this.#scheduler?.lastLoopEndedAt,
      metal: this.#reconciler?.metalProblem(now, settings.metalObservationTimeoutMs),
      resyncMs: settings.syncPeriodMs,
    };
  }

  /** Starts serving and connecting; resolves once the servers listen (the rest goes on behind). */
  async start(): Promise<void> {
    const options = this.#options;
    const config = loadKubeConfig({ ...options.kube, env: options.env });
    const clients = kubeClients(config, options.kube, this.metrics.kubernetesRetried);
    const rest = clients.loops;
    const reviewsRest = (path: string | undefined): KubeRest =>
      clients.reviews(
        path === undefined ? config : loadKubeConfig({ kubeconfig: path, env: options.env }),
      );
    const reviews = new Reviews(reviewsRest(options.serving.auth.authenticationKubeconfig));
    const access = new Reviews(reviewsRest(options.serving.auth.authorizationKubeconfig));
    const state = (): HealthState => this.health();
    this.#serving = await startServing(
      options.serving,
      {
        liveness: livenessChecks(state),
        readiness: readinessChecks(state),
        registry: this.metrics.registry,
      },
      { token: (t) => reviews.token(t), access: (u, v, p) => access.access(u, v, p) },
    );
    this.#log.info(
      { secure: this.#serving.secureUrl ?? 'off', health: this.#serving.plainUrl ?? 'off' },
      'serving /healthz, /livez, /readyz and /metrics',
    );
    const recorder = new EventRecorder(clients.events, { instance: hostname() });
    const events = new EventReporter(recorder, this.#log);
    this.#events = events;
    this.#wire(rest, events);
    this.#running = this.#run(clients, events, serverOf(config)).catch(this.#fail);
  }

  #wire(rest: KubeRest, events: EventReporter): void {
    const { settings, dryRun, env } = this.#options;
    this.#metal = metalConnection({ settings, env, log: this.#log, metrics: this.metrics });
    const kubernetes = this.#observeKubernetes(rest);
    const observer = new MetalObserver(this.#metal.client, settings.projectID, {
      deadlineMs: settings.metalObservationTimeoutMs,
    });
    const metal = new WriteThroughMetal(observer, { maxAgeMs: settings.syncPeriodMs });
    const location = new LocationSource(settings, (url) => readHostMetadata(url, 2000), this.#log);
    this.#reconciler = new Reconciler({
      settings,
      dryRun,
      concurrency: this.#options.concurrency ?? 16,
      log: this.#log,
      metrics: this.metrics,
      kubernetes: {
        get synced() {
          return kubernetes.synced;
        },
        state: () => kubernetes.state(),
        find: (ref) => kubernetes.find(ref),
        changed: () => new Promise((resolve) => this.#cacheChanged.push(resolve)),
      },
      metal,
      location: (state) => location.current(locationNeeded(state, settings)),
      probes: () => this.#prober?.results() ?? [],
      observed: (snapshot) => {
        fitCompilersTo(snapshot.kubernetes);
        this.#prober?.setTargets(probeTargets(snapshot));
      },
      executors: {
        ...kubernetesExecutors(rest),
        'metal.request': metalExecutor(this.#metal.client),
      },
      events,
      leading: () => this.#loopingSince !== undefined,
      metalVerified: this.#metal.isVerified,
      stopped: () => this.#stop.signal.aborted,
    });
    this.#scheduler = new LoopScheduler({
      // A change to act on runs with speed (v8-flags.ts); a resync or a retry plans with the
      // small heap, and only what it applies runs with speed.
      run: (trigger) => {
        const loop = () => this.#reconciler?.loop(trigger) ?? Promise.resolve({});
        return trigger === 'resync' || trigger === 'retry' ? loop() : favouringSpeed(loop);
      },
      resyncMs: settings.syncPeriodMs,
      working: events.working,
      started: this.metrics.loopStarted,
      onError: (error) => {
        this.#log.error({ err: error }, 'loop failed');
      },
    });
  }

  /** Connects to Kubernetes (retrying), syncs the caches, then elects; the leader loops. */
  async #run(clients: KubeClients, events: EventReporter, server: string): Promise<void> {
    const kubernetes = this.#kubernetes;
    const signal = this.#stop.signal;
    if (kubernetes === undefined) return;
    const connected = await untilConnected(() => kubernetes.start(), {
      server,
      log: this.#log,
      signal,
      onProblem: (problem) => {
        this.#kubeProblem = problem;
      },
    });
    if (!connected) return;
    const { auth } = this.#options.serving;
    if (this.#serving?.secureUrl !== undefined && !auth.skipLookup) {
      const ca = await clientCAFromCluster(clients.loops, auth.tolerateLookupFailure, this.#log);
      if (ca !== undefined) this.#serving.addClientCA(ca);
    }
    await Promise.race([
      kubernetes.whenSynced(),
      new Promise((resolve) => {
        signal.addEventListener('abort', resolve);
      }),
    ]);
    if (signal.aborted) return;
    this.#log.info({ server }, 'caches synced');
    fitCompilersTo(kubernetes.state());
    this.#leadership = new Leadership({
      rest: clients.leaderElection,
      election: this.#options.leaderElection,
      log: this.#log,
      metrics: this.metrics,
      events,
      onLead: () => {
        this.#lead();
      },
      onStandby: () => {
        this.#standby();
      },
    });
    this.#scheduler?.start();
    this.#leadership.start();
  }

  #observeKubernetes(rest: KubeRest): KubernetesObserver {
    const { settings, watchTimeoutSeconds } = this.#options;
    this.#kubernetes = new KubernetesObserver(rest, {
      loadBalancer: settings.loadBalancer,
      controlPlane: settings.eipTag !== '',
      onChange: () => {
        for (const resolve of this.#cacheChanged.splice(0)) resolve();
        this.#scheduler?.request('change');
      },
      log: this.#log,
      ...(watchTimeoutSeconds === undefined ? {} : { watchTimeoutSeconds }),
    });
    return this.#kubernetes;
  }

  /** Leading (or running dry): the Metal credentials are checked once, then loops run. */
  #lead(): void {
    if (this.#stop.signal.aborted) return;
    this.#loopingSince = Date.now();
    this.#prober = this.#startProber();
    void this.#metal?.verified().then(() => this.#scheduler?.request('start'), this.#fail);
  }

  #standby(): void {
    this.#loopingSince = undefined;
    const prober = this.#prober;
    this.#prober = undefined;
    void prober?.stop();
  }

  #startProber(): ControlPlaneProber | undefined {
    const { settings } = this.#options;
    if (settings.eipTag === '') return undefined;
    const prober = new ControlPlaneProber({
      intervalMs: settings.eipHealthCheckIntervalMs,
      onChange: () => {
        this.#scheduler?.request('probe');
        this.#reconciler?.probesChanged();
      },
      log: this.#log,
    });
    prober.start();
    return prober;
  }

  /** Stops applying at once, finishes the loop under way, releases the Lease, closes. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#loopingSince = undefined;
    await this.#scheduler?.stop();
    await this.#reconciler?.moving;
    await this.#running;
    await this.#events?.drain();
    await this.#leadership?.stop();
    await this.#prober?.stop();
    await this.#kubernetes?.stop();
    await this.#serving?.close();
  }
}
