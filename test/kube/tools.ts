import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const script = join(import.meta.dirname, 'build-binaries.sh');

/** The last line build-binaries.sh printed with `args`, or an error saying what to run. */
function run(args: string[], what: string): string {
  const done = spawnSync(script, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const last = done.stdout.trim().split('\n').at(-1) ?? '';
  if (done.status !== 0 || last === '')
    throw new Error(`${what} failed; run ${[script, ...args].join(' ')} and read its output`);
  return last;
}

/** The folder with kube-apiserver and etcd, built (or found in the cache) by build-binaries.sh. */
export function binaries(): string {
  const found = spawnSync(script, ['--print-dir'], { encoding: 'utf8' });
  if (found.status === 0) return found.stdout.trim();
  process.stderr.write(
    'kube-apiserver and etcd are not built yet: building them (about ten minutes, once)\n',
  );
  return run([], 'building the test binaries');
}

/** The folder with MetalLB's CRDs (versions.env pins them), fetched from the Go module proxy once. */
export function metallbCrds(): string {
  return run(['--crds'], "fetching MetalLB's CRDs");
}
