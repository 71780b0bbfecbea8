import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** The built-in modules Node has loaded once the CLI's whole module graph is imported. */
async function builtinsLoaded(): Promise<string[]> {
  const cli = join(import.meta.dirname, 'cli.ts');
  const { stdout } = await run(process.execPath, [
    '--input-type=module',
    '-e',
    `await import(${JSON.stringify(cli)}); console.log(JSON.stringify(process.moduleLoadList));`,
  ]);
  return JSON.parse(stdout) as string[];
}

describe('the module graph of the CLI', () => {
  it("does not load Node's own copy of undici (13 MB resident, never used)", async () => {
    expect(await builtinsLoaded()).not.toContain('NativeModule internal/deps/undici/undici');
  });
});
