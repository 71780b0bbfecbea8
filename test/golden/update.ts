// Rewrites every fixture's golden plans. Run by hand (`npm run golden:update`) and review the diff;
// CI never runs it.
import { writeFile } from 'node:fs/promises';
import { fixtureNames, fixturePlan, goldenPaths, renderBoth } from '../support/fixture-plan.ts';

for (const name of fixtureNames()) {
  const rendered = renderBoth(await fixturePlan(name));
  const paths = goldenPaths(name);
  await writeFile(paths.text, rendered.text);
  await writeFile(paths.json, rendered.json);
  process.stdout.write(`updated ${name}\n`);
}
