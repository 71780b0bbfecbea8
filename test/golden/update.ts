// Rewrites every fixture's golden plans. Run by hand (`npm run golden:update`) and review the diff;
// CI never runs it.
import { writeFile } from 'node:fs/promises';
import {
  fixtureNames,
  fixturePlan,
  goldenFormats,
  goldenPath,
  renderGolden,
} from '../support/fixture-plan.ts';

for (const name of fixtureNames()) {
  const plan = await fixturePlan(name);
  for (const format of goldenFormats(name))
    await writeFile(goldenPath(name, format), renderGolden(plan, format));
  process.stdout.write(`updated ${name}\n`);
}
