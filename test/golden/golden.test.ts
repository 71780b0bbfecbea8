import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  fixtureNames,
  fixturePlan,
  goldenFormats,
  goldenPath,
  renderGolden,
} from '../support/fixture-plan.ts';

describe('golden plans', () => {
  it('has at least five fixtures', () => {
    expect(fixtureNames().length).toBeGreaterThanOrEqual(5);
  });

  for (const name of fixtureNames()) {
    const formats = goldenFormats(name);
    it(`${name} renders as its golden plan (${formats.join(', ')})`, async () => {
      const plan = await fixturePlan(name);
      // On a difference: review it, then `npm run golden:update`.
      for (const format of formats)
        expect(renderGolden(plan, format)).toBe(await readFile(goldenPath(name, format), 'utf8'));
    });
  }
});
