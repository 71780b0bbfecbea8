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
 * `onRetry` hears of each request the API server put off and the client sent again (a metric).
 */
export function kubeClients(
  connection: KubeConnection,
  limit: ClientRateLimit,
  onRetry: (client: string, status: number) => void = () => undefined,
): KubeClients {
  const client = (name: string, through: KubeConnection, bucket: TokenBucket): KubeRest =>
    new KubeRest(through, {
      limiter: bucket,
      userAgent: name === 'loops' ? 'equinix-metal-ccm' : `equinix-metal-ccm/${name}`,
      onRetry: (status) => {
        onRetry(name, status);
      },
    });
  const limited = (name: string): KubeRest =>
    client(name, connection, new TokenBucket(limit.qps, limit.burst));
  return {
    loops: limited('loops'),
    events: limited('events'),
    leaderElection: limited('leader-election'),
    reviews: (through) => client('delegated-auth', through, new TokenBucket(200, 400)),
  };
}
