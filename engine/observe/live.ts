import type { MetalObservation } from '../../model/observation.ts';
import type { Settings } from '../../model/settings.ts';
import type { KubernetesState, ProbeResult, Problem, Snapshot } from '../../model/snapshot.ts';
import { probeTargets } from '../../planners/control-plane/control-plane.ts';
import { ControlPlaneProber } from '../../providers/control-plane/prober.ts';
import { loadKubeConfig } from '../../providers/kubernetes/kubeconfig.ts';
import { KubernetesObserver } from '../../providers/kubernetes/observe.ts';
import { recordedFailures } from '../../providers/kubernetes/recorded-failures.ts';
import { KubeRest } from '../../providers/kubernetes/rest.ts';
import type { Warning } from '../../model/plan.ts';
import type { RecordedFailure } from '../../model/recorded-failures.ts';
import { fitCompilersTo } from '../v8-flags.ts';
import { MetalClient } from '../../providers/metal/client.ts';
import { describeStartupFailure } from '../../providers/metal/errors.ts';
import { readHostMetadata } from '../../providers/metal/metadata.ts';
import { MetalObserver } from '../../providers/metal/observe.ts';
import { MetalTransport } from '../../providers/metal/transport.ts';
import type { Logger } from '../cli/logging.ts';
import { LocationSource, locationNeeded, type Location } from './location.ts';
import { metalNeeds, observe } from './observe.ts';

/** What a one-shot observation tells as it goes (a progress line on a terminal). */
export interface ObservationProgress {
  kubernetesListed(kind: string): void;
  metalCall(operation: string): void;
}

export interface LiveOptions {
  readonly settings: Settings;
  /** A kubeconfig file; in-cluster configuration (or the default kubeconfig) when absent. */
  readonly kubeconfig?: string;
  readonly logger: Logger;
  readonly progress?: ObservationProgress;
}

/** A cache that cannot list (refused, failing) retries for ever: a one-shot read gives up. */
async function withinDeadline(synced: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `the Kubernetes lists did not complete within ${ms / 1000} s (one refused or failing)`,
        ),
      );
    }, ms);
  });
  try {
    await Promise.race([synced, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The Kubernetes side read once through the daemon's own caches (list, then stop watching): the
 * same objects, filtered and sorted the same way, so a live plan sees what the daemon sees.
 */
export async function kubernetesOnce(
  rest: KubeRest,
  options: LiveOptions,
  syncDeadlineMs?: number,
): Promise<KubernetesState> {
  const observer = new KubernetesObserver(rest, {
    loadBalancer: options.settings.loadBalancer,
    controlPlane: options.settings.eipTag !== '',
    onChange: () => undefined,
    onCacheEvent: (kind, event) => {
      if (event === 'listed') options.progress?.kubernetesListed(kind);
    },
    log: options.logger,
  });
  try {
    await observer.start();
    await (syncDeadlineMs === undefined
      ? observer.whenSynced()
      : withinDeadline(observer.whenSynced(), syncDeadlineMs));
    return observer.state();
  } finally {
    await observer.stop();
  }
}

/** One round of probes of what the snapshot says the control plane is. */
async function probeOnce(snapshot: Snapshot, settings: Settings): Promise<ProbeResult[]> {
  const prober = new ControlPlaneProber({
    intervalMs: settings.eipHealthCheckIntervalMs,
    onChange: () => undefined,
  });
  try {
    prober.setTargets(probeTargets(snapshot));
    await prober.probeOnce();
    return prober.results();
  } finally {
    await prober.stop();
  }
}

/** One observation of the live world, with the parts an export writes back. */
export interface LiveObservation {
  readonly snapshot: Snapshot;
  readonly kubernetes: KubernetesState;
  readonly metal: MetalObservation;
  readonly location: Location;
}

/**
 * The live world: the cluster (kubeconfig or in-cluster) and the Metal project, reached with the
 * same clients the daemon uses; `observe()` reads both once, read-only (no Lease, no server, no
 * write), and `apply` writes through the same clients.
 */
export class LiveWorld {
  readonly rest: KubeRest;
  readonly metalClient: MetalClient;
  readonly #options: LiveOptions;

  constructor(options: LiveOptions) {
    this.#options = options;
    this.rest = new KubeRest(
      loadKubeConfig({
        ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
        env: process.env,
      }),
    );
    const { settings } = options;
    this.metalClient = new MetalClient(
      new MetalTransport({
        baseURL: settings.baseURL,
        token: settings.apiKey,
        timeoutMs: settings.metalRequestTimeoutMs,
        log: options.logger,
        onCall: (call) => options.progress?.metalCall(call.operation),
      }),
    );
  }

  /** Both worlds once; with `probes`, one round of control-plane probes as well. */
  async observe(probes: boolean): Promise<LiveObservation> {
    const { settings } = this.#options;
    const kubernetes = await kubernetesOnce(this.rest, this.#options);
    // A large cluster's Metal lists and plan run optimized (v8-flags.ts), as in the daemon.
    fitCompilersTo(kubernetes);
    const metal = await this.#metal(kubernetes);
    // The host's metadata only when a Service needs a location none is configured for.
    const location = await new LocationSource(settings, (url) =>
      readHostMetadata(url, 2000),
    ).current(locationNeeded(kubernetes, settings));
    const notes: Problem[] = [];
    const snapshotWith = (results: readonly ProbeResult[]): Promise<Snapshot> =>
      observe({
        time: new Date().toISOString(),
        source: `live (${this.rest.server} and the Metal API at ${settings.baseURL})`,
        settings,
        kubernetes: { state: kubernetes, problems: notes },
        metal: () => Promise.resolve(metal),
        location,
        probes: results,
      });
    const controlPlane = settings.eipTag !== '';
    if (controlPlane && !probes)
      notes.push({
        subject: 'control-plane health',
        message: 'not probed (--no-probes): health unknown, an unassigned Elastic IP is not placed',
      });
    const unprobed = await snapshotWith([]);
    const snapshot =
      controlPlane && probes ? await snapshotWith(await probeOnce(unprobed, settings)) : unprobed;
    return { snapshot, kubernetes, metal, location };
  }

  /** The failures the CCM recorded as Events; a warning for the plan when they cannot be read. */
  async failures(): Promise<{ failures: RecordedFailure[] } | { warning: Warning }> {
    try {
      return { failures: await recordedFailures(this.rest) };
    } catch (error) {
      const message = `not read (${error instanceof Error ? error.message : String(error)}): the plan cannot say which of its changes the CCM already tried and failed`;
      return { warning: { area: 'observation', subject: "the CCM's Warning Events", message } };
    }
  }

  async #metal(state: KubernetesState): Promise<MetalObservation> {
    const { settings } = this.#options;
    const observer = new MetalObserver(this.metalClient, settings.projectID, {
      deadlineMs: settings.metalObservationTimeoutMs,
    });
    try {
      return await observer.observe(metalNeeds(state, settings));
    } catch (error) {
      throw new Error(describeStartupFailure(error), { cause: error });
    }
  }
}
