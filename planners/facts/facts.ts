import type { V1Node } from '@kubernetes/client-node';
import { loadBalancerTraits, type LoadBalancerTraits } from '../../model/load-balancer.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import {
  controlPlaneEndpoints,
  controlPlaneMembers,
  type ControlPlaneMember,
  type Endpoint,
} from './control-plane-members.ts';
import { deviceFinder, type NodeDevice } from './devices.ts';
import { nodePeers, type NodePeer } from './node-peers.ts';
import { serviceClaims, type ServiceClaims } from './service-claims.ts';

/**
 * What more than one planner needs, derived once per snapshot (each part when first asked for), so
 * that no planner imports another and no fact is decided twice.
 */
export interface Facts {
  readonly loadBalancer: LoadBalancerTraits;
  /** A Node's device. */
  readonly deviceOf: (node: V1Node) => NodeDevice;
  /** The BGP peerings of the selected nodes. */
  readonly nodePeers: readonly NodePeer[];
  /** Which reservation is each Service's; undefined while the cluster's identity is unknown. */
  readonly serviceClaims: ServiceClaims | undefined;
  /** The ready IPv4 endpoints of `default/kubernetes`. */
  readonly controlPlaneEndpoints: readonly Endpoint[];
  readonly controlPlaneMembers: readonly ControlPlaneMember[];
}

const derived = new WeakMap<Snapshot, Facts>();

/** A value computed on first use, then kept. */
function once<T>(compute: () => T): () => T {
  let value: { readonly v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

/** The facts of a snapshot: the same object for the same snapshot (a snapshot is immutable). */
export function factsOf(snapshot: Snapshot): Facts {
  const known = derived.get(snapshot);
  if (known !== undefined) return known;
  const deviceOf = deviceFinder(snapshot);
  const traits = loadBalancerTraits(snapshot.settings.loadBalancer);
  const cluster = snapshot.kubernetes.clusterId;
  const peers = once(() => nodePeers(snapshot, deviceOf));
  const claims = once(() =>
    cluster === undefined ? undefined : serviceClaims(snapshot, cluster, traits.addressAnnotation),
  );
  const endpoints = once(() => controlPlaneEndpoints(snapshot));
  const members = once(() => controlPlaneMembers(snapshot, endpoints(), deviceOf));
  const facts: Facts = {
    loadBalancer: traits,
    deviceOf,
    get nodePeers() {
      return peers();
    },
    get serviceClaims() {
      return claims();
    },
    get controlPlaneEndpoints() {
      return endpoints();
    },
    get controlPlaneMembers() {
      return members();
    },
  };
  derived.set(snapshot, facts);
  return facts;
}
