import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { builtTool } from '../support/built-tool.ts';

/** Runs promtool (built by build-promtool.sh) in `cwd`: its exit code and everything it printed. */
export function promtool(args: readonly string[], cwd: string): { code: number; output: string } {
  const path = builtTool(join(import.meta.dirname, 'build-promtool.sh'), 'promtool');
  const run = spawnSync(path, args, { cwd, encoding: 'utf8' });
  return { code: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}
