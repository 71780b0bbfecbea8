import type { Sensitive } from './sensitive.ts';
import type { LabelSelector } from './label-selector.ts';
import type { ProjectId } from './ids.ts';

/** Which load balancer the CCM hands Elastic IPs to (the `loadbalancer` option). */
export type LoadBalancer =
  | { readonly kind: 'none' }
  | { readonly kind: 'kube-vip' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'metallb-configmap'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'metallb-crds'; readonly namespace: string };

/** The node annotations the CCM writes; each name is configurable. */
export interface AnnotationNames {
  readonly localASN: string;
  readonly peerASNs: string;
  readonly peerIPs: string;
  readonly srcIP: string;
  readonly bgpPass: string;
  readonly networkIPv4Private: string;
  readonly eipMetro: string;
  readonly eipFacility: string;
}

/** The effective configuration, after flags > environment > config Secret > defaults. */
export interface Settings {
  readonly apiKey: Sensitive;
  readonly projectID: ProjectId;
  readonly facility?: string;
  readonly metro?: string;
  readonly metadataURL: string;
  readonly baseURL: string;
  readonly loadBalancer: LoadBalancer;
  /** Services with this `spec.loadBalancerClass` are ours too (those without a class always are). */
  readonly loadBalancerClass?: string;
  /** Most Service Elastic IPs announced; 0 = no limit. */
  readonly eipLimit: number;
  readonly localASN: number;
  readonly bgpPass?: Sensitive;
  readonly annotations: AnnotationNames;
  readonly eipTag: string;
  readonly apiServerPort: number;
  readonly bgpNodeSelector: LabelSelector;
  readonly eipHealthCheckUseHostIP: boolean;
  /** Milliseconds between probes of the control-plane EIP and nodes (independent of resyncs). */
  readonly eipHealthCheckIntervalMs: number;
  /** Consecutive failed EIP probes before it moves, so one lost probe does not move it. */
  readonly eipHealthCheckFailures: number;
  /** Milliseconds between full resyncs. */
  readonly syncPeriodMs: number;
  /** Milliseconds one Metal API request may take, its whole answer included. */
  readonly metalRequestTimeoutMs: number;
  /** Milliseconds one observation of the Metal project may take in all. */
  readonly metalObservationTimeoutMs: number;
}
