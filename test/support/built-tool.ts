import { spawnSync } from 'node:child_process';

/**
 * A tool built from source by its build script (once; cached outside the repository): the path
 * the script prints last. A tool that cannot be built fails the test, never skips it.
 */
export function builtTool(script: string, name: string): string {
  const built = spawnSync(script, [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = built.stdout.trim().split('\n').at(-1);
  if (built.status !== 0 || path === undefined || path === '')
    throw new Error(`building ${name} failed; run ${script} and read its output`);
  return path;
}
