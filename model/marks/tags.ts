import { createHash } from 'node:crypto';
import type { ClusterId } from '../ids.ts';

/**
 * The tags that make a reservation a Service's Elastic IP, exactly as the upstream Go CCM writes
 * them, so reservations it made are adopted after a migration instead of created again.
 */
export const usageTag = 'usage=cloud-provider-equinix-metal-auto';

/** Standard base64, with padding, of the SHA-256 of `namespace/name` (44 characters). */
export function serviceHash(namespace: string, name: string): string {
  return createHash('sha256').update(`${namespace}/${name}`).digest('base64');
}

export const serviceTag = (namespace: string, name: string): string =>
  `service=${serviceHash(namespace, name)}`;
export const clusterTag = (cluster: ClusterId): string => `cluster=${cluster}`;

export function serviceTags(namespace: string, name: string, cluster: ClusterId): string[] {
  return [usageTag, serviceTag(namespace, name), clusterTag(cluster)];
}

/** Whether the tags say this cluster's CCM made the reservation for some Service. */
export function ownedBy(tags: readonly string[], cluster: ClusterId): boolean {
  return (
    tags.includes(usageTag) &&
    tags.includes(clusterTag(cluster)) &&
    tags.some((t) => t.startsWith('service='))
  );
}
