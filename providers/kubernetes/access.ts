import { mirrorService } from '../../model/marks/control-plane.ts';
import { passwordSecretNames } from '../../model/marks/metallb.ts';

/** Where an access happens, as RBAC scopes it. */
export type Scope =
  /** A cluster-scoped resource, or a namespaced one in every namespace: a ClusterRole. */
  | 'cluster'
  /** The CCM's own namespace (the Lease's): a Role there. */
  | 'own'
  /** MetalLB's namespace: a Role there. */
  | 'metallb'
  /** One fixed namespace: a Role there. */
  | { readonly namespace: string };

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** One kind of call the CCM's code makes on the Kubernetes API. */
export interface Access {
  readonly group: string;
  readonly resource: string;
  readonly verbs: readonly Verb[];
  readonly scope: Scope;
  /** The only objects it touches, when their names are fixed (RBAC `resourceNames`). */
  readonly names?: readonly string[];
  readonly why: string;
  /** Only when the CCM is configured for it. */
  readonly when?: 'metallb-configmap' | 'metallb-crds' | 'control-plane';
}

/** Names that depend on the configuration. */
export interface AccessNames {
  readonly leaseName: string;
  readonly metallbConfigMap: string;
}

/** Cluster-wide: the caches of Nodes and Services, their writes, Events, the cluster's identity. */
const clusterAccess: readonly Access[] = [
  {
    group: '',
    resource: 'nodes',
    verbs: ['list', 'watch', 'patch', 'delete'],
    scope: 'cluster',
    why: 'watch Nodes; set provider ID, labels, taints and BGP annotations; delete a Node whose device is gone',
  },
  {
    group: '',
    resource: 'nodes/status',
    verbs: ['patch'],
    scope: 'cluster',
    why: 'a Node’s addresses',
  },
  {
    group: '',
    resource: 'services',
    verbs: ['list', 'watch', 'patch'],
    scope: 'cluster',
    why: 'watch LoadBalancer Services; their finalizer, address and load-balancer annotation',
  },
  {
    group: '',
    resource: 'services/status',
    verbs: ['patch'],
    scope: 'cluster',
    why: 'the load-balancer ingress address',
  },
  {
    group: 'events.k8s.io',
    resource: 'events',
    verbs: ['create', 'patch'],
    scope: 'cluster',
    why: 'Events on the objects the CCM acts on (patch: an Event series’ count)',
  },
  {
    group: '',
    resource: 'namespaces',
    verbs: ['get'],
    scope: 'cluster',
    names: ['kube-system'],
    why: 'the kube-system namespace’s UID is the cluster’s identity in reservation tags',
  },
];

/** The EndpointSlices of `default/kubernetes`, and the control-plane mirror in kube-system. */
const controlPlaneAccess: readonly Access[] = [
  {
    group: 'discovery.k8s.io',
    resource: 'endpointslices',
    verbs: ['list', 'watch'],
    scope: { namespace: 'default' },
    why: 'where the control plane runs: the EndpointSlices of default/kubernetes',
  },
  {
    group: '',
    resource: 'services',
    verbs: ['create'],
    scope: { namespace: mirrorService.namespace },
    why: `the control-plane mirror Service ${mirrorService.name}`,
    when: 'control-plane',
  },
  {
    group: 'discovery.k8s.io',
    resource: 'endpointslices',
    verbs: ['list', 'watch', 'create'],
    scope: { namespace: mirrorService.namespace },
    why: 'the mirror Service’s EndpointSlice (created by server-side apply)',
    when: 'control-plane',
  },
  {
    group: 'discovery.k8s.io',
    resource: 'endpointslices',
    verbs: ['patch'],
    scope: { namespace: mirrorService.namespace },
    names: [mirrorService.name],
    why: 'kept identical to default/kubernetes by server-side apply',
    when: 'control-plane',
  },
];

/** The reviews of the CCM's HTTPS server (the `system:auth-delegator` ClusterRole). */
const reviewAccess: readonly Access[] = [
  {
    group: 'authentication.k8s.io',
    resource: 'tokenreviews',
    verbs: ['create'],
    scope: 'cluster',
    why: 'who calls /metrics (delegated authentication; the system:auth-delegator ClusterRole)',
  },
  {
    group: 'authorization.k8s.io',
    resource: 'subjectaccessreviews',
    verbs: ['create'],
    scope: 'cluster',
    why: 'whether they may (delegated authorization; the system:auth-delegator ClusterRole)',
  },
];

/** Leader election, in the CCM's own namespace. */
function leaseAccess(names: AccessNames): Access[] {
  return [
    {
      group: 'coordination.k8s.io',
      resource: 'leases',
      verbs: ['create'],
      scope: 'own',
      why: 'leader election: the Lease, created once',
    },
    {
      group: 'coordination.k8s.io',
      resource: 'leases',
      verbs: ['get', 'update'],
      scope: 'own',
      names: [names.leaseName],
      why: 'leader election: read and renewed',
    },
  ];
}

/** MetalLB's namespace: the ConfigMap by name, the CRs, the one password Secret. */
function metallbAccess(names: AccessNames): Access[] {
  return [
    {
      group: '',
      resource: 'configmaps',
      verbs: ['list', 'watch', 'patch'],
      scope: 'metallb',
      names: [names.metallbConfigMap],
      why: 'MetalLB’s legacy configuration: the CCM’s own peers and pools in it',
      when: 'metallb-configmap',
    },
    {
      group: 'metallb.io',
      resource: 'ipaddresspools',
      verbs: ['list', 'watch', 'create', 'patch', 'delete'],
      scope: 'metallb',
      why: 'one pool per Elastic IP, labelled as the CCM’s',
      when: 'metallb-crds',
    },
    {
      group: 'metallb.io',
      resource: 'bgpadvertisements',
      verbs: ['list', 'watch', 'create', 'patch', 'delete'],
      scope: 'metallb',
      why: 'the advertisement of the CCM’s pools',
      when: 'metallb-crds',
    },
    {
      group: 'metallb.io',
      resource: 'bgppeers',
      verbs: ['list', 'watch', 'create', 'patch', 'delete'],
      scope: 'metallb',
      why: 'one peer per node and Metal peer',
      when: 'metallb-crds',
    },
    {
      group: '',
      resource: 'secrets',
      verbs: ['create'],
      scope: 'metallb',
      why: 'the BGP password Secret the peers refer to, created once',
      when: 'metallb-crds',
    },
    {
      group: '',
      resource: 'secrets',
      verbs: ['list', 'watch', 'patch', 'delete'],
      scope: 'metallb',
      names: passwordSecretNames,
      why: 'that Secret (or the name it falls back to when a Secret of the user has its name), and no other',
      when: 'metallb-crds',
    },
  ];
}

/**
 * Every call the CCM makes on the Kubernetes API, by resource, verb and scope: the caches (list
 * and watch), the executors (JSON Patch, status patches, creates, server-side applies, deletes),
 * the Lease, Events and the reviews of its HTTPS server. The RBAC of deploy/ is this table, and
 * test/integration/rbac.test.ts makes every one of these calls as the CCM and checks that every
 * other verb is refused, so the code and its permissions cannot drift apart.
 */
export function accessTable(names: AccessNames): readonly Access[] {
  return [
    ...clusterAccess,
    ...controlPlaneAccess,
    ...leaseAccess(names),
    ...metallbAccess(names),
    ...reviewAccess,
  ];
}
