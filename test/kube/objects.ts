import type { V1ServiceSpec } from '@kubernetes/client-node';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import type { KubeRest } from '../../providers/kubernetes/rest.ts';

/** Creates a Service of type LoadBalancer (port 80, unless `spec` says otherwise) in `namespace`. */
export async function createLoadBalancerService(
  rest: KubeRest,
  name: string,
  spec: Partial<V1ServiceSpec> = {},
  namespace = 'default',
): Promise<void> {
  await rest.request({
    method: 'POST',
    path: resourcePath(resources.Service, { namespace }),
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...spec },
    },
  });
}
