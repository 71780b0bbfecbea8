import { describe, expect, it } from 'vitest';
import { converge } from './support/converge.ts';
import { fixtureNames } from './support/fixture-plan.ts';

// Apply each fixture's plan — Kubernetes in memory, Metal in the emulator seeded from the fixture —
// then observe and plan again, until nothing is left: the plans are complete, their actions do what
// the planners meant, and a converged world plans nothing.
describe('plan, apply, plan again', () => {
  for (const name of fixtureNames()) {
    it(`${name} converges within three rounds`, async () => {
      const { plans, failures, violations } = await converge(name);
      expect(failures).toEqual([]);
      expect(plans.length - 1).toBeLessThanOrEqual(3);
      expect(plans.at(-1)?.actions).toEqual([]);
      expect(violations).toEqual([]);
    });
  }
});
