import { writeFile } from 'node:fs/promises';
import {
  manifestPath,
  metallbManifestPath,
  renderedManifest,
  renderedMetalLBManifest,
} from './helm.ts';

/** Rewrites deploy/template/{deployment,metallb}.yaml from the chart (`npm run deploy:update`). */
await writeFile(manifestPath, await renderedManifest());
await writeFile(metallbManifestPath, await renderedMetalLBManifest());
process.stdout.write(`wrote ${manifestPath} and ${metallbManifestPath}\n`);
