import type { ClusterId } from '../../model/ids.ts';
import { clusterTag, tagMarks, usageTag } from '../../model/marks/tags.ts';
import type { Reservation } from '../../model/metal.ts';
import { Remembered } from '../settled.ts';

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

const byo: ReservationKind = { kind: 'byo' };
const controlPlane: ReservationKind = { kind: 'control-plane' };

const kinds = new Remembered<Reservation, ReservationKind>();

/** Whose a reservation is: read once per reservation object (every loop asks of every one). */
export function kindOf(r: Reservation, cluster: ClusterId, eipTag: string): ReservationKind {
  const from = [cluster, eipTag];
  let kind = kinds.get(r, from);
  if (kind === undefined) kinds.set(r, from, (kind = readKind(r, cluster, eipTag)));
  return kind;
}

/** Whose a reservation is: one pass over its tags. */
function readKind(r: Reservation, cluster: ClusterId, eipTag: string): ReservationKind {
  const mine = clusterTag(cluster);
  let ccm = false;
  let usage = false;
  let ours = false;
  let service: string | undefined;
  let other: string | undefined;
  for (const t of r.tags) {
    if (eipTag !== '' && t === eipTag) return controlPlane;
    if (t === usageTag) usage = ccm = true;
    else if (t.startsWith(servicePrefix)) {
      ccm = true;
      service ??= t;
    } else if (t.startsWith(clusterPrefix)) {
      ccm = true;
      if (t === mine) ours = true;
      else other ??= t;
    }
  }
  if (!ccm) return byo;
  if (usage && ours && service !== undefined) return { kind: 'service', tag: service };
  return {
    kind: 'foreign',
    why:
      other === undefined
        ? `it carries the CCM's tags (${ccmTags(r).join(', ')}) but is not an Elastic IP of a Service of this cluster`
        : `it is tagged for another cluster (${other})`,
  };
}
