/** Names the MetalLB integration shares between its planner and the observation. */

/** The label on every MetalLB object the CCM creates; objects without it are never touched. */
export const managedBy = { key: 'app.kubernetes.io/managed-by', value: 'metal-ccm' } as const;

/** The Secret (type basic-auth) holding the BGP password the CCM's BGPPeers refer to. */
export const passwordSecretName = 'metal-ccm-bgp-password';
