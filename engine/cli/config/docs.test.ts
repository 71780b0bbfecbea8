import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { withOptionTable } from './docs.ts';

describe('the README option reference', () => {
  it('matches the option table (run `npm run docs:update` after changing an option)', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(withOptionTable(readme));
  });
});
