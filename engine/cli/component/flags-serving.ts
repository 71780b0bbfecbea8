import { flag } from './flag.ts';

/** HTTPS serving of /healthz, /livez, /readyz and /metrics, as every Kubernetes component. */
const secureServing = {
  'bind-address': flag('ip', 'the address the HTTPS server listens on', {
    default: '0.0.0.0',
    effect: 'the address the HTTPS server listens on',
  }),
  'secure-port': flag('int', 'the port of HTTPS with authentication and authorization', {
    default: '10258',
    effect: 'the HTTPS port of /healthz, /livez, /readyz and /metrics; 0 turns HTTPS off',
  }),
  'cert-dir': flag('string', 'where the TLS pair is', {
    effect:
      'where a self-signed pair is kept (`cloud-controller-manager.crt`/`.key`) when no certificate is given; empty: in memory',
  }),
  'tls-cert-file': flag('string', 'the serving certificate (PEM, with its chain)', {
    effect: 'the serving certificate (PEM, with its chain)',
  }),
  'tls-private-key-file': flag('string', 'the serving certificate’s key', {
    effect: 'the serving certificate’s private key (PEM)',
  }),
  'tls-min-version': flag('string', 'the lowest TLS version', {
    effect: 'the lowest TLS version served: `VersionTLS10` to `VersionTLS13` (default: TLS 1.2)',
  }),
  'tls-cipher-suites': flag('strings', 'the cipher suites'),
  'tls-sni-cert-key': flag('strings', 'certificates per SNI name'),
  'http2-max-streams-per-connection': flag('int', 'HTTP/2 streams per connection'),
  'disable-http2-serving': flag('bool', 'serve HTTP/1.1 only'),
  'permit-address-sharing': flag('bool', 'SO_REUSEADDR on the listener'),
  'permit-port-sharing': flag('bool', 'SO_REUSEPORT on the listener'),
} as const;

/** Who the caller is: a bearer token reviewed by the API server (TokenReview), or a client certificate. */
const authentication = {
  'authentication-kubeconfig': flag('string', 'kubeconfig for TokenReviews', {
    effect: 'the kubeconfig for TokenReviews (default: the CCM’s own connection)',
  }),
  'authentication-skip-lookup': flag('bool', 'skip reading the client CA from the cluster', {
    effect: 'do not read the client CA from `kube-system/extension-apiserver-authentication`',
  }),
  'authentication-token-webhook-cache-ttl': flag('duration', 'how long token reviews are cached', {
    default: '10s',
    effect: 'how long a TokenReview’s answer is kept',
  }),
  'authentication-tolerate-lookup-failure': flag('bool', 'start when the lookup fails', {
    effect: 'start even when that ConfigMap cannot be read',
  }),
  'client-ca-file': flag('string', 'CA of client certificates', {
    effect: 'client certificates signed by this CA authenticate (CN the user, O the groups)',
  }),
  'requestheader-allowed-names': flag('strings', 'front-proxy client names'),
  'requestheader-client-ca-file': flag('string', 'front-proxy CA'),
  'requestheader-extra-headers-prefix': flag('strings', 'front-proxy extra headers', {
    default: 'x-remote-extra-',
  }),
  'requestheader-group-headers': flag('strings', 'front-proxy group headers', {
    default: 'x-remote-group',
  }),
  'requestheader-uid-headers': flag('strings', 'front-proxy UID headers'),
  'requestheader-username-headers': flag('strings', 'front-proxy user headers', {
    default: 'x-remote-user',
  }),
} as const;

/** What the caller may do: a SubjectAccessReview per request, except on the always-allowed paths. */
const authorization = {
  'authorization-always-allow-paths': flag('strings', 'paths served without authorization', {
    default: '/healthz,/readyz,/livez',
    effect: 'paths served without authorization (`*` at the end matches a prefix)',
  }),
  'authorization-kubeconfig': flag('string', 'kubeconfig for SubjectAccessReviews', {
    effect: 'the kubeconfig for SubjectAccessReviews (default: the CCM’s own connection)',
  }),
  'authorization-webhook-cache-authorized-ttl': flag('duration', 'how long an allow is cached', {
    default: '10s',
    effect: 'how long an allowing SubjectAccessReview is kept',
  }),
  'authorization-webhook-cache-unauthorized-ttl': flag('duration', 'how long a deny is cached', {
    default: '10s',
    effect: 'how long a denying SubjectAccessReview is kept',
  }),
} as const;

/** The admission webhook server of the CCM framework (this CCM has no webhooks). */
const webhooks = {
  webhooks: flag('strings', 'webhooks to enable'),
  'webhook-bind-address': flag('ip', 'webhook server address'),
  'webhook-secure-port': flag('int', 'webhook server port'),
  'webhook-cert-dir': flag('string', 'webhook certificate directory'),
  'webhook-tls-cert-file': flag('string', 'webhook certificate'),
  'webhook-tls-private-key-file': flag('string', 'webhook certificate key'),
} as const;

export const servingFlags = {
  ...secureServing,
  ...authentication,
  ...authorization,
  ...webhooks,
} as const;
