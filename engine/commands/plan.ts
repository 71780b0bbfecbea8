import type { Logger } from 'pino';
import { planAll } from '../../planners/index.ts';
import type { Plan } from '../../planners/domain/plan.ts';
import type { Snapshot } from '../../planners/domain/snapshot.ts';
import { loadFixture } from '../../providers/fixture/load.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import { diff } from '../differ.ts';
import { renderJson } from '../render/json.ts';
import { renderText } from '../render/text.ts';
import { takeSnapshot } from '../snapshot.ts';

export type OutputFormat = 'text' | 'json';

export interface PlanRequest {
  readonly fixtureDir: string;
  /** Resolves the configuration once the fixture says where its config Secret is. */
  readonly configure: (fixtureConfigPath: string) => Promise<ResolvedConfig>;
  readonly logger: Logger;
}

/** Observes a fixture, runs every planner and the differ: the plan of that world. */
export async function planFixture(
  request: PlanRequest,
): Promise<{ snapshot: Snapshot; plan: Plan }> {
  const fixture = await loadFixture(request.fixtureDir);
  const config = await request.configure(fixture.configPath);
  const { settings } = config;
  const snapshot = takeSnapshot({
    time: fixture.time,
    source: `fixture ${fixture.dir}`,
    settings,
    kubernetes: fixture.kubernetes,
    metal: {
      ...fixture.metal,
      location: {
        ...(settings.metro === undefined ? {} : { metro: settings.metro }),
        ...(settings.facility === undefined ? {} : { facility: settings.facility }),
      },
    },
    probes: [],
    problems: fixture.problems,
  });
  request.logger.debug(
    {
      nodes: snapshot.kubernetes.nodes.length,
      services: snapshot.kubernetes.services.length,
      devices: snapshot.metal.devices.length,
      reservations: snapshot.metal.reservations.length,
      problems: snapshot.problems.length,
    },
    'observed fixture',
  );
  const plan = diff(snapshot, planAll(snapshot));
  request.logger.debug({ actions: plan.actions.length, warnings: plan.warnings.length }, 'planned');
  request.logger.trace({ plan }, 'plan');
  return { snapshot, plan };
}

export function renderPlan(plan: Plan, format: OutputFormat, now: Date): string {
  return format === 'json' ? renderJson(plan, now) : renderText(plan, now);
}
