// Rewrites the option reference in README.md from the option table (`npm run docs:update`).
import { readFile, writeFile } from 'node:fs/promises';
import { withOptionTable } from './docs.ts';

const path = new URL('../../../README.md', import.meta.url);
await writeFile(path, withOptionTable(await readFile(path, 'utf8')));
