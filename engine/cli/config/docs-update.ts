// Rewrites the generated tables of README.md (options, marks, Event reasons) from their definitions (`npm run docs:update`).
import { readFile, writeFile } from 'node:fs/promises';
import { withGeneratedTables } from './docs.ts';

const path = new URL('../../../README.md', import.meta.url);
await writeFile(path, withGeneratedTables(await readFile(path, 'utf8')));
