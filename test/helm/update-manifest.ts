import { writeFile } from 'node:fs/promises';
import { manifestPath, renderedManifest } from './helm.ts';

/** Rewrites deploy/template/deployment.yaml from the chart (`npm run deploy:update`). */
await writeFile(manifestPath, await renderedManifest());
process.stdout.write(`wrote ${manifestPath}\n`);
