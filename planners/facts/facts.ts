import type { V1Node } from '@kubernetes/client-node';
import { loadBalancerTraits, type LoadBalancerTraits } from '../../model/load-balancer.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import type { ClusterId } from '../../model/ids.ts';
import type { Project } from '../../model/metal.ts';
import type { Settings } from '../../model/settings.ts';
import {
  controlPlaneEndpoints,
  controlPlaneMembers,
  type ControlPlaneMember,
  type Endpoint,
} from './control-plane-members.ts';
import { deviceFinder, type NodeDevice } from './devices.ts';
import { nodePeers, type NodePeer } from './node-peers.ts';
import { serviceClaims, type ServiceClaims } from './service-claims.ts';
import { lastResult } from '../settled.ts';

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

// Derived again only when what they read changed: a resync of an unchanged cluster reuses them.
const devicesOf = lastResult((devices: Snapshot['metal']['devices'], project?: Project) =>
  deviceFinder({ metal: { devices, ...(project === undefined ? {} : { project }) } }),
);
const claimsOf = lastResult(
  (
    services: Snapshot['kubernetes']['services'],
    reservations: Snapshot['metal']['reservations'],
    settings: Settings,
    cluster: ClusterId,
    annotation: string | undefined,
  ) => serviceClaims({ services, reservations, settings }, cluster, annotation),
);

/** A value computed on first use, then kept. */
function once<T>(compute: () => T): () => T {
  let value: { readonly v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

/** The facts of a snapshot: the same object for the same snapshot (a snapshot is immutable). */
export function factsOf(snapshot: Snapshot): Facts {
  const known = derived.get(snapshot);
  if (known !== undefined) return known;
  const { kubernetes, metal, settings } = snapshot;
  const deviceOf = devicesOf(metal.devices, metal.project);
  const traits = loadBalancerTraits(settings.loadBalancer);
  const cluster = kubernetes.clusterId;
  const peers = once(() => nodePeers(snapshot, deviceOf));
  const claims = once(() =>
    cluster === undefined
      ? undefined
      : claimsOf(
          kubernetes.services,
          metal.reservations,
          settings,
          cluster,
          traits.addressAnnotation,
        ),
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
