import type { Sensitive } from '../../model/sensitive.ts';
import { Redactor, writeFixture } from '../../providers/fixture/export.ts';
import type { LiveObservation } from '../observe/live.ts';
import { asSecretFields } from './config/resolve.ts';
import { observeOnce, type LiveRequest } from './live-plan.ts';

/** Every secret the observation holds, so each is replaced wherever it appears. */
function secretsOf(request: LiveRequest, observation: LiveObservation): (Sensitive | undefined)[] {
  const { settings } = request.config;
  const { state } = observation.metal;
  return [
    settings.bgpPass,
    state.bgpConfig?.md5,
    ...state.devices.flatMap((d) => (d.bgpNeighbors ?? []).map((n) => n.md5Password)),
  ];
}

/**
 * The config Secret of the fixture: the options as they were given, and the location when it came
 * from the host's metadata (a fixture is read elsewhere).
 */
function configOf(request: LiveRequest, observation: LiveObservation, redactor: Redactor) {
  const fields = asSecretFields(request.config.sources, (s) => redactor.placeholder(s));
  const { location } = observation;
  if (location.from !== 'metadata') return fields;
  return {
    ...fields,
    ...(location.metro === undefined ? {} : { metro: location.metro }),
    ...(location.facility === undefined ? {} : { facility: location.facility }),
  };
}

/**
 * `export <dir>`: the live cluster and project, observed once, as a fixture folder (for bug
 * reports, golden tests, and `plan --fixture` with other settings). Secrets are replaced by
 * placeholders; ids and tags are kept.
 */
export async function exportLive(
  request: LiveRequest,
  dir: string,
  probes: boolean,
): Promise<LiveObservation> {
  const { world, observation } = await observeOnce(request, probes);
  const redactor = new Redactor(request.config.settings.apiKey).know(
    secretsOf(request, observation),
  );
  const { snapshot } = observation;
  await writeFixture(
    dir,
    {
      description: `Exported from ${world.rest.server} and the Metal project ${request.config.settings.projectID} by metal-ccm export`,
      time: snapshot.time,
      metallbCrds: snapshot.kubernetes.metallb?.crdsMissing !== true,
      probes: snapshot.probes,
      kubernetes: observation.kubernetes,
      metal: observation.metal,
      config: configOf(request, observation, redactor),
    },
    redactor,
  );
  return observation;
}
