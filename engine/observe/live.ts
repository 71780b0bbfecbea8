import type { MetalObservation } from '../../model/observation.ts';
import type { Settings } from '../../model/settings.ts';
import type { KubernetesState, ProbeResult, Problem, Snapshot } from '../../model/snapshot.ts';
import { probeTargets } from '../../planners/control-plane/control-plane.ts';
import { ControlPlaneProber } from '../../providers/control-plane/prober.ts';
import { loadKubeConfig } from '../../providers/kubernetes/kubeconfig.ts';
import { KubernetesObserver } from '../../providers/kubernetes/observe.ts';
import { KubeRest } from '../../providers/kubernetes/rest.ts';
import { MetalClient } from '../../providers/metal/client.ts';
import { describeStartupFailure } from '../../providers/metal/errors.ts';
import { readHostMetadata } from '../../providers/metal/metadata.ts';
import { MetalObserver } from '../../providers/metal/observe.ts';
import { MetalTransport } from '../../providers/metal/transport.ts';
import type { Logger } from '../cli/logging.ts';
import { resolveLocation } from './location.ts';
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
  /** Run one round of control-plane probes (the daemon's first loop sees no more). */
  readonly probes: boolean;
  readonly progress?: ObservationProgress;
}

/**
 * The Kubernetes side read once through the daemon's own caches (list, then stop watching): the
 * same objects, filtered and sorted the same way, so a live plan sees what the daemon sees.
 */
async function kubernetesOnce(rest: KubeRest, options: LiveOptions): Promise<KubernetesState> {
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
    await observer.whenSynced();
    return observer.state();
  } finally {
    await observer.stop();
  }
}

function metalOnce(
  settings: Settings,
  options: LiveOptions,
): (state: KubernetesState) => Promise<MetalObservation> {
  const transport = new MetalTransport({
    baseURL: settings.baseURL,
    token: settings.apiKey,
    log: options.logger,
    onCall: (call) => options.progress?.metalCall(call.operation),
  });
  const observer = new MetalObserver(new MetalClient(transport), settings.projectID);
  return async (state) => {
    try {
      return await observer.observe(metalNeeds(state, settings));
    } catch (error) {
      throw new Error(describeStartupFailure(error), { cause: error });
    }
  };
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

/**
 * The live world, observed once and read-only: the cluster (kubeconfig or in-cluster), the Metal
 * project, where the cluster lives, and (when asked) one round of control-plane probes. No Lease,
 * no server, no write.
 */
export async function observeLive(options: LiveOptions): Promise<Snapshot> {
  const { settings } = options;
  const rest = new KubeRest(loadKubeConfig(options.kubeconfig));
  const state = await kubernetesOnce(rest, options);
  const metal = await metalOnce(settings, options)(state);
  const location = await resolveLocation(settings, (url) => readHostMetadata(url));
  const notes: Problem[] = [];
  const snapshotWith = (probes: readonly ProbeResult[]): Promise<Snapshot> =>
    observe({
      time: new Date().toISOString(),
      source: `live (${rest.server} and the Metal API at ${settings.baseURL})`,
      settings,
      kubernetes: { state, problems: notes },
      metal: () => Promise.resolve(metal),
      location,
      probes,
    });
  const unprobed = await snapshotWith([]);
  if (settings.eipTag === '') return unprobed;
  if (!options.probes) {
    notes.push({
      subject: 'control-plane health',
      message: 'not probed (--no-probes): health unknown, an unassigned Elastic IP is not placed',
    });
    return snapshotWith([]);
  }
  return snapshotWith(await probeOnce(unprobed, settings));
}
