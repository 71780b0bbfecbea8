import { inject } from 'vitest';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { forceDeleteWith, restFor } from './kube-rest.ts';
import { spawnDaemon, type RunningDaemon } from './daemon-process.ts';
import { eventually } from './eventually.ts';

export { eventually, restFor, type RunningDaemon };

export const kube = () => inject('kube');

export const admin = () => restFor(kube().adminKubeconfig);
export const asCcm = () => restFor(kube().ccmKubeconfig);

/** Deletes an object whatever holds it (finalizers are stripped first); absent is fine. */
export const forceDelete = (path: string): Promise<void> => forceDeleteWith(admin(), path);

/** Runs `metal-ccm run` as its own process, as the CCM's identity, until stopped. */
export function startDaemon(options: {
  baseURL: string;
  config: Record<string, unknown>;
  args?: string[];
}): Promise<RunningDaemon> {
  return spawnDaemon({ ...options, kubeconfig: kube().ccmKubeconfig });
}

/** Deletes Nodes a test made; absent ones are fine. */
export async function deleteNodes(names: readonly string[]): Promise<void> {
  for (const name of names)
    await admin()
      .request({ method: 'DELETE', path: resourcePath(resources.Node, { name }) })
      .catch(() => undefined);
}

/**
 * Deletes every Node of the shared API server, for a test whose subject is the whole cluster
 * (integration files run one at a time, and some leave Nodes behind on purpose or by failing).
 */
export async function deleteEveryNode(): Promise<void> {
  const list = await admin().request<{ items: { metadata: { name: string } }[] }>({
    method: 'GET',
    path: resourcePath(resources.Node),
  });
  for (const node of list.items)
    await forceDelete(resourcePath(resources.Node, { name: node.metadata.name }));
}

let counter = 0;
/** A name no other test uses (Nodes are cluster-wide and the API server is shared). */
export function unique(prefix: string): string {
  counter++;
  return `${prefix}-${String(process.pid)}-${String(counter)}`;
}

/**
 * A metric's value from a /metrics page: the sum of the samples of exactly `name` (not its
 * `_bucket`s) whose labels contain `labels`, as PromQL's sum() would; undefined when there are none.
 */
export async function metric(
  healthUrl: string,
  name: string,
  labels = '',
): Promise<number | undefined> {
  const text = await (await fetch(`${healthUrl}/metrics`)).text();
  const samples = text
    .split('\n')
    .filter((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(labels))
    .map((l) => Number(l.split(' ').at(-1)));
  return samples.length === 0 ? undefined : samples.reduce((a, b) => a + b, 0);
}
