import { mark } from './mark.ts';

/** What the CCM reads and writes on LoadBalancer Services. */
export const serviceMarks = {
  eipMetro: mark({
    kind: 'annotation',
    key: 'metal.equinix.com/eip-metro',
    on: 'Service',
    use: 'read',
    option: 'annotationEIPMetro',
    meaning:
      'the metro its Elastic IP is reserved in (wins over the facility, as in the upstream CCM’s code)',
  }),
  eipFacility: mark({
    kind: 'annotation',
    key: 'metal.equinix.com/eip-facility',
    on: 'Service',
    use: 'read',
    option: 'annotationEIPFacility',
    meaning: 'the facility its Elastic IP is reserved in, when it names no metro',
  }),
  loadBalancerIP: mark({
    kind: 'field',
    key: 'spec.loadBalancerIP',
    on: 'Service',
    use: 'read and written',
    meaning:
      'its Elastic IP; read as the address its user chose: a reservation of the project without the CCM’s tags',
  }),
  kubeVipAddress: mark({
    kind: 'annotation',
    key: 'kube-vip.io/loadbalancerIPs',
    on: 'Service',
    use: 'read and written',
    meaning:
      'its Elastic IP, for kube-vip (kube-vip mode); read, when `spec.loadBalancerIP` is empty, as the address its user chose',
  }),
  metallbAddress: mark({
    kind: 'annotation',
    key: 'metallb.io/loadBalancerIPs',
    on: 'Service',
    use: 'read and written',
    meaning:
      'its Elastic IP, for MetalLB (MetalLB modes); read, when `spec.loadBalancerIP` is empty, as the address its user chose',
  }),
  ingress: mark({
    kind: 'field',
    key: 'status.loadBalancer.ingress',
    on: 'Service',
    use: 'read and written',
    meaning:
      'its Elastic IP, once it has one; while a live Service shows an address here (or in the annotation), its reservation is not released',
  }),
  elasticIpReady: mark({
    kind: 'condition',
    key: 'metal.equinix.com/ElasticIPReady',
    on: 'Service',
    use: 'written',
    meaning:
      'whether the Service has its Elastic IP: `True` (`Assigned`) once the address is in its status, or `False` with why: `Pending`, `Denied`, `LimitReached`, `NoLocation`, `NotInProject`, `Refused`, `InUse`, `Foreign`; written when it changes, so `kubectl wait --for=condition=metal.equinix.com/ElasticIPReady` works; taken back when the Service is no longer a LoadBalancer of this CCM',
  }),
  cleanupFinalizer: mark({
    kind: 'finalizer',
    key: 'service.kubernetes.io/load-balancer-cleanup',
    on: 'Service',
    use: 'written',
    meaning: 'set with (or before) its Elastic IP; removed after the Elastic IP is released',
  }),
} as const;
