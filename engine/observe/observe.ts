import { Sensitive } from '../../model/sensitive.ts';
import { freeze } from 'immer';
import type { MetalNeeds, MetalObservation } from '../../model/observation.ts';
import type { Settings } from '../../model/settings.ts';
import type { KubernetesState, ProbeResult, Problem, Snapshot } from '../../model/snapshot.ts';
import { loadBalancerTraits } from '../../model/load-balancer.ts';
import { referencedDevices } from '../../model/provider-id.ts';

/** Where each part of a snapshot comes from: caches, a fixture, the Metal API, the prober. */
export interface WorldSources {
  /** When and from where, as the plan's header says it (`live`, `fixture fixtures/example`). */
  readonly time: string;
  readonly source: string;
  readonly settings: Settings;
  readonly kubernetes: { readonly state: KubernetesState; readonly problems?: readonly Problem[] };
  readonly metal: (needs: MetalNeeds) => Promise<MetalObservation>;
  readonly location: { readonly metro?: string; readonly facility?: string };
  readonly probes: readonly ProbeResult[];
}

/** What the Metal side must read for this Kubernetes state and these settings. */
export function metalNeeds(kubernetes: KubernetesState, settings: Settings): MetalNeeds {
  return {
    wantNeighbours: loadBalancerTraits(settings.loadBalancer).bgp,
    referencedDevices: referencedDevices(kubernetes.nodes),
  };
}

/** The settings each configuration was last planned with, and the password read for them. */
const withPassword = new WeakMap<
  Settings,
  { readonly password: string; readonly read: Settings }
>();

/**
 * The settings with the BGP password read now (a file is read again at each observation, so a
 * rotated password reaches the next plan): planners read the snapshot, never a file. The same
 * object while the password is the same, so what planners derived from the settings is kept.
 */
function withSecretsRead(settings: Settings): Settings {
  const { bgpPass } = settings;
  if (bgpPass === undefined) return settings;
  const password = bgpPass.reveal();
  const last = withPassword.get(settings);
  if (last?.password === password) return last.read;
  const read = { ...settings, bgpPass: new Sensitive(password) };
  withPassword.set(settings, { password, read });
  return read;
}

/**
 * Both worlds into one immutable Snapshot: the one way a snapshot is made, by `run`, `plan` and
 * the tests alike. A failed Metal read rejects: nothing is planned from half a world.
 */
export async function observe(sources: WorldSources): Promise<Snapshot> {
  const { kubernetes, settings } = sources;
  const metal = await sources.metal(metalNeeds(kubernetes.state, settings));
  const { metro, facility } = sources.location;
  return freeze(
    {
      time: sources.time,
      source: sources.source,
      settings: withSecretsRead(settings),
      kubernetes: kubernetes.state,
      metal: {
        ...metal.state,
        location: {
          ...(metro === undefined ? {} : { metro }),
          ...(facility === undefined ? {} : { facility }),
        },
      },
      probes: sources.probes,
      problems: [...(kubernetes.problems ?? []), ...metal.problems],
    },
    true,
  );
}
