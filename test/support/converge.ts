import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apply } from '../../engine/apply/applier.ts';
import { diff } from '../../engine/plan/differ.ts';
import { observe } from '../../engine/observe/observe.ts';
import { planAll } from '../../planners/index.ts';
import type {
  KubernetesObject,
  V1EndpointSlice,
  V1Node,
  V1Service,
} from '../../model/kubernetes.ts';
import type { Plan } from '../../model/plan.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { selectMetalLB } from '../../providers/fixture/kubernetes.ts';
import { metalWorldSchema } from '../../providers/fixture/metal.ts';
import { MetalClient } from '../../providers/metal/client.ts';
import { metalExecutor } from '../../providers/metal/executor.ts';
import { MetalObserver } from '../../providers/metal/observe.ts';
import { MetalTransport } from '../../providers/metal/transport.ts';
import { startEmulator } from '../../emulator/emulator.ts';
import { fixtureRun, fixturesDir } from './fixture-plan.ts';
import { MemoryWorld } from './memory-world.ts';

/** What converging a fixture took: the plans made (the last one empty, if it converged). */
export interface Convergence {
  readonly plans: readonly Plan[];
  /** Outcomes that were not `applied`, as text. */
  readonly failures: readonly string[];
  readonly violations: readonly unknown[];
  /** The Kubernetes objects as the last round left them. */
  readonly objects: readonly KubernetesObject[];
}

/** The fixture's snapshot with the Kubernetes side as `objects` are, and Metal observed anew. */
function observeRound(
  snapshot: Snapshot,
  objects: readonly KubernetesObject[],
  observer: MetalObserver,
): Promise<Snapshot> {
  const metallb = snapshot.kubernetes.metallb;
  return observe({
    ...snapshot,
    kubernetes: {
      state: {
        ...snapshot.kubernetes,
        nodes: objects.filter((o): o is V1Node => o.kind === 'Node'),
        services: objects.filter((o): o is V1Service => o.kind === 'Service'),
        mirrorEndpointSlices: objects.filter(
          (o): o is V1EndpointSlice => o.kind === 'EndpointSlice',
        ),
        metallb: selectMetalLB(
          objects,
          snapshot.settings.loadBalancer,
          metallb?.crdsMissing !== true,
        ),
      },
    },
    metal: (needs) => observer.observe(needs),
    location: snapshot.metal.location,
  });
}

/**
 * Applies a fixture's plan — Kubernetes in memory, Metal in the emulator seeded from the fixture —
 * then observes and plans again, at most `rounds` times or until a plan is empty.
 */
export async function converge(name: string, rounds = 4): Promise<Convergence> {
  const { snapshot } = await fixtureRun(name);
  const world = metalWorldSchema.parse(
    JSON.parse(await readFile(join(fixturesDir, name, 'metal.json'), 'utf8')),
  );
  const emulator = await startEmulator({ world, token: snapshot.settings.apiKey.reveal() });
  try {
    const client = new MetalClient(
      new MetalTransport({ baseURL: emulator.url, token: snapshot.settings.apiKey }),
    );
    const observer = new MetalObserver(client, snapshot.settings.projectID);
    const metallb = snapshot.kubernetes.metallb;
    const cluster = new MemoryWorld([
      ...snapshot.kubernetes.nodes,
      ...snapshot.kubernetes.services,
      ...snapshot.kubernetes.mirrorEndpointSlices,
      ...(metallb?.configMap === undefined ? [] : [metallb.configMap]),
      ...(metallb?.passwordSecrets ?? []),
      ...(metallb?.bgpPeers ?? []),
      ...(metallb?.ipAddressPools ?? []),
      ...(metallb?.bgpAdvertisements ?? []),
    ]);
    const executors = { ...cluster.executors, 'metal.request': metalExecutor(client) };
    const plans: Plan[] = [];
    const failures: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const next = await observeRound(snapshot, [...cluster.objects.values()], observer);
      const plan = diff(next, planAll(next));
      plans.push(plan);
      if (plan.actions.length === 0) break;
      const report = await apply(plan, executors, { concurrency: 4 });
      failures.push(
        ...report.outcomes.filter((o) => o.status !== 'applied').map((o) => `${o.id}: ${o.status}`),
      );
    }
    return {
      plans,
      failures,
      violations: [...emulator.violations],
      objects: [...cluster.objects.values()],
    };
  } finally {
    await emulator.close();
  }
}
