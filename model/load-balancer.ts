import { serviceMarks } from './marks/service.ts';
import type { LoadBalancer } from './settings.ts';

/**
 * What the planners, the observation and the engine need to know of the configured load balancer:
 * decided here, once, from its kind, so no other part asks which load balancer it is.
 */
export interface LoadBalancerTraits {
  /** LoadBalancer Services get Elastic IPs. */
  readonly elasticIps: boolean;
  /** BGP: enabled on the project, a session per node, the neighbours observed and put on the Nodes. */
  readonly bgp: boolean;
  /** The Service annotation the load balancer reads the address from, besides spec.loadBalancerIP. */
  readonly addressAnnotation?: string;
  /** MetalLB's legacy ConfigMap, to watch and write. */
  readonly metallbConfigMap?: { readonly namespace: string; readonly name: string };
  /** The namespace of MetalLB's CRs (CRD mode), to watch and write. */
  readonly metallbNamespace?: string;
}

export function loadBalancerTraits(lb: LoadBalancer): LoadBalancerTraits {
  const metallbAddress = serviceMarks.metallbAddress.key;
  switch (lb.kind) {
    case 'none':
      return { elasticIps: false, bgp: false };
    case 'kube-vip':
      return { elasticIps: true, bgp: true, addressAnnotation: serviceMarks.kubeVipAddress.key };
    case 'empty':
      return { elasticIps: true, bgp: true };
    case 'metallb-configmap':
      return {
        elasticIps: true,
        bgp: true,
        addressAnnotation: metallbAddress,
        metallbConfigMap: { namespace: lb.namespace, name: lb.name },
      };
    case 'metallb-crds':
      return {
        elasticIps: true,
        bgp: true,
        addressAnnotation: metallbAddress,
        metallbNamespace: lb.namespace,
      };
  }
}
