import type { ClusterId } from '../../model/ids.ts';
import { clusterTag, ownedBy, tagMarks, usageTag } from '../../model/marks/tags.ts';
import type { Reservation } from '../../model/metal.ts';

/** Whose a reservation is, by its tags: what decides whether a Service may have it. */
export type ReservationKind =
  /** The control-plane Elastic IP (the EIP tag): never a Service's. */
  | { readonly kind: 'control-plane' }
  /** This cluster's, made for the Service whose `service=` tag it carries: that Service's only. */
  | { readonly kind: 'service'; readonly tag: string }
  /** Tagged by a CCM, but not for a Service of this cluster: never adopted. */
  | { readonly kind: 'foreign'; readonly why: string }
  /** None of the CCM's tags (the user's own are fine): bring-your-own, chosen by address. */
  | { readonly kind: 'byo' };

const servicePrefix = `${tagMarks.service.key}=`;
const clusterPrefix = `${tagMarks.cluster.key}=`;

/** The tags a CCM writes: its `usage` tag, any `service=` and any `cluster=`. */
export const ccmTags = (r: Reservation): string[] =>
  r.tags.filter(
    (t) => t === usageTag || t.startsWith(servicePrefix) || t.startsWith(clusterPrefix),
  );

export function kindOf(r: Reservation, cluster: ClusterId, eipTag: string): ReservationKind {
  if (eipTag !== '' && r.tags.includes(eipTag)) return { kind: 'control-plane' };
  const tags = ccmTags(r);
  if (tags.length === 0) return { kind: 'byo' };
  const tag = tags.find((t) => t.startsWith(servicePrefix));
  if (ownedBy(tags, cluster) && tag !== undefined) return { kind: 'service', tag };
  const other = tags.find((t) => t.startsWith(clusterPrefix) && t !== clusterTag(cluster));
  return {
    kind: 'foreign',
    why:
      other === undefined
        ? `it carries the CCM's tags (${tags.join(', ')}) but is not an Elastic IP of a Service of this cluster`
        : `it is tagged for another cluster (${other})`,
  };
}
