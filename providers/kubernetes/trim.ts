import type { KubeObjectLike } from './rest.ts';

/** The annotation `kubectl apply` keeps: a second copy of the whole object, read by no planner. */
const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * What no planner reads of a Node's status (its addresses and conditions are read): the images
 * alone can be tens of kilobytes per Node.
 */
const unreadNodeStatus = new Set([
  'images',
  'volumesInUse',
  'volumesAttached',
  'nodeInfo',
  'capacity',
  'allocatable',
  'daemonEndpoints',
  'config',
  'features',
  'runtimeHandlers',
]);

interface Trimmable extends KubeObjectLike {
  metadata?: KubeObjectLike['metadata'] & {
    managedFields?: unknown;
    annotations?: Record<string, string>;
  };
  status?: Record<string, unknown>;
}

/**
 * An object as a cache keeps it: without the parts no planner reads (managed fields, kubectl's
 * last-applied copy, a Node's unread status). Only leaves go: a map the CCM may write into (the
 * annotations, the status) stays, even empty, so a JSON Patch computed from the trimmed object adds
 * to it rather than replacing it whole.
 */
export function trimmed<T extends KubeObjectLike>(object: T): T {
  const o = object as Trimmable;
  if (o.metadata !== undefined) {
    const { managedFields: _, ...metadata } = o.metadata;
    if (metadata.annotations !== undefined) {
      const { [lastApplied]: __, ...annotations } = metadata.annotations;
      metadata.annotations = annotations;
    }
    o.metadata = metadata;
  }
  if (o.kind === 'Node' && o.status !== undefined)
    o.status = Object.fromEntries(
      Object.entries(o.status).filter(([field]) => !unreadNodeStatus.has(field)),
    );
  return object;
}
