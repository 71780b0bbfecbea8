import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.ts';

export interface RunningDaemon {
  readonly process: ChildProcess;
  readonly healthUrl: string;
  /** Every line the daemon wrote. */
  readonly output: () => string;
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

interface DaemonOptions {
  kubeconfig: string;
  /** Default 2s: tests want the resync soon. */
  syncPeriod?: string;
  /** The program: the sources by default, or a build's `dist/main.js`. */
  entry?: string;
  baseURL: string;
  config: Record<string, unknown>;
  args?: string[];
  /** NODE_OPTIONS of the daemon (a heap limit); default `$DAEMON_NODE_OPTIONS`. */
  nodeOptions?: string;
  /** More environment of the daemon (e.g. the Deployment's MALLOC_ARENA_MAX). */
  env?: Readonly<Record<string, string>>;
}

/** The command line: the test's flags last, so they win (a flag given twice keeps its last value). */
function daemonArgs(options: DaemonOptions, configPath: string): string[] {
  return [
    options.entry ?? 'engine/main.ts',
    'run',
    '--cloud-provider=equinixmetal',
    `--kubeconfig=${options.kubeconfig}`,
    `--provider-config=${configPath}`,
    `--base-url=${options.baseURL}`,
    '--health-address=127.0.0.1:0',
    // Tests run several daemons on one machine: no HTTPS on the shared port 10258, and no Lease
    // unless a test asks for leader election.
    '--secure-port=0',
    '--leader-elect=false',
    `--sync-period=${options.syncPeriod ?? '2s'}`,
    ...(options.args ?? []),
  ];
}

interface Launched {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts `metal-ccm run` as its own process (Node 24, from the repository), gathering its output. */
async function launch(options: DaemonOptions): Promise<Launched> {
  const dir = await mkdtemp(join(tmpdir(), 'metal-ccm-daemon-'));
  const configPath = join(dir, 'cloud-sa.json');
  await writeFile(configPath, JSON.stringify(options.config));
  // How the benchmarks run the daemon as its Deployment would (e.g. a heap limit).
  const nodeOptions = options.nodeOptions ?? process.env['DAEMON_NODE_OPTIONS'];
  const child = spawn(process.execPath, daemonArgs(options, configPath), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '',
      ...options.env,
      ...(nodeOptions === undefined ? {} : { NODE_OPTIONS: nodeOptions }),
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

/**
 * Runs the daemon until it stops by itself (a failure it cannot run past): its exit code and all
 * it wrote. Killed, and rejected, when it is still running after `timeoutMs`.
 */
export async function daemonUntilExit(
  options: DaemonOptions,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const { child, output, exited } = await launch(options);
  const deadline = { passed: false };
  const timer = setTimeout(() => {
    deadline.passed = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await exited.finally(() => {
    clearTimeout(timer);
  });
  if (deadline.passed)
    throw new Error(`the daemon still ran after ${String(timeoutMs)} ms: ${output()}`);
  return { code, output: output() };
}

/** Runs `metal-ccm run` as its own process until stopped; resolves once its caches synced. */
export async function spawnDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { child, output, exited } = await launch(options);
  const healthUrl = await eventually(
    () => {
      if (child.exitCode !== null) throw new Error(`the daemon exited: ${output()}`);
      // The plain health address, from the line in klog text (health="…") or JSON ("health":"…").
      const url = /"?health"?[=:]"(http:[^"]+)"/.exec(output())?.[1];
      return Promise.resolve(output().includes('caches synced') ? url : undefined);
    },
    30_000,
    'the daemon to sync its caches',
  );
  return {
    process: child,
    healthUrl,
    output,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
