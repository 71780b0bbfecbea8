import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fixtureNames, fixturePlan, goldenPaths, renderBoth } from '../support/fixture-plan.ts';

describe('golden plans', () => {
  it('has at least five fixtures', () => {
    expect(fixtureNames().length).toBeGreaterThanOrEqual(5);
  });

  for (const name of fixtureNames()) {
    it(`${name} renders as its golden plan (text and JSON)`, async () => {
      const rendered = renderBoth(await fixturePlan(name));
      const paths = goldenPaths(name);
      // On a difference: review it, then `npm run golden:update`.
      expect(rendered.text).toBe(await readFile(paths.text, 'utf8'));
      expect(rendered.json).toBe(await readFile(paths.json, 'utf8'));
    });
  }
});
