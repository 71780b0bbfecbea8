import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface ChartValues {
  readonly heapLimitMB: number;
  readonly semiSpaceMB: number;
  readonly mallocArenaMax: number;
  readonly kubeApi: { readonly qps: number; readonly burst: number };
}

/** How the Deployment runs the daemon: its NODE_OPTIONS and the rest of its environment. */
export interface DaemonRuntime {
  readonly nodeOptions: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * How the Deployment runs the daemon, read from the chart's values (so the benchmarks follow it):
 * V8's heap limits, glibc's malloc arenas and the Kubernetes client's rate limit.
 */
export function deploymentSettings(): DaemonRuntime & { args: string[] } {
  const values = parse(
    readFileSync(join(import.meta.dirname, '../../deploy/chart/values.yaml'), 'utf8'),
  ) as ChartValues;
  return {
    nodeOptions: `--max-old-space-size=${String(values.heapLimitMB)} --max-semi-space-size=${String(values.semiSpaceMB)}`,
    env: { MALLOC_ARENA_MAX: String(values.mallocArenaMax) },
    args: [
      `--kube-api-qps=${String(values.kubeApi.qps)}`,
      `--kube-api-burst=${String(values.kubeApi.burst)}`,
    ],
  };
}

/** The settings as a benchmark's result shows them. */
export function deploymentText(deployment: DaemonRuntime & { args: readonly string[] }) {
  return {
    nodeOptions: deployment.nodeOptions,
    env: Object.entries(deployment.env)
      .map(([name, value]) => `${name}=${value}`)
      .join(' '),
    args: deployment.args.join(' '),
  };
}

/** The peak resident set of a process so far (Linux: VmHWM), in bytes. */
export function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmHWM in /proc/${String(pid)}/status`);
  return Number(kb) * 1024;
}
