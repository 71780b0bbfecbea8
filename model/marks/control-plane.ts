import { mark } from './mark.ts';

/** Names and marks the control-plane Elastic IP shares between its planner and the observation. */

/** The Service that mirrors `default/kubernetes` on the control-plane EIP. */
export const mirrorService = {
  namespace: 'kube-system',
  name: 'cloud-provider-equinix-metal-kubernetes-external',
} as const;

export const controlPlaneMarks = {
  /** Keeps MetalLB (legacy and CRD) from giving the mirror Service an address of its pools. */
  metallbOff: mark({
    kind: 'annotation',
    key: 'metallb.universe.tf/address-pool',
    value: 'disabled-metallb-do-not-use-any-address-pool',
    on: 'the mirror Service',
    use: 'written',
    meaning: 'keeps MetalLB from giving the mirror Service an address of its pools',
  }),
  serviceName: mark({
    kind: 'label',
    key: 'kubernetes.io/service-name',
    on: 'EndpointSlice',
    use: 'read and written',
    meaning:
      'the Service a slice is of: the CCM watches those of `default/kubernetes` and of the mirror by it, and writes it on the mirror’s',
  }),
  sliceManager: mark({
    kind: 'label',
    key: 'endpointslice.kubernetes.io/managed-by',
    value: 'metal-ccm.metal.equinix.com',
    on: 'the mirror EndpointSlice',
    use: 'written',
    meaning: 'tells Kubernetes’ own EndpointSlice controllers to leave the slice be',
  }),
} as const;
