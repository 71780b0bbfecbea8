/** The TLS versions `--tls-min-version` names, as Node calls them. */
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** HTTPS of /healthz, /livez, /readyz and /metrics (`--bind-address`, `--secure-port`, …). */
export interface SecureServingOptions {
  readonly bindAddress: string;
  /** 0: no HTTPS. */
  readonly port: number;
  /** Where a self-signed pair is kept when no certificate is given; undefined: in memory. */
  readonly certDir?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly minVersion: TlsVersion;
}

/** Who may read what: TokenReviews and SubjectAccessReviews, as Kubernetes components delegate them. */
export interface DelegatedAuthOptions {
  /** Kubeconfigs for the reviews; undefined: the CCM's own connection. */
  readonly authenticationKubeconfig?: string;
  readonly authorizationKubeconfig?: string;
  /** Do not read the client CA from `kube-system/extension-apiserver-authentication`. */
  readonly skipLookup: boolean;
  readonly tolerateLookupFailure: boolean;
  readonly clientCAFile?: string;
  readonly tokenCacheTtlMs: number;
  readonly allowCacheTtlMs: number;
  readonly denyCacheTtlMs: number;
  /** Served to anyone; a trailing `*` matches a prefix. */
  readonly alwaysAllowPaths: readonly string[];
}

export interface ServingOptions {
  readonly secure: SecureServingOptions;
  readonly auth: DelegatedAuthOptions;
  /** Plain HTTP, unauthenticated, only when asked for (`--health-address`). */
  readonly plain?: { readonly host: string; readonly port: number };
}
