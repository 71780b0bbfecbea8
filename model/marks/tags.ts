import { createHash } from 'node:crypto';
import type { ClusterId } from '../ids.ts';
import { mark } from './mark.ts';

/**
 * The tags that make a reservation a Service's Elastic IP, exactly as the upstream Go CCM writes
 * them, so reservations it made are adopted after a migration instead of created again.
 */
export const tagMarks = {
  usage: mark({
    kind: 'tag',
    key: 'usage',
    value: 'cloud-provider-equinix-metal-auto',
    on: 'reservation (Metal)',
    use: 'read and written',
    meaning: 'a Service’s Elastic IP, made by this CCM or the upstream one',
  }),
  service: mark({
    kind: 'tag',
    key: 'service',
    value: '<base64 sha256 of namespace/name>',
    on: 'reservation (Metal)',
    use: 'read and written',
    meaning: 'the Service it belongs to',
  }),
  cluster: mark({
    kind: 'tag',
    key: 'cluster',
    value: '<kube-system UID>',
    on: 'reservation (Metal)',
    use: 'read and written',
    meaning: 'the cluster it belongs to; the CCM never touches another cluster’s',
  }),
  details: mark({
    kind: 'field',
    key: 'details',
    value: 'Equinix Metal Kubernetes CCM auto-generated for Load Balancer',
    on: 'reservation (Metal)',
    use: 'written',
    meaning: 'the description of a reservation the CCM requests, word for word the upstream CCM’s',
  }),
  controlPlane: mark({
    kind: 'tag',
    key: '<eip tag>',
    on: 'reservation (Metal)',
    use: 'read',
    option: 'eipTag',
    meaning: 'the control-plane Elastic IP (exactly one reservation); never a Service’s',
  }),
} as const;

export const usageTag = `${tagMarks.usage.key}=${tagMarks.usage.value}`;

/** Standard base64, with padding, of the SHA-256 of `namespace/name` (44 characters). */
export function serviceHash(namespace: string, name: string): string {
  return createHash('sha256').update(`${namespace}/${name}`).digest('base64');
}

export const serviceTag = (namespace: string, name: string): string =>
  `${tagMarks.service.key}=${serviceHash(namespace, name)}`;
export const clusterTag = (cluster: ClusterId): string => `${tagMarks.cluster.key}=${cluster}`;

export function serviceTags(namespace: string, name: string, cluster: ClusterId): string[] {
  return [usageTag, serviceTag(namespace, name), clusterTag(cluster)];
}

/** Whether the tags say this cluster's CCM made the reservation for some Service. */
export function ownedBy(tags: readonly string[], cluster: ClusterId): boolean {
  return (
    tags.includes(usageTag) &&
    tags.includes(clusterTag(cluster)) &&
    tags.some((t) => t.startsWith(`${tagMarks.service.key}=`))
  );
}
