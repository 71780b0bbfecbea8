import type { Settings } from './settings.ts';
import type { ClusterId } from './ids.ts';
import type {
  KubernetesObject,
  V1ConfigMap,
  V1EndpointSlice,
  V1Node,
  V1Service,
} from './kubernetes.ts';
import type { BgpConfig, BgpSession, Device, Project, Reservation } from './metal.ts';

/** Something observed that could not be used as it was: reported in the plan, then skipped. */
export interface Problem {
  /** The observed object, in domain words: `Node worker-1`, `device 3a1e…`, `metal.json devices[2]`. */
  readonly subject: string;
  readonly message: string;
}

export interface KubernetesState {
  /** UID of the kube-system namespace; undefined when it could not be read. */
  readonly clusterId?: ClusterId;
  readonly nodes: readonly V1Node[];
  readonly services: readonly V1Service[];
  /** The EndpointSlices of `default/kubernetes`: where the control plane runs. */
  readonly kubernetesEndpointSlices: readonly V1EndpointSlice[];
  /** The EndpointSlices of the control-plane mirror Service (when a control-plane EIP is configured). */
  readonly mirrorEndpointSlices: readonly V1EndpointSlice[];
  /** MetalLB's objects, when a MetalLB load balancer is configured and they exist. */
  readonly metallb?: {
    /** The legacy configuration (`metallb:///<ns>/<name>`); absent when it does not exist. */
    readonly configMap?: V1ConfigMap;
    /** The CRs in the MetalLB namespace (`?crdConfiguration=true`). */
    readonly ipAddressPools?: readonly KubernetesObject[];
    readonly bgpAdvertisements?: readonly KubernetesObject[];
    readonly bgpPeers?: readonly KubernetesObject[];
    /** The Secrets of the names the BGP password Secret may have (`passwordSecretNames`). */
    readonly passwordSecrets?: readonly KubernetesObject[];
    /** The metallb.io CRDs are not installed (CRD mode). */
    readonly crdsMissing?: boolean;
  };
}

export interface MetalState {
  readonly project?: Project;
  readonly bgpConfig?: BgpConfig;
  readonly devices: readonly Device[];
  readonly reservations: readonly Reservation[];
  readonly bgpSessions: readonly BgpSession[];
  /** Where the cluster lives: from configuration or the metadata service. */
  readonly location: { readonly metro?: string; readonly facility?: string };
  /**
   * True when every list answered in full and every item parsed. Anything that deletes because
   * something is absent (a Node whose device is gone, an orphaned reservation) waits for this.
   */
  readonly complete: boolean;
}

/** The last `GET https://<address>:<port>/healthz` the prober made, and how many failed in a row. */
export interface ProbeResult {
  readonly address: string;
  readonly port: number;
  /** For the EIP: the device it was on when probed. A move starts its count afresh. */
  readonly holder?: string;
  /** It answered 200. */
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
  /** Failed probes in a row (0 after a 200): the planners' only memory of health. */
  readonly consecutiveFailures: number;
}

/** Everything the planners know: one immutable observation of both worlds, at one time. */
export interface Snapshot {
  /** When the observation was taken (ISO 8601); the planners' only clock. */
  readonly time: string;
  /** Where it was observed from, e.g. `live` or `fixture fixtures/example`. */
  readonly source: string;
  readonly settings: Settings;
  readonly kubernetes: KubernetesState;
  readonly metal: MetalState;
  readonly probes: readonly ProbeResult[];
  readonly problems: readonly Problem[];
}

/** Every Kubernetes object of the state: what the planners read. */
export function kubernetesObjectsOf(state: KubernetesState): KubernetesObject[] {
  const m = state.metallb;
  return [
    ...state.nodes,
    ...state.services,
    ...state.kubernetesEndpointSlices,
    ...state.mirrorEndpointSlices,
    ...(m?.configMap === undefined ? [] : [m.configMap]),
    ...(m?.passwordSecrets ?? []),
    ...(m?.ipAddressPools ?? []),
    ...(m?.bgpAdvertisements ?? []),
    ...(m?.bgpPeers ?? []),
  ];
}
