import type { KubeConnection } from './kube-connection.ts';
import { TokenBucket } from './rate-limit.ts';
import { KubeRest } from './rest.ts';

/** `--kube-api-qps` and `--kube-api-burst`: each client's rate limit. */
export interface ClientRateLimit {
  readonly qps: number;
  readonly burst: number;
}

/** The CCM's Kubernetes clients: one connection pool, a rate limit each. */
export interface KubeClients {
  /** The caches' lists and watches and the loops' writes. */
  readonly loops: KubeRest;
  readonly events: KubeRest;
  readonly leaderElection: KubeRest;
  /**
   * The token and access reviews that guard /metrics, through `connection` (the CCM's or their own),
   * with k8s.io/apiserver's fixed limit for its delegated authentication and authorization (200 a
   * second after 400, as it "effectively limits" how fast the server answers): a scrape never
   * waits behind the loops' writes.
   */
  reviews(connection: KubeConnection): KubeRest;
}

/**
 * A client for each kind of work with its own rate limit, as Kubernetes' components make theirs
 * (kube-scheduler: a client, a leader-election client and an event client from one config; a
 * controller manager: one per controller). A flood of Events never delays a loop's writes, and
 * neither delays the Lease's renewal past its deadline, which would hand over leadership.
 */
export function kubeClients(connection: KubeConnection, limit: ClientRateLimit): KubeClients {
  const client = (userAgent: string): KubeRest =>
    new KubeRest(connection, { limiter: new TokenBucket(limit.qps, limit.burst), userAgent });
  return {
    loops: client('equinix-metal-ccm'),
    events: client('equinix-metal-ccm/events'),
    leaderElection: client('equinix-metal-ccm/leader-election'),
    reviews: (through) =>
      new KubeRest(through, {
        limiter: new TokenBucket(200, 400),
        userAgent: 'equinix-metal-ccm/delegated-auth',
      }),
  };
}
