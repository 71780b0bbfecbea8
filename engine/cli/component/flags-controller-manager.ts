import { flag } from './flag.ts';

/** The generic controller-manager flags, the cloud-provider ones, and the client's. */
const generic = {
  'allocate-node-cidrs': flag('bool', 'allocate Pod CIDRs to Nodes'),
  'cidr-allocator-type': flag('string', 'type of CIDR allocator', { default: 'RangeAllocator' }),
  'cloud-config': flag('string', 'path to the cloud provider configuration file', {
    effect: 'the config Secret file (`cloud-sa.json`); `--provider-config` is the older name',
  }),
  'cloud-provider': flag('string', 'the cloud provider', {
    effect: 'must be `equinixmetal` when given',
  }),
  'cluster-cidr': flag('string', 'CIDR range of Pods in the cluster'),
  'cluster-name': flag('string', 'the instance prefix for the cluster', { default: 'kubernetes' }),
  'concurrent-service-syncs': flag('int', 'Services synced at once', { default: '1' }),
  'concurrent-node-syncs': flag('int', 'Nodes synced at once', { default: '1' }),
  'configure-cloud-routes': flag('bool', 'create routes for Pod CIDRs', { default: 'true' }),
  'controller-start-interval': flag('duration', 'interval between starting controllers'),
  controllers: flag('strings', 'controllers to enable', { default: '*' }),
  'external-cloud-volume-plugin': flag('string', 'the in-tree volume plugin of the cloud'),
  'feature-gates': flag('string', 'alpha and experimental features (key=value pairs)'),
  'kube-api-burst': flag('int', 'burst of requests to the Kubernetes API', {
    default: '30',
    effect:
      'burst of each Kubernetes client’s rate limit (the loops’, the Events’, the Lease’s; 0: 10)',
  }),
  'kube-api-content-type': flag('string', 'content type of requests to the Kubernetes API', {
    default: 'application/vnd.kubernetes.protobuf',
  }),
  'kube-api-qps': flag('float', 'queries per second to the Kubernetes API', {
    default: '20',
    effect:
      'each Kubernetes client’s rate limit (requests per second; 0: client-go’s 5; negative: none)',
  }),
  'min-resync-period': flag('duration', 'resync period of the informers', { default: '12h0m0s' }),
  'node-monitor-period': flag('duration', 'period of syncing NodeStatus', { default: '5s' }),
  'node-status-update-frequency': flag('duration', 'how often Node status is updated', {
    default: '5m0s',
  }),
  'route-reconciliation-period': flag('duration', 'period of reconciling routes', {
    default: '10s',
  }),
  'use-service-account-credentials': flag('bool', 'a service account per controller'),
  'allow-untagged-cloud': flag('bool', 'deprecated: allow a cluster without a cluster ID'),
  kubeconfig: flag('string', 'path to a kubeconfig', {
    effect: 'path to a kubeconfig (default: in-cluster, else `$KUBECONFIG` or `~/.kube/config`)',
  }),
  master: flag('string', 'address of the Kubernetes API server', {
    effect: 'the Kubernetes API server’s address, over the kubeconfig’s',
  }),
  version: flag('string', 'print version information and quit (`--version=raw` for more)', {
    effect: 'print the version and quit; `--version=raw` prints it as JSON',
    bare: 'true',
  }),
} as const;

const leaderElection = {
  'leader-elect': flag('bool', 'elect a leader before running the loops', {
    default: 'true',
    effect: 'elect a leader on a Lease; only the leader calls Metal and writes',
  }),
  'leader-elect-lease-duration': flag('duration', 'how long a standby waits', {
    default: '15s',
    effect: 'how long a standby waits after the last renewal before it takes the Lease',
  }),
  'leader-elect-renew-deadline': flag('duration', 'how long the leader tries to renew', {
    default: '10s',
    effect: 'a leader that has not renewed for this long stops leading',
  }),
  'leader-elect-retry-period': flag('duration', 'wait between attempts', {
    default: '2s',
    effect: 'how often the Lease is renewed or tried',
  }),
  'leader-elect-resource-lock': flag('string', 'the kind of lock object', {
    default: 'leases',
    effect: 'must be `leases`',
  }),
  'leader-elect-resource-name': flag('string', 'name of the lock object', {
    default: 'cloud-controller-manager',
    effect: 'the Lease’s name',
  }),
  'leader-elect-resource-namespace': flag('string', 'namespace of the lock object', {
    default: 'kube-system',
    effect: 'the Lease’s namespace',
  }),
  'enable-leader-migration': flag('bool', 'leader migration between controller managers'),
  'leader-migration-config': flag('string', 'the leader migration configuration file'),
} as const;

const debugging = {
  profiling: flag('bool', 'profiling via /debug/pprof', { default: 'true' }),
  'contention-profiling': flag('bool', 'block profiling, with profiling'),
} as const;

/** The controller-manager's own flags: generic, leader election, debugging. */
export const controllerManagerFlags = { ...generic, ...leaderElection, ...debugging } as const;
