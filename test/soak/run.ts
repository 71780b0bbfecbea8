import type { KubeEnvironment } from '../kube/harness.ts';

/** What MetalLB mode or load balancer the CCM runs with in a soak. */
export type SoakLoadBalancer = 'metallb-crds' | 'kube-vip';

/** One soak run as CI replays it (test/soak/seeds.json): its seed and its configuration. */
export interface SoakRun {
  readonly seed: number;
  readonly loadBalancer: SoakLoadBalancer;
  /** `--eip-limit`; 0 is off. */
  readonly eipLimit: number;
}

export interface SoakOptions extends SoakRun {
  readonly kube: KubeEnvironment;
  /** Restarts kube-apiserver (etcd keeps the data). */
  readonly restartApiserver: () => Promise<void>;
  readonly changes: number;
  /** Share of Metal API calls that fail while the driver runs (0.2 = 20 %). */
  readonly faultShare: number;
  /** The whole run, settling included. */
  readonly timeLimitMs: number;
  readonly log?: (line: string) => void;
}

export interface SoakReport {
  readonly seed: number;
  readonly counts: Record<string, number>;
  readonly violations: string[];
  /** The daemon's lines while the control-plane EIP stayed put too long (see evidence.ts). */
  readonly evidence: string[];
}

/** The `loadbalancer` setting of each mode. */
export const loadBalancerUrls: Record<SoakLoadBalancer, string> = {
  'metallb-crds': 'metallb:///metallb-system?crdConfiguration=true',
  'kube-vip': 'kube-vip://',
};

/** The Service annotation the CCM writes the Elastic IP into, per mode. */
export const ipAnnotations: Record<SoakLoadBalancer, string> = {
  'metallb-crds': 'metallb.io/loadBalancerIPs',
  'kube-vip': 'kube-vip.io/loadbalancerIPs',
};

/** The settings the driver gives the CCM: its expectations are computed from these. */
export const soakSettings = {
  password: 'Soak42Password',
  localAsn: 65001,
  peerAsn: 65530,
  syncSeconds: 3,
  probeIntervalMs: 500,
  probeFailures: 3,
} as const;
