import { controlPlaneMarks, mirrorService } from '../../model/marks/control-plane.ts';
import type { LoadBalancer } from '../../model/settings.ts';
import { isUuid, type ClusterId } from '../../model/ids.ts';
import type {
  KubernetesObject,
  V1ConfigMap,
  V1EndpointSlice,
  V1Node,
  V1Service,
} from '../../model/kubernetes.ts';
import type { ObjectRef } from '../../model/kubernetes.ts';
import type { KubernetesState } from '../../model/snapshot.ts';
import type { V1Namespace } from '@kubernetes/client-node';
import { ResilientCache, type CacheEvent, type CacheLog } from './cache.ts';
import { resourcePath, resources, type Resource } from './resources.ts';
import type { KubeRest } from './rest.ts';
import { passwordSecretNames } from '../../model/marks/metallb.ts';
import { loadBalancerTraits } from '../../model/load-balancer.ts';

export interface KubernetesObserverOptions {
  readonly loadBalancer: LoadBalancer;
  /** A control-plane Elastic IP is configured: watch its mirror's EndpointSlices too. */
  readonly controlPlane?: boolean;
  /** Called on every change any cache sees (the daemon's scheduler coalesces them). */
  readonly onChange: () => void;
  readonly onCacheEvent?: (kind: string, event: CacheEvent) => void;
  readonly log?: CacheLog;
  /** For tests: shorter watches and relists. */
  readonly watchTimeoutSeconds?: number;
  readonly relistEveryMs?: number;
}

/** Where a cache looks: a namespace, selectors, and whether its kind may not be installed. */
interface CacheScope {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly optional?: boolean;
}

/**
 * The Kubernetes side of the snapshot, from watch-based caches (never a re-list per loop): Nodes,
 * Services, the EndpointSlices of `default/kubernetes`, MetalLB's ConfigMap or CRs when a MetalLB
 * load balancer is configured, and the kube-system namespace for the cluster's identity.
 */
export class KubernetesObserver {
  readonly #rest: KubeRest;
  readonly #caches: ResilientCache<KubernetesObject>[] = [];
  readonly #options: KubernetesObserverOptions;
  readonly nodes: ResilientCache<V1Node>;
  readonly services: ResilientCache<V1Service>;
  readonly endpointSlices: ResilientCache<V1EndpointSlice>;
  readonly mirrorEndpointSlices: ResilientCache<V1EndpointSlice> | undefined;
  readonly metallbConfigMap: ResilientCache<V1ConfigMap> | undefined;
  readonly metallbObjects:
    | {
        readonly ipAddressPools: ResilientCache<KubernetesObject>;
        readonly bgpAdvertisements: ResilientCache<KubernetesObject>;
        readonly bgpPeers: ResilientCache<KubernetesObject>;
        readonly passwordSecrets: readonly ResilientCache<KubernetesObject>[];
      }
    | undefined;
  #clusterId: ClusterId | undefined;

  constructor(rest: KubeRest, options: KubernetesObserverOptions) {
    this.#rest = rest;
    this.#options = options;
    this.nodes = this.#cache(resources.Node);
    this.services = this.#cache(resources.Service);
    this.endpointSlices = this.#cache(resources.EndpointSlice, {
      namespace: 'default',
      labelSelector: `${controlPlaneMarks.serviceName.key}=kubernetes`,
    });
    this.mirrorEndpointSlices =
      options.controlPlane === true
        ? this.#cache(resources.EndpointSlice, {
            namespace: mirrorService.namespace,
            labelSelector: `${controlPlaneMarks.serviceName.key}=${mirrorService.name}`,
          })
        : undefined;
    const { metallbConfigMap, metallbNamespace } = loadBalancerTraits(options.loadBalancer);
    this.metallbConfigMap =
      metallbConfigMap === undefined
        ? undefined
        : this.#cache(resources.ConfigMap, {
            namespace: metallbConfigMap.namespace,
            fieldSelector: `metadata.name=${metallbConfigMap.name}`,
          });
    this.metallbObjects =
      metallbNamespace === undefined ? undefined : this.#metallbCaches(metallbNamespace);
  }

  /** A cache of one resource in the given scope, told the observer's options and kept to start. */
  #cache<T extends KubernetesObject>(
    resource: Resource,
    scope: CacheScope = {},
  ): ResilientCache<T> {
    const options = this.#options;
    const made = new ResilientCache<T>(this.#rest, {
      resource,
      ...scope,
      onChange: options.onChange,
      onEvent: (event) => options.onCacheEvent?.(resource.kind, event),
      ...(options.log === undefined ? {} : { log: options.log }),
      ...(options.watchTimeoutSeconds === undefined
        ? {}
        : { watchTimeoutSeconds: options.watchTimeoutSeconds }),
      ...(options.relistEveryMs === undefined ? {} : { relistEveryMs: options.relistEveryMs }),
    });
    this.#caches.push(made);
    return made;
  }

  /** MetalLB's CRs (optional: the CRDs may not be installed yet) and the CCM's password Secret. */
  #metallbCaches(namespace: string): NonNullable<KubernetesObserver['metallbObjects']> {
    return {
      ipAddressPools: this.#cache(resources.IPAddressPool, { namespace, optional: true }),
      bgpAdvertisements: this.#cache(resources.BGPAdvertisement, { namespace, optional: true }),
      bgpPeers: this.#cache(resources.BGPPeer, { namespace, optional: true }),
      // Only the Secret the CCM writes (by either of its names): all its RBAC lets it read.
      passwordSecrets: passwordSecretNames.map((name) =>
        this.#cache(resources.Secret, { namespace, fieldSelector: `metadata.name=${name}` }),
      ),
    };
  }

  /** Reads the cluster's identity and starts every cache. */
  async start(): Promise<void> {
    const namespace = await this.#rest.request<V1Namespace>({
      method: 'GET',
      path: resourcePath(resources.Namespace, { name: 'kube-system' }),
    });
    const uid = namespace.metadata?.uid ?? '';
    if (!isUuid(uid)) throw new Error(`the kube-system namespace has no usable uid ("${uid}")`);
    this.#clusterId = uid.toLowerCase() as ClusterId;
    for (const c of this.#caches) c.start();
  }

  get synced(): boolean {
    return this.#clusterId !== undefined && this.#caches.every((c) => c.synced);
  }

  async whenSynced(): Promise<void> {
    await Promise.all(this.#caches.map((c) => c.whenSynced()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#caches.map((c) => c.stop()));
  }

  /**
   * An object as the caches hold it now: `undefined` when no cache holds objects of its kind (the
   * CCM does not watch it), else whether and how it is there.
   */
  find(ref: ObjectRef): { readonly object?: KubernetesObject } | undefined {
    const caches = this.#caches.filter((c) => c.kind === ref.kind);
    if (caches.length === 0) return undefined;
    const object = caches.map((c) => c.get(ref.namespace, ref.name)).find((o) => o !== undefined);
    return object === undefined ? {} : { object };
  }

  /** The Kubernetes part of a snapshot, as the caches hold it now. */
  state(): KubernetesState {
    const configMap = this.metallbConfigMap?.list()[0];
    const crs = this.metallbObjects;
    return {
      ...(this.#clusterId === undefined ? {} : { clusterId: this.#clusterId }),
      nodes: this.nodes.list(),
      services: this.services.list(),
      kubernetesEndpointSlices: this.endpointSlices.list(),
      mirrorEndpointSlices: this.mirrorEndpointSlices?.list() ?? [],
      ...(this.metallbConfigMap === undefined && crs === undefined
        ? {}
        : {
            metallb: {
              ...(configMap === undefined ? {} : { configMap }),
              ...(crs === undefined
                ? {}
                : {
                    ipAddressPools: crs.ipAddressPools.list(),
                    bgpAdvertisements: crs.bgpAdvertisements.list(),
                    bgpPeers: crs.bgpPeers.list(),
                    passwordSecrets: crs.passwordSecrets.flatMap((c) => c.list()),
                    ...(crs.ipAddressPools.missing ||
                    crs.bgpPeers.missing ||
                    crs.bgpAdvertisements.missing
                      ? { crdsMissing: true }
                      : {}),
                  }),
            },
          }),
    };
  }
}
