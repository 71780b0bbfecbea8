import { writeFile } from 'node:fs/promises';
import type { Plan } from '../../model/plan.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { planAll } from '../../planners/index.ts';
import { LiveWorld, type LiveObservation } from '../observe/live.ts';
import { diff } from '../plan/differ.ts';
import { withRecordedFailures } from '../plan/recorded-failures.ts';
import { parseTarget, targetPlan, type Target } from '../plan/target.ts';
import type { ResolvedConfig } from './config/resolve.ts';
import { configure } from './configure.ts';
import { secretPath, type GlobalArgs } from './flags.ts';
import type { CliIo } from './io.ts';
import type { Logger } from './logging.ts';
import { terminalProgress } from './progress.ts';
import { savedPlanJson, type PlanScope } from './saved-plan.ts';
import { UsageError } from './usage-error.ts';

/** The `--target` values, parsed; every bad one is reported. */
export function parseTargets(texts: readonly string[]): Target[] {
  const parsed = texts.map(parseTarget);
  const errors = parsed.flatMap((t) => ('error' in t ? [t.error] : []));
  if (errors.length > 0) throw new UsageError(errors);
  return parsed.filter((t): t is Target => !('error' in t));
}

/** Every planner and the differ over one snapshot, limited to the targets. */
export function planOf(snapshot: Snapshot, targets: readonly Target[]): Plan {
  return targetPlan(diff(snapshot, planAll(snapshot)), targets);
}

export interface LiveRequest {
  readonly config: ResolvedConfig;
  readonly kubeconfig?: string;
  readonly logger: Logger;
  readonly io: CliIo;
}

/** What a command that reads the live world needs: its configuration, as `run` resolves it. */
export async function liveRequest(
  args: GlobalArgs,
  io: CliIo,
  logger: Logger,
): Promise<LiveRequest> {
  return {
    config: await configure(args, io.env, secretPath(args), logger),
    ...(args.kubeconfig === undefined ? {} : { kubeconfig: args.kubeconfig }),
    logger,
    io,
  };
}

/** Connects to both worlds and observes them once, with progress on a terminal. */
export async function observeOnce(
  request: LiveRequest,
  probes: boolean,
): Promise<{ world: LiveWorld; observation: LiveObservation }> {
  const progress = terminalProgress(request.io.stderr);
  const world = new LiveWorld({
    settings: request.config.settings,
    ...(request.kubeconfig === undefined ? {} : { kubeconfig: request.kubeconfig }),
    logger: request.logger,
    ...(progress === undefined ? {} : { progress }),
  });
  try {
    return { world, observation: await world.observe(probes) };
  } finally {
    progress?.done();
  }
}

/** The plan with what the CCM's Warning Events say of its actions (none to ask about: no read). */
async function withFailuresOf(world: LiveWorld, plan: Plan): Promise<Plan> {
  if (plan.actions.length === 0) return plan;
  const recorded = await world.failures();
  return 'warning' in recorded
    ? { ...plan, warnings: [...plan.warnings, recorded.warning] }
    : withRecordedFailures(plan, recorded.failures);
}

/** `plan` of the live world: read-only; with `out`, the plan is saved for `apply`. */
export async function planLive(
  request: LiveRequest,
  scope: PlanScope,
  out: string | undefined,
): Promise<Plan> {
  const { world, observation } = await observeOnce(request, scope.probes);
  const planned = planOf(observation.snapshot, parseTargets(scope.targets));
  const plan = await withFailuresOf(world, planned);
  if (out !== undefined)
    await writeFile(out, savedPlanJson(plan, observation.snapshot, scope, new Date()));
  return plan;
}
