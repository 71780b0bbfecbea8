import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/** CPU time the machine spent working, every core, in seconds (idle time left out). */
const busySeconds = (): number =>
  cpus().reduce((sum, { times: t }) => sum + t.user + t.nice + t.sys + t.irq, 0) / 1000;

/** How many of the machine's cores were busy, on average, from now until the function is asked. */
export function coresBusyFromNow(): () => number {
  const at = performance.now();
  const busy = busySeconds();
  return () => (busySeconds() - busy) / ((performance.now() - at) / 1000);
}

/** The machine's cores, for labels. */
export const coreCount = (): number => cpus().length;
