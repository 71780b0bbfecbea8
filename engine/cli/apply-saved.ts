import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Plan } from '../../model/plan.ts';
import { kubernetesExecutors } from '../../providers/kubernetes/executor.ts';
import { LeaderElector } from '../../providers/kubernetes/leader.ts';
import { metalExecutor } from '../../providers/metal/executor.ts';
import { apply, type ApplyReport } from '../apply/applier.ts';
import { changesBetween, fingerprintOf } from '../observe/fingerprint.ts';
import type { LiveWorld } from '../observe/live.ts';
import { observeOnce, parseTargets, planOf, type LiveRequest } from './live-plan.ts';
import { planDifferences, type SavedPlan } from './saved-plan.ts';
import { UsageError } from './usage-error.ts';

/** The Lease `apply` holds while it writes, so it cannot race a running CCM. */
export interface Lock {
  readonly namespace: string;
  readonly name: string;
}

/**
 * The saved plan again, from a fresh observation: refused (with what changed) when anything it was
 * computed from moved, or when the plan made now differs from the saved one. The actions applied
 * are those of the fresh plan, which are the saved ones (their secrets come from the
 * configuration, never from the file).
 */
async function confirmed(
  saved: SavedPlan,
  request: LiveRequest,
): Promise<{ plan: Plan; world: LiveWorld }> {
  const { world, observation } = await observeOnce(request, saved.probes);
  const changed = changesBetween(saved.basis, fingerprintOf(observation.snapshot));
  if (changed.length > 0)
    throw new UsageError([
      `the saved plan ${saved.path} is stale: what it was computed from changed since`,
      ...changed.map((c) => `  ${c}`),
      'run `metal-ccm plan --out` again and review the new plan',
    ]);
  const plan = planOf(observation.snapshot, parseTargets(saved.targets));
  const differences = planDifferences(saved, plan);
  if (differences.length > 0)
    throw new UsageError([
      `the saved plan ${saved.path} is not what would be applied now, though the world is the same (another version or configuration of metal-ccm?)`,
      ...differences.map((d) => `  ${d}`),
    ]);
  return { plan, world };
}

/** Takes the Lease, or refuses naming who holds it. */
async function locked(world: LiveWorld, lock: Lock): Promise<LeaderElector> {
  const elector = new LeaderElector(world.rest, {
    ...lock,
    identity: `${hostname()}_apply_${randomUUID()}`,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    // Losing the Lease stops what has not started: the applier asks `isLeader` before each action.
    onStartedLeading: () => undefined,
    onStoppedLeading: () => undefined,
  });
  const { acquired, holder } = await elector.tryAcquire();
  if (!acquired)
    throw new UsageError([
      `the Lease ${lock.namespace}/${lock.name} is held by ${holder}: a CCM is running; stop it, or apply with --lock=false if you are sure`,
    ]);
  elector.start();
  return elector;
}

/** `apply`: exactly the reviewed plan, or a refusal that says why. */
export async function applySaved(
  saved: SavedPlan,
  request: LiveRequest,
  lock: Lock | undefined,
): Promise<{ plan: Plan; report: ApplyReport }> {
  const { plan, world } = await confirmed(saved, request);
  if (plan.actions.length === 0) return { plan, report: { outcomes: [] } };
  const elector = lock === undefined ? undefined : await locked(world, lock);
  try {
    const report = await apply(
      plan,
      {
        ...kubernetesExecutors(world.rest),
        'metal.request': metalExecutor(world.metalClient),
      },
      // Each outcome is printed when all are done; no log line per action.
      { concurrency: 16, shouldContinue: () => elector?.isLeader ?? true },
    );
    return { plan, report };
  } finally {
    await elector?.stop();
  }
}
