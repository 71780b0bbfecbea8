import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { KubeRest } from '../../providers/kubernetes/rest.ts';

export const kube = () => inject('kube');

export function restFor(kubeconfig: string): KubeRest {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  return new KubeRest(config);
}

export const admin = () => restFor(kube().adminKubeconfig);
export const asCcm = () => restFor(kube().ccmKubeconfig);

/** Deletes an object whatever holds it (finalizers are stripped first); absent is fine. */
export async function forceDelete(path: string): Promise<void> {
  await admin()
    .request({
      method: 'PATCH',
      path,
      body: { metadata: { finalizers: null } },
      contentType: 'application/merge-patch+json',
    })
    .catch(() => undefined);
  await admin()
    .request({ method: 'DELETE', path })
    .catch(() => undefined);
}

let counter = 0;
/** A name no other test uses (Nodes are cluster-wide and the API server is shared). */
export function unique(prefix: string): string {
  counter++;
  return `${prefix}-${String(process.pid)}-${String(counter)}`;
}

/** Polls until `check` returns a value (not undefined/false), or fails with what it saw last. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not hold within ${String(timeoutMs)} ms (last: ${String(last)})`);
}

export interface RunningDaemon {
  readonly process: ChildProcess;
  readonly healthUrl: string;
  /** Every line the daemon wrote. */
  readonly output: () => string;
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

/** Runs `metal-ccm run` as its own process, as the CCM's identity, until stopped. */
export async function startDaemon(options: {
  baseURL: string;
  config: Record<string, unknown>;
  args?: string[];
}): Promise<RunningDaemon> {
  const dir = await mkdtemp(join(tmpdir(), 'metal-ccm-daemon-'));
  const configPath = join(dir, 'cloud-sa.json');
  await writeFile(configPath, JSON.stringify(options.config));
  const child = spawn(
    process.execPath,
    [
      'engine/main.ts',
      'run',
      '--cloud-provider=equinixmetal',
      `--kubeconfig=${kube().ccmKubeconfig}`,
      `--provider-config=${configPath}`,
      `--base-url=${options.baseURL}`,
      '--health-address=127.0.0.1:0',
      '--sync-period=2s',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '' } },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const healthUrl = await eventually(
    () => {
      if (child.exitCode !== null) throw new Error(`the daemon exited: ${output}`);
      return Promise.resolve(/"health":"(http:[^"]+)"/.exec(output)?.[1]);
    },
    30_000,
    'the daemon to sync its caches',
  );
  return {
    process: child,
    healthUrl,
    output: () => output,
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

/** A metric's value from a /metrics page (the first sample whose labels contain `labels`). */
export async function metric(
  healthUrl: string,
  name: string,
  labels = '',
): Promise<number | undefined> {
  const text = await (await fetch(`${healthUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(name) && l.includes(labels) && !l.startsWith('#'));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}
