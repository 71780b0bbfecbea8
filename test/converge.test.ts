import { describe, expect, it } from 'vitest';
import { apply } from '../engine/applier.ts';
import { diff } from '../engine/differ.ts';
import { takeSnapshot } from '../engine/snapshot.ts';
import { planAll } from '../planners/index.ts';
import type { V1Node } from '../planners/domain/kubernetes.ts';
import { fixtureNames, fixtureRun } from './fixture-plan.ts';
import { MemoryWorld } from './memory-world.ts';

// Applying a fixture's plan and planning again must find nothing left to do: the plan is
// complete and its actions are what the planners meant.
describe('plan, apply, plan again', () => {
  for (const name of fixtureNames()) {
    it(`${name} converges in one apply`, async () => {
      const { snapshot, plan } = await fixtureRun(name);
      const world = new MemoryWorld(snapshot.kubernetes.nodes);
      const report = await apply(plan, world.executors, { concurrency: 4, dryRun: false });
      expect(report.outcomes.filter((o) => o.status !== 'applied')).toEqual([]);

      const nodes = [...world.objects.values()].filter((o): o is V1Node => o.kind === 'Node');
      const next = takeSnapshot({ ...snapshot, kubernetes: { ...snapshot.kubernetes, nodes } });
      expect(diff(next, planAll(next)).actions).toEqual([]);
    });
  }
});
