import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { withGeneratedTables } from './docs.ts';

describe('the README’s generated tables', () => {
  it('match the options, marks and Event reasons (run `npm run docs:update` after changing one)', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(withGeneratedTables(readme));
  });
});
