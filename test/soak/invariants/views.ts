// The objects the invariants read, as the API server answers them (only the fields looked at).

export interface ServiceView {
  readonly metadata: {
    readonly name: string;
    readonly deletionTimestamp?: string;
    readonly finalizers?: readonly string[];
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: {
    readonly type: string;
    readonly loadBalancerClass?: string;
    readonly loadBalancerIP?: string;
  };
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly { ip?: string }[] } };
}

export interface NodeView {
  readonly metadata: {
    readonly name: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: { readonly providerID?: string; readonly taints?: readonly { key: string }[] };
  readonly status?: { readonly addresses?: readonly { type: string; address: string }[] };
}

export interface MetalLBObjectView {
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: Readonly<Record<string, unknown>>;
}

/** The end state of both worlds, as the invariants see it. */
export interface Observed {
  /** The Services of `default`, `kubernetes` left out. */
  readonly services: readonly ServiceView[];
  readonly nodes: readonly NodeView[];
  readonly bgpPeers: readonly MetalLBObjectView[];
  readonly ipAddressPools: readonly MetalLBObjectView[];
  /** Services with a Warning Event `ElasticIPLimitReached`. */
  readonly limitWarned: ReadonlySet<string>;
}

export const cleanupFinalizer = 'service.kubernetes.io/load-balancer-cleanup';
export const managedByCcm = (o: MetalLBObjectView): boolean =>
  o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'metal-ccm';
/** A LoadBalancer Service of this CCM (no class), not being deleted. */
export const isOurs = (s: ServiceView): boolean =>
  s.spec.type === 'LoadBalancer' &&
  s.spec.loadBalancerClass === undefined &&
  s.metadata.deletionTimestamp === undefined;
export const ingressIp = (s: ServiceView): string | undefined =>
  s.status?.loadBalancer?.ingress?.[0]?.ip;

/** IPv4 addresses in numeric order (169.254.255.2 before 169.254.255.10). */
export const byAddress = (a: string, b: string): number => {
  const [x, y] = [a, b].map((ip) => ip.split('.').map(Number));
  for (let i = 0; i < 4; i++) {
    const d = (x?.[i] ?? 0) - (y?.[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};
