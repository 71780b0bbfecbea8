/**
 * Every Event reason the CCM records: one definition each, from which the planners take the reason
 * and the README takes its table (`npm run docs:update`), so the two cannot drift.
 */
export interface EventReasonSpec {
  /**
   * `Normal`: an applied action leaves it, and a failed one leaves `<reason>Failed` (a Warning).
   * `Warning`: a plan warning leaves it when it appears (or its text changes), and again every 30
   * minutes while it stands (an Event series), never once per loop.
   */
  readonly type: 'Normal' | 'Warning';
  /** The object the Event is on; absent when the action concerns no object (the plan and log tell). */
  readonly on?: string;
  readonly meaning: string;
}

const specs = {
  NodeInitialized: {
    type: 'Normal',
    on: 'Node',
    meaning:
      'the Node got its provider ID, addresses and topology labels; the uninitialized taint went',
  },
  NodeSynced: {
    type: 'Normal',
    on: 'Node',
    meaning:
      'the Node follows its device: addresses or location changed, or it is powered on again',
  },
  NodeShutdown: {
    type: 'Normal',
    on: 'Node',
    meaning:
      'the device is inactive: the Node is tainted `node.cloudprovider.kubernetes.io/shutdown`',
  },
  NodeDeleted: {
    type: 'Normal',
    on: 'Node',
    meaning: 'the device no longer exists and the Node is not Ready: the Node was deleted',
  },
  ProjectBgpEnabled: {
    type: 'Normal',
    meaning: 'BGP was enabled on the project (a load balancer needs it)',
  },
  BgpSessionCreated: {
    type: 'Normal',
    on: 'Node',
    meaning: 'the device of a BGP node got its IPv4 BGP session',
  },
  BgpAnnotated: {
    type: 'Normal',
    on: 'Node',
    meaning:
      'the BGP facts of the device (ASNs, peers, source IP, password) were written on the Node',
  },
  BgpAnnotationsRemoved: {
    type: 'Normal',
    on: 'Node',
    meaning: 'the Node left the BGP node selector: the BGP annotations were taken back',
  },
  BgpSessionsReported: {
    type: 'Normal',
    on: 'Node',
    meaning: 'its condition `metal.equinix.com/BGPSessionsEstablished` changed',
  },
  BgpSessionDown: {
    type: 'Warning',
    on: 'Node',
    meaning:
      'the IPv4 BGP session of the Node’s device is down on a switch (the peers are named): Metal’s routers do not hear the node’s announcements there',
  },
  ElasticIPFinalizerAdded: {
    type: 'Normal',
    meaning:
      'the cleanup finalizer went on a Service whose reservation waits for approval (told on the Service by `EnsuringLoadBalancer`); a Service served at once gets it in the write of its address (`ElasticIPAssigned`)',
  },
  ElasticIPRequested: {
    type: 'Normal',
    on: 'Service',
    meaning: 'a reservation (a public IPv4 /32) was requested for the Service',
  },
  ElasticIPAssigned: {
    type: 'Normal',
    on: 'Service',
    meaning: 'the Service got its Elastic IP in `spec.loadBalancerIP`, the annotation and status',
  },
  ElasticIPReleased: {
    type: 'Normal',
    on: 'Service',
    meaning: 'the Service was deleted, retyped or re-classed: its reservation was released',
  },
  ElasticIPCleared: {
    type: 'Normal',
    meaning:
      'the address fields of a Service that is no longer ours were cleared, then the finalizer (told on the Service by `DeletedLoadBalancer`)',
  },
  ElasticIPDuplicateReleased: {
    type: 'Normal',
    on: 'Service',
    meaning: 'a second reservation for one Service (a request whose answer was lost) was released',
  },
  ElasticIPCollected: {
    type: 'Normal',
    meaning:
      'a reservation tagged for a Service of this cluster that no longer exists was released',
  },
  ElasticIPPending: {
    type: 'Warning',
    on: 'Service',
    meaning: 'the reservation waits for Equinix to approve it (quota)',
  },
  ElasticIPDenied: {
    type: 'Warning',
    on: 'Service',
    meaning: 'Equinix denied the reservation',
  },
  ElasticIPLimitReached: {
    type: 'Warning',
    on: 'Service',
    meaning:
      'as many Elastic IPs as `--eip-limit` are announced: none is requested for the Service',
  },
  ElasticIPUnknown: {
    type: 'Warning',
    on: 'Service',
    meaning: 'the address the Service names is not that of a reservation of the project',
  },
  ElasticIPRefused: {
    type: 'Warning',
    on: 'Service',
    meaning: 'the address the Service names is the control-plane Elastic IP, never a Service’s',
  },
  ElasticIPInUse: {
    type: 'Warning',
    on: 'Service',
    meaning:
      'the address the Service names is another Service’s (named in the note: the one it is tagged for, or the older one naming the same bring-your-own address): nothing is written to this one',
  },
  ElasticIPForeign: {
    type: 'Warning',
    on: 'Service',
    meaning:
      'the address the Service names is tagged for another cluster, or carries the CCM’s tags but not for a Service of this cluster: never adopted',
  },
  ElasticIPReleaseWaiting: {
    type: 'Warning',
    on: 'Service',
    meaning:
      'a reservation waits to be released while a live Service still shows its address (status or annotation): on the Service it was for and on the one that shows it',
  },
  ElasticIPConditionSet: {
    type: 'Normal',
    meaning: 'its condition `metal.equinix.com/ElasticIPReady` changed',
  },
  InvalidElasticIPLocation: {
    type: 'Warning',
    on: 'Service',
    meaning: 'the metro or facility annotation is not a location code, or no location is known',
  },
  MetalLBConfigured: {
    type: 'Normal',
    on: 'ConfigMap',
    meaning: 'the CCM’s peers and pools in MetalLB’s ConfigMap were written (other entries kept)',
  },
  MetalLBObjectCreated: {
    type: 'Normal',
    on: 'MetalLB object',
    meaning: 'a BGPPeer, IPAddressPool, BGPAdvertisement or the password Secret was created',
  },
  MetalLBObjectUpdated: {
    type: 'Normal',
    on: 'MetalLB object',
    meaning: 'one of the CCM’s MetalLB objects was brought up to date',
  },
  MetalLBObjectDeleted: {
    type: 'Normal',
    on: 'MetalLB object',
    meaning: 'one of the CCM’s MetalLB objects no node or Service needs any more was deleted',
  },
  MetalLBConfigMapMissing: {
    type: 'Warning',
    on: 'Namespace',
    meaning: 'MetalLB’s ConfigMap does not exist, so MetalLB is not configured',
  },
  MetalLBConfigInvalid: {
    type: 'Warning',
    on: 'Namespace',
    meaning: 'MetalLB’s ConfigMap holds no YAML mapping in `data.config`; left alone',
  },
  MetalLBCRDsMissing: {
    type: 'Warning',
    on: 'Namespace',
    meaning: 'MetalLB’s CRDs (metallb.io) are not installed',
  },
  MetalLBNameTaken: {
    type: 'Warning',
    on: 'MetalLB object, Service',
    meaning:
      'a name the CCM needs is taken by an object without its label: the CCM uses a name of its own and never refers to that object',
  },
  ControlPlaneElasticIPAssigned: {
    type: 'Normal',
    on: 'Namespace kube-system',
    meaning: 'the control-plane Elastic IP was assigned to a healthy control-plane node',
  },
  ControlPlaneElasticIPUnassigned: {
    type: 'Normal',
    on: 'Namespace kube-system',
    meaning: 'the control-plane Elastic IP was taken off a failing node (it moves)',
  },
  ControlPlaneMirrorCreated: {
    type: 'Normal',
    on: 'the mirror Service',
    meaning:
      'the Service mirroring `default/kubernetes` on the control-plane Elastic IP was created',
  },
  ControlPlaneMirrorUpdated: {
    type: 'Normal',
    on: 'the mirror Service',
    meaning: 'the mirror Service was brought up to date',
  },
  ControlPlaneEndpointsApplied: {
    type: 'Normal',
    on: 'the mirror EndpointSlice',
    meaning: 'the mirror’s EndpointSlice follows the endpoints of `default/kubernetes`',
  },
  ControlPlaneElasticIPMissing: {
    type: 'Warning',
    on: 'Namespace kube-system',
    meaning: 'no reservation of the project carries the EIP tag',
  },
  ControlPlaneElasticIPAmbiguous: {
    type: 'Warning',
    on: 'Namespace kube-system',
    meaning: 'several reservations carry the EIP tag: nothing moves',
  },
  ControlPlaneElasticIPPending: {
    type: 'Warning',
    on: 'Namespace kube-system',
    meaning: 'the tagged reservation is not created yet',
  },
  ControlPlaneElasticIPNoPort: {
    type: 'Warning',
    on: 'Namespace kube-system',
    meaning: '`default/kubernetes` has no port to probe and mirror',
  },
  ControlPlaneElasticIPUnplaced: {
    type: 'Warning',
    on: 'Namespace kube-system',
    meaning: 'the Elastic IP is unassigned or failing, and no control-plane node is healthy',
  },
  EnsuringLoadBalancer: {
    type: 'Normal',
    on: 'Service',
    meaning:
      'the service controller’s: the Service’s load balancer (its Elastic IP) is being set up; once, not each loop until it is',
  },
  EnsuredLoadBalancer: {
    type: 'Normal',
    on: 'Service',
    meaning: 'the service controller’s: the Elastic IP reached the Service’s status',
  },
  UpdatedLoadBalancer: {
    type: 'Normal',
    on: 'Service',
    meaning: 'the service controller’s: a Service with its address changed (annotation, pools)',
  },
  DeletingLoadBalancer: {
    type: 'Normal',
    on: 'Service',
    meaning: 'the service controller’s: the Service’s Elastic IP is being released',
  },
  DeletedLoadBalancer: {
    type: 'Normal',
    on: 'Service',
    meaning: 'the service controller’s: the Elastic IP is released and the finalizer gone',
  },
  SyncLoadBalancerFailed: {
    type: 'Warning',
    on: 'Service',
    meaning:
      'the service controller’s: an action for the Service’s load balancer failed (`Error syncing load balancer: <why>`)',
  },
  LeaderElectionForbidden: {
    type: 'Warning',
    on: 'Lease',
    meaning: 'its Lease is forbidden (401/403): the CCM cannot lead, /readyz fails; once a start',
  },
} as const satisfies Record<string, EventReasonSpec>;

/** An Event reason the CCM records (a `<reason>Failed` Warning follows each `Normal` one). */
export type EventReason = keyof typeof specs;

export const eventReasons: Readonly<Record<EventReason, EventReasonSpec>> = specs;

/** The reasons by name, for writing `events.ElasticIPAssigned` instead of a bare string. */
export const events = Object.fromEntries(Object.keys(specs).map((name) => [name, name])) as {
  readonly [R in EventReason]: R;
};
