// `npm run emulator:schema`: regenerates metal-openapi.reduced.json (beside this file) from the
// official Metal API description in ../shared/metal-api/, so that a clone without ../shared still
// checks the emulator against the API's own schemas.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { routes } from '../routes.ts';
import { reduce, type OpenApi } from './reduce.ts';
import { reducedSpecPath } from './reduced.ts';

const repo = join(import.meta.dirname, '..', '..');
const sourceDir = join(repo, '..', 'shared', 'metal-api');
const bundled = join(sourceDir, 'metal-openapi.bundled.json');

if (!existsSync(bundled)) {
  process.stderr.write(
    `emulator:schema: ${bundled} is not there (the official description lives beside the repository as ../shared/metal-api); the committed ${relative(repo, reducedSpecPath)} stays as it is\n`,
  );
  process.exit(1);
}
const text = await readFile(bundled, 'utf8');
const origin = await readFile(join(sourceDir, 'SOURCE.md'), 'utf8');
const commit = /Commit: `([0-9a-f]{40})`/.exec(origin)?.[1];
const repository = /Repository: `([^`]+)`/.exec(origin)?.[1];
const path = /Path in that repo: `([^`]+)`/.exec(origin)?.[1];
if (commit === undefined || repository === undefined || path === undefined)
  throw new Error(
    `${join(sourceDir, 'SOURCE.md')} no longer names the repository, path and commit`,
  );

const spec = JSON.parse(text) as OpenApi;
const reduced = reduce(spec, routes);
const document = {
  'x-provenance': {
    generatedBy: 'npm run emulator:schema (emulator/metal-api/update.ts); do not edit by hand',
    from: 'shared/metal-api/metal-openapi.bundled.json',
    fromSha256: createHash('sha256').update(text).digest('hex'),
    upstream: `${repository} ${path} at commit ${commit}`,
    specVersion: spec.info.version,
    openapi: spec.openapi,
    operations: routes.map((r) => `${r.method} ${r.template} (${r.operation})`),
    dropped: 'descriptions and summaries; paths and components the operations do not reach',
  },
  ...reduced,
};
await writeFile(
  reducedSpecPath,
  await format(JSON.stringify(document), {
    ...(await resolveConfig(reducedSpecPath)),
    filepath: reducedSpecPath,
  }),
);
process.stdout.write(
  `emulator:schema: ${String(routes.length)} operations, ${String(Object.values(reduced.components).reduce((n, c) => n + Object.keys(c).length, 0))} components → ${relative(repo, reducedSpecPath)}\n`,
);
