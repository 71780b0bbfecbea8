import type { Logger } from 'pino';
import { planAll } from '../../planners/index.ts';
import type { Plan } from '../../model/plan.ts';
import type { KubernetesState, Snapshot } from '../../model/snapshot.ts';
import { selectMetalLB } from '../../providers/fixture/kubernetes.ts';
import { loadFixture, type Fixture } from '../../providers/fixture/load.ts';
import { MetalClient } from '../../providers/metal/client.ts';
import { describeStartupFailure } from '../../providers/metal/errors.ts';
import { MetalObserver } from '../../providers/metal/observe.ts';
import { MetalTransport } from '../../providers/metal/transport.ts';
import type { Settings } from '../../model/settings.ts';
import type { ResolvedConfig } from './config/resolve.ts';
import { diff } from '../plan/differ.ts';
import { fitCompilersTo } from '../v8-flags.ts';
import { observe, type WorldSources } from '../observe/observe.ts';

/** Where the Metal side is observed from: the fixture's `metal.json`, or the Metal API. */
export type MetalSource = 'fixture' | 'api';

export interface PlanRequest {
  readonly fixtureDir: string;
  /** Resolves the configuration once the fixture says where its config Secret is. */
  readonly configure: (fixtureConfigPath: string) => Promise<ResolvedConfig>;
  readonly logger: Logger;
  readonly metal?: MetalSource;
}

/** The Metal side read through the Metal API (`--metal api`), as the daemon reads it. */
function metalApi(settings: Settings, logger: Logger): WorldSources['metal'] {
  const transport = new MetalTransport({
    baseURL: settings.baseURL,
    token: settings.apiKey,
    timeoutMs: settings.metalRequestTimeoutMs,
    log: logger,
  });
  const observer = new MetalObserver(new MetalClient(transport), settings.projectID, {
    deadlineMs: settings.metalObservationTimeoutMs,
  });
  return async (needs) => {
    try {
      return await observer.observe(needs);
    } catch (error) {
      throw new Error(describeStartupFailure(error), { cause: error });
    }
  };
}

function withMetalLB(fixture: Fixture, settings: Settings): KubernetesState {
  const metallb = selectMetalLB(
    fixture.kubernetes.metallbObjects,
    settings.loadBalancer,
    fixture.metallbCrds,
  );
  return metallb === undefined
    ? fixture.kubernetes.state
    : { ...fixture.kubernetes.state, metallb };
}

/** Observes a fixture (and the Metal API, if asked), runs every planner and the differ. */
export async function planFixture(
  request: PlanRequest,
): Promise<{ snapshot: Snapshot; plan: Plan }> {
  const fixture = await loadFixture(request.fixtureDir);
  const { settings } = await request.configure(fixture.configPath);
  const fromApi = request.metal === 'api';
  const snapshot = await observe({
    time: fixture.time,
    source: fromApi
      ? `fixture ${fixture.dir} and the Metal API at ${settings.baseURL}`
      : `fixture ${fixture.dir}`,
    settings,
    kubernetes: { state: withMetalLB(fixture, settings), problems: fixture.kubernetes.problems },
    metal: fromApi ? metalApi(settings, request.logger) : () => Promise.resolve(fixture.metal),
    // Only the configuration: a plan never asks the host's metadata service.
    location: settings,
    probes: fixture.probes,
  });
  request.logger.debug(
    {
      nodes: snapshot.kubernetes.nodes.length,
      services: snapshot.kubernetes.services.length,
      devices: snapshot.metal.devices.length,
      reservations: snapshot.metal.reservations.length,
      problems: snapshot.problems.length,
    },
    'observed',
  );
  fitCompilersTo(snapshot.kubernetes);
  const plan = diff(snapshot, planAll(snapshot));
  request.logger.debug({ actions: plan.actions.length, warnings: plan.warnings.length }, 'planned');
  return { snapshot, plan };
}
