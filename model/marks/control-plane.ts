/** Names the control-plane Elastic IP shares between its planner, the others and the observation. */

/** The Service that mirrors `default/kubernetes` on the control-plane EIP. */
export const mirrorService = {
  namespace: 'kube-system',
  name: 'cloud-provider-equinix-metal-kubernetes-external',
} as const;

/** `endpointslice.kubernetes.io/managed-by` of the mirror's EndpointSlice: the controllers leave it be. */
export const mirrorSliceManager = 'metal-ccm.metal.equinix.com';

/** Keeps MetalLB (legacy and CRD) from giving the mirror Service an address of its pools. */
export const metallbOff = {
  key: 'metallb.universe.tf/address-pool',
  value: 'disabled-metallb-do-not-use-any-address-pool',
} as const;
